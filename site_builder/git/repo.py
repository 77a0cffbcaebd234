"""The one way this package runs git: read-only commands that return None instead of failing."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run_git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """Output of a git command in `cwd`, or None when git, the repository or the command fails."""
    cmd = ["git", "-C", str(cwd), "-c", "core.quotepath=off", *args]  # quotepath off: Korean file names stay readable
    try:
        done = subprocess.run(cmd, input=stdin, capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def is_shallow(cwd: Path) -> bool:
    """True in a shallow clone, whose oldest commits stand for history that was cut off."""
    return (run_git(cwd, "rev-parse", "--is-shallow-repository") or b"").strip() == b"true"
