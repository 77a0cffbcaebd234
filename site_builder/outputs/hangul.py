"""Korean words as people type them into search: particles and endings, initial consonants (초성).

The browser side is content/assets/search.js (`SUFFIXES`, `initials`); tests/test_search_korean.py checks that the
two lists of particles and endings are the same.
"""

from __future__ import annotations

# Particles (조사) and common endings (어미, 하다/되다 forms) a query word may carry: `돌봄을`, `선거를`, `사업에서는`,
# `지원하는`. Longest first, so `에서는` is tried before `는`: the longest ending whose rest still matches wins.
SUFFIXES: tuple[str, ...] = tuple(sorted({
    "을", "를", "이", "가", "은", "는", "의", "에", "로", "와", "과", "도", "만", "나", "랑", "들", "적",
    "에서", "으로", "까지", "부터", "이다", "에게", "한테", "께서", "에는", "에도", "에의", "이나", "이랑", "처럼",
    "보다", "마다", "조차", "라도", "이며", "이고", "하고", "밖에", "로써", "로서", "과는", "와는", "과의", "와의",
    "만을", "만의", "만은", "로는", "로도", "로의", "들을", "들이", "들의", "들은", "들과", "적인",
    "에서는", "에서도", "에서의", "으로는", "으로도", "으로의", "에게는", "까지는", "부터는", "이라도", "으로써",
    "으로서", "입니다", "적으로",
    "하는", "하기", "하여", "하며", "한다", "했다", "하다", "합니다", "하고자", "된", "되는", "되어", "된다", "되기",
    "한", "할", "함", "됨",
}, key=lambda s: (-len(s), s)))
CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"  # the 19 initial consonants, in Unicode's syllable order


def is_syllables(word: str) -> bool:
    """Whether every character is a precomposed Hangul syllable (가…힣)."""
    return bool(word) and all("\uac00" <= ch <= "\ud7a3" for ch in word)


def stems(word: str) -> list[str]:
    """The word without each particle or ending it carries, longest ending first; a stem keeps two syllables or more.

    One syllable left (`지도` → `지`, `평가` → `평`) is too little to mean the same word, so such a stem is not offered.
    """
    if not is_syllables(word):
        return []
    return [word[: -len(s)] for s in SUFFIXES if word.endswith(s) and len(word) - len(s) >= 2]


def initials(word: str) -> str:
    """The initial consonant (초성) of each syllable (`돌봄` → `ㄷㅂ`); other characters stay as they are."""
    return "".join(CHOSEONG[(ord(ch) - 0xAC00) // 588] if "\uac00" <= ch <= "\ud7a3" else ch for ch in word)


def pair_number(word: str) -> int:
    """The term file of a word: its first two initial consonants as one number (19 × 19 files); -1 for none."""
    if len(word) < 2 or not is_syllables(word[:2]):
        return -1
    a, b = ((ord(ch) - 0xAC00) // 588 for ch in word[:2])
    return a * len(CHOSEONG) + b
