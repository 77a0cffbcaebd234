"""Stage 4, publish: take out everything marked 비공개 before anything is planned or rendered."""
