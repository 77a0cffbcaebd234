"""Stage 10, engine: the only stage that knows MkDocs (its per-build config, the build and serve commands, its hooks)."""
