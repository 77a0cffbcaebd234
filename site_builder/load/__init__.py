"""Stage 1, load: read data/ (YAML) into plain values with the position of every value."""
