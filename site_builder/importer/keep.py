"""Line keep: which non-empty source lines (whitespace-normalised) can be found in the draft's text values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .lines import Line, squeeze
from .markers import strip_marker
from .tables import HTML_TAG

SHORT = 4  # lines shorter than this must match a whole value (page numbers such as `2` would match anywhere)


def normalise(text: str) -> str:
    """Whitespace collapsed, HTML tags, markdown bold and a leading □ removed."""
    text = HTML_TAG.sub(" ", text).replace("**", "")
    text = re.sub(r"\s+", " ", text).strip().strip("|").strip()
    return re.sub(r"^□\s*", "", text)


MARKS = {"■"}
LEAD = re.compile(r"^[-○ㅇ◦·▶□◆]+")


def composites(value: Any, levels: list[str]) -> Iterator[str]:
    """Lines the model stores in parts: `번호 제목`, `(이름표) 내용`, `이름 내선`, `이행과제 1-2 제목` (spaces removed)."""
    if isinstance(value, list):
        for v in value:
            yield from composites(v, levels)
        return
    if not isinstance(value, dict):
        return
    yield from _parts(value, levels)
    for v in value.values():
        yield from composites(v, levels)


def _parts(d: dict[str, Any], levels: list[str]) -> Iterator[str]:
    """The composites of one mapping."""
    title, number = d.get("title") or d.get("name"), d.get("number") or d.get("code")
    if isinstance(title, str) and number:
        yield from (squeeze(f"{pre}{number}{sep}{title}") for pre in ["", *levels] for sep in ("", "."))
    if isinstance(d.get("label"), str) and isinstance(d.get("text"), str):
        yield from (squeeze(f"({d['label']}){d['text']}"), squeeze(f"{d['label']}:{d['text']}"))
    if isinstance(d.get("name"), str) and d.get("phone"):
        yield squeeze(f"{d['name']}{d['phone']}")
    if isinstance(d.get("when"), str):
        yield squeeze(f"{d['when']}{d.get('separator', '')}{d.get('text', '')}")
    if d.get("unit") in ("month", "quarter") and "rows" in d:  # the period header row of a grid
        yield from (f"{n}{suffix}" for n in range(1, 13) for suffix in ("", "월", "/4분기", "분기"))
    if isinstance(d.get("label"), str) and isinstance(d.get("issue"), str):
        yield squeeze(f"{d['label']}{d['issue']}")


def strings(value: Any) -> Iterator[str]:
    """Every string (and number) value inside nested data."""
    if isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


@dataclass
class Keep:
    """Result of a keep check."""

    total: int = 0
    kept: int = 0
    missing: list[Line] = field(default_factory=list)

    @property
    def percent(self) -> float:
        """Kept lines as a percentage of non-empty lines."""
        return 100.0 * self.kept / self.total if self.total else 100.0


def _pieces(line: Line) -> list[str]:
    """What must be found for a line: each non-empty cell of a table row, else the line itself."""
    parts = line.text.split("\t") if "\t" in line.text else [line.text]
    return [p for p in (normalise(x) for x in parts) if p and p not in MARKS]


def check_keep(lines: Iterable[Line], data: list[Any], levels: list[str] | None = None) -> Keep:
    """Which non-empty source lines appear in the values (or the parts the model splits them into) of the data."""
    values = [normalise(v) for d in data for s in strings(d) for v in [s, *s.split("\n")]]
    parts = {c for d in data for c in composites(d, levels or [])}
    whole = set(values)
    text = "\n".join(values)
    result = Keep()
    for line in lines:
        pieces = _pieces(line)
        if not pieces:
            continue
        result.total += 1
        if all(_found(p, whole, text, parts) for p in pieces):
            result.kept += 1
        else:
            result.missing.append(line)
    return result


def _found(piece: str, whole: set[str], text: str, parts: set[str]) -> bool:
    """A piece is kept as a value (short ones whole), without its bullet marker, or as a composed text."""
    bare = LEAD.sub("", piece).strip()
    for p in (piece, bare):
        if p and (p in whole or (len(p) >= SHORT and p in text)):  # a whole value first: one hash instead of a scan
            return True
    if squeeze(piece) in parts or squeeze(bare) in parts:
        return True
    title = strip_marker(piece)  # a numbering glyph the model keeps apart (󰊱, ①, 가.)
    return title != bare and bool(title) and ((title in whole) if len(title) < SHORT else (title in text))
