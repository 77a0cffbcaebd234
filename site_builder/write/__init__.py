"""Stage 9, write: the generated files into the docs tree (only what changed) and the atomic site swap."""
