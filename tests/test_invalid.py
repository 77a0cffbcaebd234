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
