"""The orchestration: load → model → check → publish → git → plan → render → outputs → write → engine, for build and serve."""

from .run import Checked, Paths, build, check, generate

__all__ = ["Checked", "Paths", "build", "check", "generate"]
