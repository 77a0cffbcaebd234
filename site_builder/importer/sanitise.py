"""Characters a draft must not carry: control characters (form feeds from PDF tools), bidi overrides, zero-width marks."""

from __future__ import annotations

import re

# C0/C1 controls except TAB and line breaks: the loader refuses them; pdftotext writes form feeds between pages.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Right-to-left overrides and isolates reorder what a reader sees; zero-width characters hide inside words.
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Beyond this many characters a file is not one plan (the largest real plans are about 0.3 MB of text).
MAX_CHARS = 5_000_000


class TooLarge(ValueError):
    """A document far larger than any plan."""


def clean_text(text: str) -> tuple[str, list[str]]:
    """The text without control, bidi and zero-width characters, and a Korean note per kind removed."""
    if len(text) > MAX_CHARS:
        raise TooLarge(f"문서가 너무 큽니다: 글자 {len(text):,}개 (한 계획은 보통 30만 자 안쪽, 한도 {MAX_CHARS:,}자). 계획 부분만 따로 저장해 가져오세요.")
    notes = []
    for pattern, what, replacement in ((CONTROLS, "제어 문자(쪽 나눔 등)", " "), (INVISIBLE, "보이지 않는 문자(방향 바꿈·폭 없는 문자)", ""),
                                       (LONE_SURROGATE, "깨진 글자", "\ufffd")):
        text, count = pattern.subn(replacement, text)
        if count:
            notes.append(f"{what} {count}개")
    return text, notes
