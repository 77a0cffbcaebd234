"""The invalid-data corpus: each file in tests/invalid breaks the fixture portal in one way.

A case file starts with `# target: <path inside data/>`; it is written there (replacing any file) and
`site-builder validate` must exit 1 and print exactly the lines of `<case>.expected` on stderr.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TESTS, run_cli

CASES = sorted((TESTS / "invalid").glob("*.yaml"))


def _target(case: Path) -> str:
    first = case.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# target: "), f"{case.name}: first line must be `# target: <path>`"
    return first.removeprefix("# target: ").strip()


def test_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_case(case: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    target = data_copy / _target(case)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(data_copy.parent)
    result = run_cli("validate", "--quiet", "--data", "data")
    assert result.code == 1
    assert "Traceback" not in result.err
    expected = case.with_suffix(".expected").read_text(encoding="utf-8")
    assert result.err == expected


# Every Korean message the data checkers can print (a string literal with `…니다` in these modules) has a case above
# whose expected output shows it, except the ones here, which need a state a case file cannot write (tested elsewhere).
CHECKERS = ["load/source.py", "check/validation.py", "check/references.py", "check/privacy.py", "check/progress.py"]
NO_CASE = {
    "일반 파일이 아닙니다": "a FIFO or device in data/ (tests/test_security.py)",
    "파일이 너무 큽니다 (최대": "a file over 2 MB (tests/test_security.py)",
    "데이터 폴더 밖을 가리키는 링크입니다": "a symbolic link (tests/test_security.py)",
    "파일을 UTF-8로 읽을 수 없습니다 (편집기에서 UTF-8로 저장하세요; EUC-KR·CP949는 안 됩니다)": "non-UTF-8 bytes (tests/test_security.py)",
    "사이트 설정 파일이 없습니다": "site.yaml deleted (a case can only write a file)",
    "같은 앵커(&)가 두 번 있습니다": "unreachable while anchors are refused: kept for PyYAML's message",
    "값이 올바르지 않습니다": "the fallback for a validation error without a Korean wording",
    "원문 파일이 너무 큽니다 (최대": "an official file over 30 MB (tests/test_originals.py)",
    "원문 파일이 아니거나 데이터 폴더 밖을 가리킵니다": "a link in documents/ (tests/test_originals.py)",
    "같은 기준일의 진행 상황이 다른 파일에도 있습니다:": "two report files on one date (tests/test_progress.py)",
    "파일을 읽을 수 없습니다": "a file without read permission (tests/test_filesystem_faults.py)",
}


def _messages() -> list[str]:
    """The longest literal part of every message-like string (…니다) in the checkers."""
    import ast

    found = []
    for rel in CHECKERS:
        tree = ast.parse((TESTS.parent / "site_builder" / rel).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                parts = [node.value]
            elif isinstance(node, ast.JoinedStr):
                parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            else:
                continue
            if "니다" in "".join(parts) and '"""' not in "".join(parts):
                found.append(max((p.strip() for p in parts), key=len))
    return sorted(set(found))


def test_every_checker_message_has_a_case() -> None:
    shown = "\n".join(p.read_text(encoding="utf-8") for p in (TESTS / "invalid").glob("*.expected"))
    missing = [m for m in _messages() if m not in shown and m not in NO_CASE]
    assert not missing, f"add a case to tests/invalid for: {missing}"
    assert not [m for m in NO_CASE if m in shown], "a message listed in NO_CASE has a case now: take it off the list"
