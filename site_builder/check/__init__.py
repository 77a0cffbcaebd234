"""Stage 3, check: validate the loaded values into the model, then cross-references, personal data and consistency findings."""
