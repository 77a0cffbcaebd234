"""What a shard of `build` is made from, as one key: a shard whose key and site are as its last build left them is not built again.

A shard's files depend on (render/reuse.py, engine/incremental.py say why): our code, the engine (MkDocs and theme
versions, mkdocs.yml, theme/), content/, site.yaml and every org.yaml and plan.yaml, the project file names of
every plan (counts, cross-plan references), every file of its own organisations' folders, their git history and the
dates of their files, and the portal's newest date (an organisation's overview shows it). The key takes files by
path, size and modification time (a file saved again is a change, even with the same bytes), the git history by the
last commit touching the shard's folders and the newest commit date touching data/ (a commit on another day changes
every shard's overviews). `build/shards/<k>/inputs.json` keeps the key with the shard's findings and the size and
time of every file of its site; anything missing, damaged or different is a build of the shard (its own caches
then keep that cheap). `build --full` builds every shard.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..base.problem import Finding
from ..engine import incremental, seam
from ..git.repo import is_shallow, run_git
from ..render.reuse import code_digest
from .shard import MANIFEST, Walk, walk_data, walked_state

RECORD = "inputs.json"
RECORD_VERSION = 1


def shared_key(root: Path, data_dir: Path, walk: Walk) -> str:
    """The inputs every shard shares: code, engine, content/, site.yaml, every org.yaml and plan.yaml, project file names, newest date."""
    digest = hashlib.sha256(f"{RECORD_VERSION}\0{code_digest()}\0{incremental.engine_key('', root, seam.tool_env()['SOURCE_DATE_EPOCH'])}\0".encode())
    digest.update("\n".join(walk.get("", [])).encode())
    for folder in sorted(k for k in walk if k):
        for entry in walk[folder]:
            path = entry.split("\0", 1)[0]
            digest.update((entry if path.endswith(("/org.yaml", "/plan.yaml")) else path if "/projects/" in path else "").encode() + b"\n")
    content = walk_data(root / "content") if (root / "content").is_dir() else {}
    digest.update(walked_state(content).encode())
    newest = run_git(data_dir, "log", "-1", "--format=%cs", "--", ".") or b""
    digest.update(newest + (b"shallow" if is_shallow(data_dir) else b""))
    return digest.hexdigest()


def shard_key(shared: str, data_dir: Path, walk: Walk, orgs: list[str], strict: bool) -> str:
    """One shard's key: the shared inputs, its organisations, every file of their folders, their last commit, `--strict`."""
    digest = hashlib.sha256(f"{shared}\0{strict}\0{orgs}\0".encode())
    for org in orgs:
        digest.update("\n".join(walk.get(org, [])).encode() + b"\n")
    if orgs:
        digest.update(run_git(data_dir, "log", "-1", "--format=%H", "--", *orgs) or b"-")
    return digest.hexdigest()


def _site_state(site: Path) -> dict[str, list[int]]:
    """Size and time of every file of a shard's site but `shard.json` (rewritten with the data's state at each assembly)."""
    state = incremental.tree_state(site) if site.is_dir() else {}
    state.pop(MANIFEST, None)
    return state


def unchanged(folder: Path, site: Path, key: str) -> list[Finding] | None:
    """The findings of the shard's last build when its key and its site are as that build recorded them; None: build it."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        if record.get("version") != RECORD_VERSION or record.get("key") != key or record.get("site") != _site_state(site):
            return None
        return [Finding(**entry) for entry in record["findings"]]
    except (OSError, ValueError, KeyError, TypeError):  # missing or damaged: the shard is built
        return None


def forget(folder: Path) -> None:
    """Drop the record before the shard is built (a build cut short must not leave an old one that still matches)."""
    (folder / RECORD).unlink(missing_ok=True)


def remember(folder: Path, site: Path, key: str, findings: list[Finding]) -> None:
    """Record a shard just built: its key, its findings, its site's files."""
    record: Mapping[str, Any] = {"version": RECORD_VERSION, "key": key, "findings": [dataclasses.asdict(f) for f in findings], "site": _site_state(site)}
    tmp = folder / f".{RECORD}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, folder / RECORD)
