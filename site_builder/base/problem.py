"""Problems (errors) and findings, and how they are shown to staff."""

from __future__ import annotations

import errno
import hashlib
import re
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
        return one_line(f"{self.file}:{self.line}:{self.column}: 오류:{self.describe()}")

    def describe(self) -> str:
        """The part after `오류:` (` field — message (기대: …, 입력: …)`), line breaks of the data kept."""
        field = f" {self.field} —" if self.field else ""
        detail = []
        if self.expected:
            detail.append(f"기대: {self.expected}")
        if self.found:
            detail.append(f"입력: {self.found}")
        tail = f" ({'; '.join(detail)})" if detail else ""
        return f"{field} {self.message}{tail}"

    def format_github(self) -> str:
        """A GitHub Actions workflow command that annotates the offending line (line breaks escaped as `%0A`)."""
        return github_command("error", self.file, self.line, self.column, self.describe().strip())

    def code_quality(self) -> dict[str, object]:
        """One GitLab Code Quality (Code Climate JSON) issue for merge request reports."""
        text = one_line(self.describe().strip())
        digest = hashlib.sha256(f"{self.file}:{self.line}:{self.column}:{self.field}:{self.message}".encode()).hexdigest()
        return {"description": text, "check_name": "site-builder-validate", "fingerprint": digest,
                "severity": "major", "location": {"path": self.file, "lines": {"begin": self.line}}}


def one_line(text: str) -> str:
    """A message on one line: a line break from data could start a line with `::`, a CI workflow command."""
    return text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


# A line that starts (after blanks) with `::` or `##[` is a workflow command to a CI runner (GitHub Actions reads
# `::error …`, `::add-mask::`, `##[group]`): data quoted in our output must never start one.
_COMMAND_START = re.compile(r"^([ \t]*)(::|##\[)", re.MULTILINE)


def shield_commands(text: str) -> str:
    """`text` with every line that a CI runner would read as a workflow command prefixed by `» ` (shown, not run)."""
    return _COMMAND_START.sub(r"\1» \2", text)


def _escape_data(text: str) -> str:
    """Escape the message part of a workflow command (GitHub's toolkit rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """Escape a property value (file=…) of a workflow command."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(level: str, file: str, line: int, column: int, text: str) -> str:
    """`::error file=…,line=…,col=…::message`, escaped so any Korean text and path survive."""
    return f"::{level} file={_escape_property(file)},line={line},col={column}::{_escape_data(text)}"


# What an OSError means, in words staff know (the OS's own words follow in `found`).
_OS_REASONS = {
    errno.EACCES: "권한이 없습니다", errno.EPERM: "권한이 없습니다", errno.EROFS: "읽기 전용 파일 시스템입니다",
    errno.ENOSPC: "디스크 공간이 부족합니다", errno.EDQUOT: "디스크 할당량을 넘었습니다",
    errno.EFBIG: "파일 크기 제한을 넘었습니다 (ulimit -f)", errno.ENAMETOOLONG: "파일 이름이나 경로가 너무 깁니다",
    errno.ENOTDIR: "경로 중간에 폴더가 아닌 파일이 있습니다", errno.EISDIR: "파일 자리에 폴더가 있습니다",
    errno.EEXIST: "폴더를 만들 자리에 같은 이름의 파일이 있습니다", errno.EIO: "입출력 오류입니다 (디스크를 확인하세요)",
}


def os_reason(exc: OSError) -> str:
    """The reason of an OSError in Korean (the OS's wording when there is no Korean one)."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def os_problem(exc: OSError, path: str, message: str, expected: str) -> Problem:
    """An OSError as one problem on `path`: `message` with the reason in Korean, then the OS's own words."""
    return Problem(path, 1, 1, "", f"{message}: {os_reason(exc)}", expected, f"[Errno {exc.errno}] {exc.strerror or exc}")


@dataclass(frozen=True)
class Finding:
    """A consistency finding: the document is published as issued, but this is flagged."""

    id: str
    plan: str
    kind: str
    message: str
    file: str = ""
    line: int = 1
    acknowledged: bool = False

    def format(self) -> str:
        """One line for `validate` output."""
        mark = "확인됨" if self.acknowledged else "점검"
        where = f"{self.file}:{self.line}: " if self.file else ""
        return one_line(f"{where}{mark}: [{self.id}] {self.message}")
