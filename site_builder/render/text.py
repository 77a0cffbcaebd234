"""How data text is shown: glyph substitutions, headings, doubled markers and staff notes; the data keeps every character.

Everything here runs at render time only. The YAML in `data/`, the downloads and the search index keep the text as
the document (or its text export) has it.
"""

from __future__ import annotations

import html
import re

# Hancom's numbering fonts put their numbers in the private-use area, which no web font draws (a tofu box on the
# site). Only code points seen in real documents, with their number, are mapped:
#   U+F02B1 U+F02B2 U+F02B3 U+F02B4 → ① ② ③ ④
# Evidence: tests/importer_samples/genre_ministry.txt (a ministry plan exported by Hancom) numbers the four 추진과제
# of its strategy table with them, in this order, and then heads the same four tasks in chapter Ⅲ with the same
# glyphs; tests/test_importer_metamorphic.py treats 󰊱–󰊴 and ①–④ as the same marker. `data/` holds none of them
# today (the two published plans were exported without private-use glyphs). Other private-use code points are left
# as they are: without evidence of what they stand for, a guess would put words in the document's mouth.
PUA_GLYPHS: dict[str, str] = {
    "\U000f02b1": "①",
    "\U000f02b2": "②",
    "\U000f02b3": "③",
    "\U000f02b4": "④",
}
_PUA_TABLE = str.maketrans(PUA_GLYPHS)

# Markers a text export writes in front of a list line (`- `); shown alone they are only a bullet.
DASHES = frozenset({"-", "–", "·", "•"})

# The document's own marker right after a text export's dash: shapes and numbers, never a second dash; `ㅇ` and a
# note's `*` only before a space (`**굵게**` is not a marker).
_INNER_MARKER = re.compile(r"(?:(?P<marker>[○◦●◎□■▣◆◇▶▷►▪※☑✔↳➡→①-⑳\U000f02b1-\U000f02b4])\s*|(?P<letter>ㅇ|\*(?!\*))\s+)(?=\S)")

# `< 사업목표 >`: a heading drawn between angle brackets in the document (a decoration, not words).
_BRACKETED_HEADING = re.compile(r"^<\s*(?P<words>[^<>]*\S)\s*>$")

# Staff notes quote the document between backticks (`…`); on the site they become ‘…’ quotation marks.
_QUOTED = re.compile(r"`([^`\n]+)`")

# Official text: a lone backtick before a two-digit year (`24년) is the document's apostrophe ('24년).
_YEAR_APOSTROPHE = re.compile(r"`(?=\d{2}(?!\d))")


def split_doubled(marker: str, text: str) -> tuple[str, str]:
    """(marker, text) to show for a list line: `-` + `◆ 목표` → `◆` + `목표`; any other line as it is."""
    if marker in DASHES:
        inner = _INNER_MARKER.match(text)
        if inner:
            return inner.group("marker") or inner.group("letter"), text[inner.end():]
    return marker, text


# Checked first: almost no text holds a private-use character, and `translate` walks every character of every text.
_HAS_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")


def glyphs(text: str) -> str:
    """The text with the known Hancom private-use numbers replaced by their standard Unicode numbers."""
    return text.translate(_PUA_TABLE) if _HAS_PRIVATE_USE.search(text) else text


def heading_text(text: str) -> str:
    """A heading as it reads: `< 사업목표 >` → `사업목표`; any other heading unchanged."""
    m = _BRACKETED_HEADING.match(text.strip())
    return m.group("words") if m else text


def quotation_marks(text: str) -> str:
    """A staff note's `인용` (backticks, a Markdown habit) as ‘인용’, the quotation marks Korean text uses."""
    return _QUOTED.sub(lambda m: f"‘{m.group(1)}’", text)


def note_html(text: str | None) -> str:
    """A staff-written note (a finding message, a recorded irregularity) as escaped HTML with its quotations marked."""
    return html.escape(quotation_marks(glyphs(text or "")), quote=True)


def shown(text: str) -> str:
    """Official text as the site shows it: known private-use numbers mapped, the document's year apostrophe drawn."""
    return apostrophes(glyphs(text)) if "`" in text or _HAS_PRIVATE_USE.search(text) else text


def apostrophes(text: str) -> str:
    """Official text: a backtick the document uses as an apostrophe (`` `24년``) is shown as ’ (`’24년`)."""
    return _YEAR_APOSTROPHE.sub("’", text)
