"""Personal data gate: published text must not hold resident numbers, mobile numbers or personal e-mail.

Runs in the check stage over every loaded file (the raw YAML, so each hit names file:line and field).
A value staff have decided may be published is listed verbatim under `acknowledged_personal_data`
(site.yaml for the whole site, plan.yaml for that plan's files). Contact names are out of scope: they are
published only when `show_person_names` is set, and a name alone is not what this gate looks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..base.problem import Problem
from ..load.source import DataSet, Path_, SourceFile
from .validation import breadcrumb

# 6 digits (YYMMDD), optional hyphen or space, then the gender/century digit and 6 more digits.
_RRN = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})\s?[-‐–]?\s?([1-8])(\d{6})(?![\d-])")
# Korean mobile numbers: 010/011/016–019, or +82 10 …, separated by -, ., space or nothing.
_MOBILE = re.compile(r"(?<![\d+])(?:\+\s?82[\s.-]?\(?0?\)?\s?|\(?0)1[016789]\)?[\s.-]?\d{3,4}[\s.-]?\d{4}(?!\d)")
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(?![\w-])", re.ASCII)
# Institutional mail: government (`*.go.kr`) and the domains the site lists as its own.
_PUBLIC_SUFFIXES = (".go.kr",)

# Fields that are never published as text: internal notes, editor hints and the acknowledgement lists.
_UNPUBLISHED_KEYS = {"$schema", "acknowledged", "acknowledged_personal_data", "email_domains", "reason"}
_WITHHELD_KEEPS = {"id", "number", "unit", "strategy", "group", "withheld"}  # what a withheld project still shows

KIND_NAMES = {"rrn": "주민등록번호", "mobile": "휴대전화 번호", "email": "개인 전자우편 주소"}


@dataclass(frozen=True)
class Hit:
    """One personal-data-looking value inside a text."""

    kind: str
    value: str
    offset: int


def _valid_birth_date(yy: str, mm: str, dd: str, gender: str) -> bool:
    """The first 7 digits of a resident number form a real birth date (avoids false alarms on other numbers)."""
    century = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}[gender]
    try:
        date(century + int(yy), int(mm), int(dd))
    except ValueError:
        return False
    return True


def _email_is_personal(domain: str, allowed: set[str]) -> bool:
    """An address is institutional on `*.go.kr` or a listed domain (or its subdomains); anything else is personal."""
    domain = domain.lower()
    if domain.endswith(_PUBLIC_SUFFIXES):
        return False
    return not any(domain == d or domain.endswith("." + d) for d in allowed)


def find_personal_data(text: str, allowed_domains: set[str] | frozenset[str] = frozenset()) -> list[Hit]:
    """Every resident number, mobile number and personal e-mail address in `text`."""
    hits = [Hit("rrn", m.group(0), m.start()) for m in _RRN.finditer(text) if _valid_birth_date(*m.group(1, 2, 3, 4))]
    hits += [Hit("mobile", m.group(0).strip(), m.start()) for m in _MOBILE.finditer(text)]
    hits += [Hit("email", m.group(0), m.start()) for m in _EMAIL.finditer(text) if _email_is_personal(m.group(1), set(allowed_domains))]
    return sorted(hits, key=lambda h: h.offset)


def _may_hold_personal_data(joined: str) -> bool:
    """Whether any pattern matches at all: one search over a file's texts instead of three per value.

    The texts are joined by a NUL between line breaks, which no pattern can match across (NUL is neither digit,
    separator nor address character), so every match inside one value is also a match here.
    """
    return bool(_RRN.search(joined) or _MOBILE.search(joined) or ("@" in joined and _EMAIL.search(joined)))


def mask(value: str) -> str:
    """Show a hit without repeating it whole (error output may end up in public CI logs)."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:2]}***@{domain}"
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
            if key == "name" and len(loc) >= 2 and loc[-2] == "contacts":
                continue  # personal names: published only with show_person_names, out of this gate's scope
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


def scan_file(source: SourceFile, acknowledged: set[str], allowed_domains: set[str]) -> list[Problem]:
    """Problems for every unacknowledged personal-data value in one file."""
    lines: list[str] | None = None
    problems = []
    texts = _published_texts(source.data)
    if not _may_hold_personal_data("\n\x00\n".join(text for _, text in texts)):
        return []
    for loc, text in texts:
        for hit in find_personal_data(text, allowed_domains):
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


def personal_data_problems(data: DataSet) -> list[Problem]:
    """Scan every loaded file; acknowledgements in site.yaml apply everywhere, in plan.yaml to that plan."""
    site_ack = _listed(data.site, "acknowledged_personal_data")
    domains = {d.lower().lstrip("@") for d in _listed(data.site, "email_domains")}
    problems = scan_file(data.site, site_ack, domains) if data.site else []
    orgs_done: set[str] = set()
    for files in data.plans:
        plan_ack = site_ack | _listed(files.plan, "acknowledged_personal_data")
        if files.org.display not in orgs_done:
            orgs_done.add(files.org.display)
            problems += scan_file(files.org, site_ack, domains)
        for source in [files.plan, *files.projects]:
            problems += scan_file(source, plan_ack, domains)
    return problems


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
