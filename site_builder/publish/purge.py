"""Texts staff took out of the change history (`history_purge` of site.yaml), known only by their fingerprints.

A name or an address the personal-data detectors cannot recognise may still sit in old versions of the data. Staff
run `site-builder purge "<글>"`, which stores the SHA-256 of the normalised text and its length, never the text;
history then hides every title and message that holds it (git/screen.py). Normalising (NFKC, lower case, letters
and digits only) makes `010-1234-5678`, `０１０ １２３４ ５６７８` and `01012345678` one text, so the length lets
every window of a message's normalised text be hashed and compared.

A fingerprint of a short text can be found again by trying every candidate (all mobile numbers, common names):
it keeps the text out of the site and out of a plain search of the repository, not away from a determined guesser.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from ..model import PurgedText

MIN_LENGTH = 2  # one character would hide every message holding it


def normalise(text: str) -> str:
    """The text as fingerprints see it: NFKC, lower case, letters and digits only (spacing and punctuation dropped)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _digest(normalised: str) -> str:
    """SHA-256 of a normalised text, hexadecimal."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def fingerprint(text: str) -> PurgedText | None:
    """The `history_purge` entry of a text, or None when it normalises to fewer than MIN_LENGTH characters."""
    normalised = normalise(text)
    return PurgedText(sha256=_digest(normalised), length=len(normalised)) if len(normalised) >= MIN_LENGTH else None


@dataclass(frozen=True)
class Purge:
    """Every purged fingerprint of the site; `holds(text)` tells whether a text contains one of them."""

    by_length: dict[int, frozenset[str]] = field(default_factory=dict)
    _seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)  # titles repeat in every change

    @classmethod
    def of(cls, entries: list[PurgedText]) -> Purge:
        """The purge of a site's `history_purge` entries."""
        lengths = {e.length for e in entries}
        return cls({n: frozenset(e.sha256 for e in entries if e.length == n) for n in sorted(lengths)})

    def holds(self, text: str) -> bool:
        """Whether some window of the normalised text has a purged fingerprint."""
        if not self.by_length:
            return False  # most sites purge nothing: no normalising, no hashing
        if text not in self._seen:
            normalised = normalise(text)
            self._seen[text] = any(_digest(normalised[i:i + n]) in digests
                                   for n, digests in self.by_length.items() for i in range(len(normalised) - n + 1))
        return self._seen[text]
