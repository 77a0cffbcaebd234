"""The `site-builder` command line: one sub-command per verb (validate, build, assemble, serve, schema, import, new, purge)."""

from .commands import main, run

__all__ = ["main", "run"]
