"""Personal data gate: published text must not hold a person's identifying numbers or personal e-mail.

Kinds: resident, mobile, passport, bank account, card, driver's licence and health-insurance numbers, and
e-mail outside `*.go.kr` and the site's `email_domains`. Text is matched in one folded spelling (full-width forms,
every dash, zero-width characters: see identifiers.py, which also states what each kind needs to count as a hit),
but every hit is reported, masked and acknowledged as written in the source.

Runs in the check stage over every loaded file (the raw YAML, so each hit names file:line and field).
A value staff have decided may be published is listed verbatim under `acknowledged_personal_data`
(site.yaml for the whole site, plan.yaml for that plan's files). Contact names are scanned too, whether or not
`show_person_names` publishes them today: a number typed into a name field is published the day names are shown
(a name alone is not what this gate looks for).
"""

from __future__ import annotations

import marshal
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..base.digest import code_digest, file_digest
from ..base.problem import Problem
from ..base.store import CacheDir, DigestMemo
from ..load.document import DocumentError, read_document, to_text
from ..load.source import DataSet, Path_, SourceFile
from .identifiers import find_identifiers, fold, may_hold_identifiers
from .validation import breadcrumb

# Fields that are never published as text: internal notes, editor hints, the acknowledgement lists and purge fingerprints.
_UNPUBLISHED_KEYS = {"$schema", "acknowledged", "acknowledged_personal_data", "email_domains", "history_purge", "reason"}
_WITHHELD_KEEPS = {"id", "number", "unit", "strategy", "group", "withheld"}  # what a withheld project still shows

KIND_NAMES = {
    "rrn": "주민등록번호", "mobile": "휴대전화 번호", "email": "개인 전자우편 주소", "passport": "여권번호",
    "account": "계좌번호", "card": "카드 번호", "licence": "운전면허 번호", "health": "건강보험증 번호",
}


@dataclass(frozen=True)
class Hit:
    """One personal-data-looking value inside a text, as written there (`text[offset:offset + len(value)]`)."""

    kind: str
    value: str
    offset: int


def find_personal_data(text: str, allowed_domains: set[str] | frozenset[str] = frozenset()) -> list[Hit]:
    """Every resident, mobile, passport, account, card, licence and health-insurance number and personal e-mail in `text`."""
    if not may_hold_identifiers(text):
        return []  # most texts: no ten digits in a row, no at-sign, no 여권 — nothing to fold or match
    folded = fold(text)
    hits = []
    for kind, (start, end) in find_identifiers(folded.text, frozenset(allowed_domains)):
        start, end = folded.original(start, end)
        hits.append(Hit(kind, text[start:end], start))
    return hits


def _may_hold_personal_data(joined: str) -> bool:
    """Whether any detector could report anything: one cheap search over a file's texts instead of folding each.

    The texts are joined by a NUL between line breaks, which no hint crosses (NUL and line breaks are neither
    digit nor separator), so every hit inside one value has its hint here.
    """
    return may_hold_identifiers(joined)


# How the at-sign of a hit is written (a masked address shows the domain, not the mailbox).
_AT_IN_VALUE = re.compile(r" *(?:[@＠﹫]|[\[(［（] *[aａ][tｔ] *[\])］）]| +at +) *", re.IGNORECASE)


def mask(value: str) -> str:
    """Show a hit without repeating it whole (error output may end up in public CI logs)."""
    at = _AT_IN_VALUE.search(value)
    if at:
        return f"{value[:at.start()][:2]}***@{value[at.end():]}"
    digits = [i for i, ch in enumerate(value) if ch.isdecimal()]
    hidden = set(digits[len(digits) // 2 - 2 : len(digits) - 3]) if len(digits) > 6 else set()
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def _published_texts(data: Any, loc: Path_ = ()) -> list[tuple[Path_, str]]:
    """Every text (and number) in a file's data that ends up on the site, with its location."""
    out: list[tuple[Path_, str]] = []
    _collect_texts(data, loc, out)
    return out


def _collect_texts(data: Any, loc: Path_, out: list[tuple[Path_, str]]) -> None:
    """Append the published texts under `loc` (one list for the whole file: no generator per level)."""
    if isinstance(data, dict):
        skip = _skipped_keys(data) if not loc else set()
        for key, value in data.items():
            if key in _UNPUBLISHED_KEYS or key in skip:
                continue
            _collect_texts(value, loc + (key,), out)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _collect_texts(value, loc + (i,), out)
    elif isinstance(data, str | int) and not isinstance(data, bool):
        out.append((loc, str(data)))


def _skipped_keys(top: dict[str, Any]) -> set[str]:
    """Top-level fields of a project that are withheld (비공개) and so never published."""
    if top.get("withheld"):
        return {k for k in top if k not in _WITHHELD_KEEPS}
    entries = top.get("withheld_fields")
    return {str(e.get("field")) for e in entries if isinstance(e, dict)} if isinstance(entries, list) else set()


def _line_of(source: SourceFile, lines: list[str], loc: Path_, hit: Hit) -> tuple[int, int]:
    """Line and column of a hit: the first line at or after the value's start that contains it."""
    start, col = source.position(loc)
    for number in range(start, len(lines) + 1):
        at = lines[number - 1].find(hit.value)
        if at >= 0:
            return number, at + 1
    return start, col


def file_hits(source: SourceFile, allowed_domains: set[str]) -> list[tuple[Path_, Hit]]:
    """Every personal-data-looking value in a file's published texts, acknowledged or not, with its location."""
    texts = _published_texts(source.data)
    if not _may_hold_personal_data("\n\x00\n".join(text for _, text in texts)):
        return []
    return [(loc, hit) for loc, text in texts for hit in find_personal_data(text, allowed_domains)]


def scan_file(source: SourceFile, acknowledged: set[str], allowed_domains: set[str], scans: ScanMemo | None = None) -> list[Problem]:
    """Problems for every unacknowledged personal-data value in one file (`scans`: what it held when last scanned)."""
    lines: list[str] | None = None
    problems = []
    for loc, hit in scans.file_hits(source) if scans else file_hits(source, allowed_domains):
        if hit.value in acknowledged:
            continue
        lines = lines if lines is not None else source.path.read_text(encoding="utf-8").splitlines()
        line, col = _line_of(source, lines, loc, hit)
        expected = "공개 전에 지우기 (공개해도 되는 값이면 `acknowledged_personal_data`에 그대로 추가)"
        problems.append(Problem(source.display, line, col, breadcrumb(source.data, loc), f"개인정보로 보이는 값이 있습니다: {KIND_NAMES[hit.kind]}", expected, mask(hit.value)))
    return problems


def _listed(source: SourceFile | None, key: str) -> set[str]:
    """A list of strings from a file's top level (empty when absent or malformed)."""
    value = source.data.get(key) if source and isinstance(source.data, dict) else None
    return {str(v) for v in value} if isinstance(value, list) else set()


SCANNED, SCAN_FORMAT = "scanned.bin", 1


def _recalled(kept: Any) -> list[tuple[Any, Hit]] | None:
    """Kept hits as (location or line, Hit); None when there are none or they are not what this code keeps (then the file is scanned)."""
    try:
        hits = [(where, Hit(kind, value, offset)) for where, kind, value, offset in kept]
    except (TypeError, ValueError):
        return None
    ok = all(h.kind in KIND_NAMES and isinstance(h.value, str) and isinstance(h.offset, int) for _, h in hits)
    return hits if ok else None


class ScanMemo:
    """What the scan found in each file in the last build (by the file's bytes, under the site's e-mail domains and this code).

    The hits are kept before acknowledgements are applied, so a changed `acknowledged_personal_data` needs no new scan;
    a file's problems (lines, masks) are made from its hits as without the memo.
    """

    def __init__(self, cache: CacheDir, domains: set[str]) -> None:
        self.domains = domains
        self.memo = DigestMemo(cache.folder / SCANNED, f"{SCAN_FORMAT}\0{code_digest()}\0{sorted(domains)}", cache.fresh)

    def file_hits(self, source: SourceFile) -> list[tuple[Path_, Hit]]:
        """`file_hits` of a data file, recalled when a file of the same bytes was scanned before."""
        kept = _recalled(self.memo.get(source.digest) if source.digest else None)
        if kept is not None and all(isinstance(loc, tuple) for loc, _ in kept):
            return kept
        found = file_hits(source, self.domains)
        self._put(source.digest, [(loc, h.kind, h.value, h.offset) for loc, h in found])
        return found

    def document_hits(self, path: Path) -> list[tuple[int, Hit]] | str:
        """`document_hits` of an official file, recalled when a file of the same bytes was scanned before."""
        try:
            digest = "document:" + file_digest(os.fspath(path))
        except OSError:
            return document_hits(path, self.domains)
        kept = self.memo.get(digest)
        recalled = kept if isinstance(kept, str) else _recalled(kept)
        if recalled is not None:
            return recalled
        found = document_hits(path, self.domains)
        self._put(digest, found if isinstance(found, str) else [(n, h.kind, h.value, h.offset) for n, h in found])
        return found

    def _put(self, digest: str, value: Any) -> None:
        """Keep a file's hits (not when marshal cannot store them: a date as a key on the way to a hit)."""
        try:
            marshal.dumps(value)
        except ValueError:
            return
        if digest:
            self.memo.put(digest, value)


def personal_data_problems(data: DataSet, cache: CacheDir | None = None) -> list[Problem]:
    """Scan every loaded file; acknowledgements in site.yaml apply everywhere, in plan.yaml to that plan.

    `cache` (`build`, `serve`): each file's hits are kept by its bytes, so an unchanged file is not scanned again.
    """
    site_ack = _listed(data.site, "acknowledged_personal_data")
    domains = {d.lower().lstrip("@") for d in _listed(data.site, "email_domains")}
    scans = ScanMemo(cache, domains) if cache else None
    problems = scan_file(data.site, site_ack, domains, scans) if data.site else []
    orgs_done: set[str] = set()
    for files in data.plans:
        plan_ack = site_ack | _listed(files.plan, "acknowledged_personal_data")
        if files.org.display not in orgs_done:
            orgs_done.add(files.org.display)
            problems += scan_file(files.org, site_ack, domains, scans)
        for source in [files.plan, *files.projects, *files.progress]:
            problems += scan_file(source, plan_ack, domains, scans)
        folder = files.plan.display.rsplit("/", 1)[0]
        problems += [p for path in files.documents for p in scan_document(path, folder, plan_ack, domains, scans)]
    if scans:
        scans.memo.save()
    return problems


def document_hits(path: Path, domains: set[str]) -> list[tuple[int, Hit]] | str:
    """Every personal-data-looking value in an official file's text by line number, or why the file cannot be read."""
    try:
        text = to_text(read_document(path)) if path.suffix.lower() != ".pdf" else ""  # no PDF text reader: see the staff guide
    except DocumentError as exc:
        return str(exc)[:120]
    return [(number, hit) for number, line in enumerate(text.splitlines(), 1) for hit in find_personal_data(line, domains)]


def scan_document(path: Path, folder: str, acknowledged: set[str], domains: set[str], scans: ScanMemo | None = None) -> list[Problem]:
    """An official file is published beside its plan: its text (HWP/HWPX read as the importer reads it) passes the same gate."""
    shown = f"{folder}/documents/{path.name}"
    found = scans.document_hits(path) if scans else document_hits(path, domains)
    if isinstance(found, str):
        return [Problem(shown, 1, 1, "", "원문 파일을 열 수 없습니다", "열리는 HWP·HWPX·텍스트 파일", found)]
    expected = "이 값을 가린 원문 파일로 바꾸기 (공개해도 되는 값이면 `acknowledged_personal_data`에 그대로 추가)"
    return [Problem(shown, number, hit.offset + 1, "", f"원문 파일에 개인정보로 보이는 값이 있습니다: {KIND_NAMES[hit.kind]}", expected, mask(hit.value))
            for number, hit in found if hit.value not in acknowledged]


def content_problems(content_dir: Path, acknowledged: set[str], domains: set[str]) -> list[Problem]:
    """Hand-written pages (content/**/*.md) are published too: the same gate, line by line."""
    problems = []
    for path in sorted(content_dir.rglob("*.md")) if content_dir.is_dir() else []:
        shown = f"{content_dir.name}/{path.relative_to(content_dir).as_posix()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for hit in find_personal_data(line, domains):
                if hit.value not in acknowledged:
                    expected = "공개 전에 지우기 (공개해도 되는 값이면 site.yaml `acknowledged_personal_data`에 그대로 추가)"
                    problems.append(Problem(shown, number, hit.offset + 1, "", f"개인정보로 보이는 값이 있습니다: {KIND_NAMES[hit.kind]}", expected, mask(hit.value)))
    return problems
