"""The official files of a plan (data/<org>/<year>/documents/), published beside it when that withholds nothing.

An official file holds everything the document says, so it is published only when the site hides nothing of it:
not when anything of the plan is marked 비공개, and not when it names the contact persons while the site hides
names (`show_person_names`). A text export can be published with those names masked (○○○, one per letter, so its
line numbers, which every 원문 citation uses, stay true); an HWP, HWPX or PDF cannot be changed here, so it is left
out with the reason, and staff may add a masked copy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..load.document import DocumentError, read_document, to_text
from ..load.source import DOCUMENT_TYPES
from ..model import SiteConfig
from ..model.portal import PlanBundle

WITHHELD = "이 계획에는 비공개로 가린 내용이 있어, 그 내용이 그대로 든 원문 파일은 싣지 않았습니다."
NAMED = "담당자 이름이 들어 있어 싣지 않았습니다 (이름을 가린 파일이나 텍스트본을 올리면 실립니다)."


@dataclass(frozen=True)
class Original:
    """One official file as the site shows it: published (`path`) or left out (`reason`)."""

    name: str
    kind: str  # HWP, HWPX, PDF, 텍스트
    size: int
    path: str = ""  # its site path when published
    note: str = ""  # what was changed (`담당자 이름 가림`)
    reason: str = ""  # why it is not published


def plan_originals(bundle: PlanBundle, site: SiteConfig) -> list[Original]:
    """Every official file of a (redacted) plan, with where it is published or why it is not."""
    return [original for original, _ in _originals(bundle, site)]


def original_files(bundle: PlanBundle, site: SiteConfig) -> dict[str, bytes]:
    """The bytes of each published official file, by site path."""
    return {original.path: content for original, content in _originals(bundle, site) if original.path}


# The plan page, every 원문 citation and the file writer all ask about the same plan: its files are read, masked
# and judged once per plan (the newest plan asked about is kept, as redaction keeps its newest portal).
_LAST: list[tuple[PlanBundle, SiteConfig, list[tuple[Original, bytes]]]] = []


def _originals(bundle: PlanBundle, site: SiteConfig) -> list[tuple[Original, bytes]]:
    """Each official file's entry and published bytes, worked out once per plan."""
    if not bundle.documents:
        return []
    if _LAST and _LAST[0][0] is bundle and _LAST[0][1] is site:
        return _LAST[0][2]
    withholds = _withholds(bundle)
    names = () if site.show_person_names else _names(bundle)
    found = [_original(bundle.key, path, withholds, names) for path in bundle.documents]
    _LAST[:] = [(bundle, site, found)]
    return found


def _original(plan_key: str, path: Path, withholds: bool, names: tuple[str, ...]) -> tuple[Original, bytes]:
    """One file: its entry and its published bytes (empty when left out)."""
    kind, size = DOCUMENT_TYPES[path.suffix.lower()], path.stat().st_size
    if withholds:
        return Original(path.name, kind, size, reason=WITHHELD), b""
    content, note = _published(path, names)
    if content is None:
        return Original(path.name, kind, size, reason=NAMED), b""
    return Original(path.name, kind, len(content), f"{plan_key}/documents/{path.name}", note), content


def _published(path: Path, names: tuple[str, ...]) -> tuple[bytes | None, str]:
    """The bytes to publish and what was changed; None when the file names people and cannot be masked here."""
    data = path.read_bytes()
    if path.suffix.lower() == ".txt":
        text = data.decode("utf-8-sig", errors="replace")
        masked = functools.reduce(lambda t, n: t.replace(n, "○" * len(n)), names, text)
        # A BOM: web servers send .txt without a charset, and browsers then guess (and garble Korean) without one.
        return ("\ufeff" + masked).encode("utf-8"), "담당자 이름 가림" if masked != text else ""
    if not names:
        return data, ""
    return (None, "") if path.suffix.lower() == ".pdf" or _mentions(path, names) else (data, "")


@functools.lru_cache(maxsize=64)
def _text(path: Path, size: int, mtime: float) -> str:
    """The text of an HWP/HWPX file as the importer reads it ('' when it cannot be read; validation has said so)."""
    try:
        return to_text(read_document(path))
    except DocumentError:
        return ""


def _mentions(path: Path, names: tuple[str, ...]) -> bool:
    """Whether the file's text holds any of the names."""
    stat = path.stat()
    text = _text(path, stat.st_size, stat.st_mtime)
    return any(name in text for name in names)


def _names(bundle: PlanBundle) -> tuple[str, ...]:
    """Contact names the site hides, longest first (so `김민지` is masked before a shorter name inside it)."""
    contacts = [c for u in bundle.plan.units for c in u.contacts] + [c for p in bundle.projects for c in p.contacts]
    return tuple(sorted({c.name.strip() for c in contacts if c.name and len(c.name.strip()) >= 2}, key=lambda n: (-len(n), n)))


def _withholds(bundle: PlanBundle) -> bool:
    """Whether anything of the plan or its projects is marked 비공개 (the redacted bundle keeps every mark)."""
    return any(p.withheld or p.withheld_fields for p in bundle.projects) or _marked(bundle.plan.model_dump(exclude_none=True))


def _marked(value: Any) -> bool:
    """A `withheld` mark anywhere in a dumped model."""
    if isinstance(value, dict):
        return "withheld" in value or any(_marked(v) for v in value.values())
    return isinstance(value, list) and any(_marked(v) for v in value)
