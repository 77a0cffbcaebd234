"""Stage 0, shared by every stage: the problem record (file, line, Korean message) and the forked worker pools."""
