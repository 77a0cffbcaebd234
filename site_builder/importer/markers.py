"""Numbering markers of the genre (Ⅰ. 1. 가. □ ㅇ - * ➊ 󰊱 ① (1) …): what opens a line, whatever it means in a document.

Chapters (Ⅰ., and the 붙임/참고 appendices that follow them) are one shape: the genre always prints them outermost.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .lines import squeeze

HANGUL_ORDER = "가나다라마바사아자차카타파하"
# Private-use glyphs (Hancom's numbering fonts put numbers such as 󰊱 there).
PUA = "\ue000-\uf8ff\U000f0000-\U000ffffd"

# (kind, pattern). Order matters: the first match wins. The kind names a marker *shape*; which shape is a
# chapter, a task or a bullet is decided per document from evidence (see profile.py), never here.
SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(p)) for k, p in (
    ("chapter", r"^(?P<m>(?:VIII|VII|VI|IV|IX|III|II|I|V|X)\s*[.．]|[Ⅰ-Ⅻ]\s*[.．]?)\s*(?P<t>\S.*)$"),
    ("chapter", r"^(?P<m>(?:붙\s*임|별\s*첨|참\s*고)\s*\d{0,2})(?:\s+(?P<t>\S.*))?$"),
    ("worded", r"^(?P<m>(?P<w>[가-힣]{1,5}\s?(?:목표|전략|과제|사업|방향|분야))\s*(?P<n>\d{1,2}(?:\s*-\s*\d{1,2})*)\s*[.．]?)\s+(?P<t>\S.*)$"),
    ("number_dot", r"^(?P<m>(?P<n>\d{1,2})\s*[.．])\s+(?P<t>[^\d\s].*)$"),
    ("number_paren", r"^(?P<m>(?P<n>\d{1,2})\))\s*(?P<t>\S.*)$"),
    # A heading box (a one-row table `1 | 제목`) reads as a bare number, a space and a Hangul title.
    ("number_box", r"^(?P<m>(?P<n>\d{1,2}))\s+(?P<t>[가-힣「『‘“].{1,58})$"),
    ("paren_number", r"^(?P<m>[(（](?P<n>\d{1,2})[)）])\s*(?P<t>\S.*)$"),
    ("hangul_dot", rf"^(?P<m>(?P<n>[{HANGUL_ORDER}])\s*[.．])\s+(?P<t>\S.*)$"),
    ("hangul_paren", rf"^(?P<m>(?P<n>[{HANGUL_ORDER}])\))\s*(?P<t>\S.*)$"),
    ("paren_hangul", rf"^(?P<m>[(（](?P<n>[{HANGUL_ORDER}])[)）])\s*(?P<t>\S.*)$"),
    ("circled", r"^(?P<m>[①-⑳])\s*(?P<t>\S.*)$"),
    ("dark_circled", r"^(?P<m>[➊-➓❶-❿])\s*(?P<t>\S.*)$"),
    ("pua", rf"^(?P<m>[{PUA}]+)\s*(?P<t>\S.*)$"),
    ("box", r"^(?P<m>[□■▣])\s*(?P<t>\S.*)$"),
    ("diamond", r"^(?P<m>[◇◆❖])\s*(?P<t>\S.*)$"),
    ("circle", r"^(?P<m>[○◦●◯]|ㅇ(?=\s))\s*(?P<t>\S.*)$"),
    ("dash", r"^(?P<m>[-–―‐ㆍ∙•·])\s*(?P<t>\S.*)$"),
    ("asterisk", r"^(?P<m>[*※＊])\s*(?P<t>\S.*)$"),
    ("arrow", r"^(?P<m>[▶▷►➢⇒])\s*(?P<t>\S.*)$"),
    ("triangle", r"^(?P<m>[▲△▸▹])\s*(?P<t>\S.*)$"),
))
# Shapes that mark running text in every plan of the genre: they never open a task of their own.
BULLETS = frozenset({"circle", "dash", "asterisk", "arrow", "triangle"})


@dataclass(frozen=True)
class Marker:
    """The marker that opens a line: its shape (kind), the glyph as printed, its ordinal and the title after it."""

    kind: str
    glyph: str
    ordinal: int | None
    title: str

    @property
    def is_bullet(self) -> bool:
        """True for running-text bullets (ㅇ, -, *, ▶ …)."""
        return self.kind in BULLETS


@functools.lru_cache(maxsize=1 << 16)  # the same line is asked for by the profile, the roles and the keep check
def marker_of(text: str) -> Marker | None:
    """The marker that opens a line of text (None for plain text, table rows and blank lines)."""
    s = text.strip().replace("**", "")
    if not s or "\t" in text:
        return None
    for kind, pattern in SHAPES:
        m = pattern.match(s)
        if m:
            kind = f"worded:{squeeze(m.group('w'))}" if kind == "worded" else kind
            return Marker(kind, m.group("m").strip(), ordinal(m.group("m")), (m.group("t") or "").strip())
    return None


def ordinal(glyph: str) -> int | None:
    """The number a marker stands for (Ⅲ → 3, 다. → 3, ③ → 3, ➌ → 3), None for bullets."""
    g = re.sub(r"[\s.．()（）]", "", glyph)
    digits = re.findall(r"\d+", g)
    if digits:
        return int(digits[-1])
    for first, last in (("①", "⑳"), ("➊", "➓"), ("❶", "❿"), ("Ⅰ", "Ⅻ")):
        if g and first <= g[0] <= last:
            return ord(g[0]) - ord(first) + 1
    if g and g[0] in HANGUL_ORDER:
        return HANGUL_ORDER.index(g[0]) + 1
    return ROMAN_VALUES.get(g)


ROMAN_VALUES = {r: i + 1 for i, r in enumerate(("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"))}


def strip_marker(text: str) -> str:
    """A heading's own words, without its numbering marker or bold marks."""
    m = marker_of(text)
    return m.title if m else text.strip().replace("**", "")
