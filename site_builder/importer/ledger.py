"""What the importer could not place in a dedicated field, and irregularities it noticed."""

from __future__ import annotations

from dataclasses import dataclass, field

from .lines import Line


@dataclass
class Ledger:
    """Lines that went into generic sections (with where), plus debris lines that were dropped."""

    generic: list[tuple[int, str]] = field(default_factory=list)
    dropped: list[tuple[int, str]] = field(default_factory=list)

    def note_generic(self, lines: list[Line], where: str) -> None:
        """Record non-blank lines kept only in a generic block or table."""
        self.generic += [(ln.no, where) for ln in lines if ln.kind != "blank"]

    def note_dropped(self, line: Line, why: str) -> None:
        """Record a line left out on purpose (layout debris such as `----→--`)."""
        self.dropped.append((line.no, why))
