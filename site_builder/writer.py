"""Write stage: put the rendered docs tree in place, then swap the built site in atomically."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def write_tree(files: dict[str, str | bytes], static_dirs: list[Path], target: Path) -> None:
    """Write a fresh docs tree (hand-written content + generated files), replacing `target` whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".docs-", dir=target.parent))
    for directory in static_dirs:
        if directory.exists():
            shutil.copytree(directory, staging, dirs_exist_ok=True)
    for rel, content in sorted(files.items()):
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    replace_dir(staging, target)


def replace_dir(new: Path, target: Path) -> None:
    """Move `new` to `target`; the old `target` disappears only after the new one is in place."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old)
