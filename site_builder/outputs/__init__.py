"""Stage 8, outputs: the files beside the pages (open-data downloads, search index, vendored scripts)."""
