"""Problems (errors) and findings, and how they are shown to staff."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A user error: where it is, which field, what was expected and what was found."""

    file: str
    line: int
    column: int
    field: str
    message: str
    expected: str = ""
    found: str = ""

    def format(self) -> str:
        """One Korean line: `file:line:col: 오류: field — message (기대: …, 입력: …)`."""
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" {self.field} —" if self.field else ""
        detail = []
        if self.expected:
            detail.append(f"기대: {self.expected}")
        if self.found:
            detail.append(f"입력: {self.found}")
        tail = f" ({'; '.join(detail)})" if detail else ""
        return f"{where}: 오류:{field} {self.message}{tail}"

    def format_github(self) -> str:
        """A GitHub Actions workflow command that annotates the offending line."""
        text = self.format().split(": 오류:", 1)[1].strip().replace("%", "%25").replace("\n", "%0A")
        return f"::error file={self.file},line={self.line},col={self.column}::{text}"


@dataclass(frozen=True)
class Finding:
    """A consistency finding: the document is published as issued, but this is flagged."""

    id: str
    plan: str
    kind: str
    message: str
    file: str = ""
    line: int = 0
    acknowledged: bool = False

    def format(self) -> str:
        """One line for `validate` output."""
        mark = "확인됨" if self.acknowledged else "점검"
        where = f"{self.file}:{self.line}: " if self.file else ""
        return f"{where}{mark}: [{self.id}] {self.message}"
