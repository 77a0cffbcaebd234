"""Digests of bytes, files and folders: what the build caches are keyed by and what a shard's data is checked against."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Mapping
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # site_builder/: templates and code
CODE_VERSION = 1  # raised when a cache format changes without a code change that would show it
_CODE: list[str] = []


def bytes_digest(raw: bytes) -> str:
    """SHA-256 of some bytes (hex): the loader records it for every file it reads."""
    return hashlib.sha256(raw).hexdigest()


def file_digest(path: str) -> str:
    """SHA-256 of a file's bytes (hex)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def tree_digest(top: str | Path, known: Mapping[str, str] | None = None, skip: Collection[str] = ()) -> hashlib._Hash:
    """Hash of every file under `top`: its path from `top` (`/`-separated, sorted) and the SHA-256 of its bytes.

    `known`: digests already taken of some files (full path as `os.walk` joins it → `bytes_digest`), so those are not
    read again; `skip`: folder names left out (`__pycache__`). Links to folders are not followed, links to nothing skipped.
    """
    known = known or {}
    top = os.fspath(top)
    files = []
    for folder, dirs, names in os.walk(top):  # plain strings: pathlib's sorting and hashing cost seconds at 10,000 files
        dirs[:] = [d for d in dirs if d not in skip]
        rel = os.path.relpath(folder, top).replace(os.sep, "/")
        files += [(name if rel == "." else f"{rel}/{name}", os.path.join(folder, name)) for name in names]
    digest = hashlib.sha256()
    for rel, path in sorted(files):
        sha = known.get(path)
        if sha is None and os.path.isfile(path):
            sha = file_digest(path)
        if sha is not None:
            digest.update(f"{rel}\0{sha}\n".encode())
    return digest


def code_digest() -> str:
    """Hash of every file of the site_builder package (code, templates): another version ignores every build cache."""
    if not _CODE:
        _CODE.append(hashlib.sha256(f"{CODE_VERSION}\0{tree_digest(PACKAGE, skip={'__pycache__'}).hexdigest()}".encode()).hexdigest())
    return _CODE[0]
