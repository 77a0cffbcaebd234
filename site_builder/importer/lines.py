"""Stage 1: the text export as numbered lines, each with a coarse kind (row, heading, bullet …)."""

from __future__ import annotations

import re
from dataclasses import dataclass

ROMAN = r"(?:VIII|VII|VI|IV|IX|III|II|I|V|X|[Ⅰ-Ⅻ])"
CHAPTER = re.compile(rf"^(?P<num>{ROMAN})\s*\.\s*(?P<title>\S.*)$")
# A level word of the genre: a few Hangul syllables ending in 목표/전략/과제/방향/분야 (전략목표, 경영목표, 추진전략, 실천과제 …).
LEVEL_WORD = r"[가-힣]{0,4}\s?(?:목\s*표|전\s*략|과\s*제|방\s*향|분\s*야)"
GOAL = re.compile(rf"^(?P<word>{LEVEL_WORD})\s*(?P<num>\d{{1,2}})\.?\s+(?P<title>\S.*)$")
TASK = re.compile(rf"^(?P<word>{LEVEL_WORD})\s*(?P<num>\d{{1,2}}(?:-\d{{1,2}})+)\.?\s*(?P<title>.*)$")
ITEM = re.compile(r"^(?P<num>\d{1,2})\.\s+(?P<title>\S.*)$")
UNIT = re.compile(r"^(?P<num>\d{1,2})\s+(?P<title>\S+(?:팀|과|센터|지원단|단|실|국|본부|담당관|사업소))$")
NUMBER = re.compile(r"^\d{1,3}$")
UNIT_NOTE = re.compile(r"^[(<\[]\s*단\s*위\s*[:：]?\s*[^)>\]]*[)>\]]$")
TOC = re.compile(r"^[|\s]*목\s*차[|\s]*$")
SECTION_MARK = re.compile(r"^□\s*(?P<title>\S.*)$")
ANGLE = re.compile(r"^<\s*(?P<title>[^<>]+?)\s*>$")
# Words that open a block of a project even without a □ marker (the export sometimes drops it).
BARE_SECTIONS = ("주요성과", "개선사항", "실행방안", "평가방법", "추진계획", "쟁점및대책", "추진배경", "추진방향", "사업개요", "기대효과", "향후계획", "필요성")


@dataclass(frozen=True)
class Line:
    """One source line: 1-based number, text (tabs kept) and kind."""

    no: int
    text: str
    kind: str

    @property
    def cells(self) -> list[str]:
        """Table cells (a line without TAB is one cell)."""
        return [c.strip() for c in self.text.split("\t")]

    @property
    def stripped(self) -> str:
        """The text without surrounding whitespace."""
        return self.text.strip()


def squeeze(text: str) -> str:
    """Text without spaces and markdown bold marks, for comparing labels."""
    return re.sub(r"\s+|\*\*", "", text)


def heading_text(text: str) -> str:
    """A heading's own words: without the □ marker and markdown bold marks."""
    text = re.sub(r"\*\*", "", text.strip())
    m = SECTION_MARK.match(text)
    return (m.group("title") if m else text).strip()


def is_section(text: str) -> bool:
    """True for a block heading: `□ …`, `< 사업목표 >` or a bare known block word."""
    s = text.strip()
    if "\t" in s or not s:
        return False
    if SECTION_MARK.match(s) or ANGLE.match(s):
        return True
    return squeeze(s).startswith(BARE_SECTIONS) and len(squeeze(s)) <= 20 and not s.startswith(("-", "○"))


def classify(text: str) -> str:
    """The coarse kind of one line."""
    s = text.strip()
    if "\t" in text:  # a row of empty cells still holds a table's place (cells merged down over it)
        return "row"
    if not s:
        return "blank"
    for kind, pattern in (("toc", TOC), ("chapter", CHAPTER), ("goal", GOAL), ("task", TASK), ("unit", UNIT),
                          ("number", NUMBER), ("unit_note", UNIT_NOTE), ("item", ITEM)):
        if pattern.match(s):
            return kind
    return "section" if is_section(s) else "text"


def read_lines(text: str) -> list[Line]:
    """Every line of the document, numbered from 1 and classified."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    return [Line(i + 1, t.rstrip("\n"), classify(t)) for i, t in enumerate(raw)]


def span(lines: list[Line]) -> str | None:
    """`first-last` line numbers of non-blank lines (None if none)."""
    nos = [ln.no for ln in lines if ln.kind != "blank"]
    if not nos:
        return None
    return str(nos[0]) if nos[0] == nos[-1] else f"{nos[0]}-{nos[-1]}"


def source(lines: list[Line]) -> dict[str, str] | None:
    """A SourceRef dict for some lines."""
    where = span(lines)
    return {"lines": where} if where else None
