"""The one-pass libyaml reader gives exactly what the guarded loader gives, or leaves the file to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.load import fast as fast_reader
from site_builder.load import source

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2024-01-02\nf: '2024'\ng: !!str 2024\nh: \"x\\ty\"\n",
    "list:\n- 1\n- [a, {b: c}]\n- - deep\n  - er\n- {}\n- []\n",
    "? complex\n: value\n~: null key\n2024: int key\n",
    "text: |\n  - 첫째\n    * 둘째\n  ※ 셋째\n",
    "plain\n",
    "",
    "---\n",
    "a: 0o17\nd: .inf\ne: -.NaN\nf: +12\ng: True\nh: FALSE\n",
    "a: 2024-01-02 10:00:00\nb: 2024-13-01\n",
]
FALLS_BACK = [
    "a: &x 1\nb: *x\n",
    "a: &x 1\n",
    "a: !!python/object:os.system x\n",
    "a: !foo x\n",
    "a: !!int 12\n",
    "a: 1\na: 2\n",
    "[a]: 1\n",
    "a: \"\\x07\"\n",
    "a: [\n",
    "a: 1\n---\nb: 2\n",
    "a: b: c\n",
    "a: 2024-13-01\n",
    "<<: {a: 1}\n",
    "a: 0x1F\n", "c: 1_000\n", "n: 010\n", "t: 33:44\n",  # YAML 1.1 numbers: the guarded loader refuses them
    "g: yes\n", "h: Off\n", "- on\n",  # and YAML 1.1 booleans
    "a:\n" + "".join("  " * i + "- \n" for i in range(1, 45)),
]


def _guarded(text: str) -> tuple[object, dict[source.Path_, tuple[int, int]]] | None:
    """What the guarded loader reads (None when it reports a problem)."""
    node, problems = source._compose(text, "x.yaml")
    if problems:
        return None
    builder = source._Builder("x.yaml")
    data = builder.build(node, ()) if node is not None else None
    return None if builder.problems else (data, builder.positions)


def _same(fast: tuple[object, dict], slow: tuple[object, dict]) -> bool:
    """Same values (types included) and the same positions in the same order."""
    return repr(fast[0]) == repr(slow[0]) and list(fast[1].items()) == list(slow[1].items())


@pytest.mark.parametrize("text", TRICKY)
def test_fast_reader_matches_guarded_loader(text: str) -> None:
    fast, slow = fast_reader.fast_load(text), _guarded(text)
    if fast is None:  # leaving a file to the guarded loader is always allowed
        return
    assert slow is not None and _same(fast, slow)


def test_fast_reader_is_used_for_ordinary_files() -> None:
    assert fast_reader.fast_load(TRICKY[0]) is not None
    assert fast_reader.fast_load(TRICKY[1]) is not None


@pytest.mark.parametrize("text", FALLS_BACK)
def test_refused_and_odd_files_go_to_the_guarded_loader(text: str) -> None:
    assert fast_reader.fast_load(text) is None


def test_every_repository_yaml_file_reads_the_same() -> None:
    paths = sorted((ROOT / "data").rglob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml"))
    assert len(paths) > 20
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        fast = fast_reader.fast_load(text)
        if fast is not None:
            slow = _guarded(text)
            assert slow is not None and _same(fast, slow), path


def test_problems_keep_their_exact_messages(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    for text in FALLS_BACK[:4]:
        path.write_text(text, encoding="utf-8")
        loaded, problems = source.load_file(path, "x.yaml", "project")
        assert loaded is None and problems[0].message.startswith("허용하지 않는 YAML 기능입니다")
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    assert [p.message for p in source.load_file(path, "x.yaml", "project")[1]] == ["같은 항목 `a`이(가) 두 번 있습니다 (처음: 1번째 줄)"]


def test_tricky_documents_mostly_take_the_fast_path() -> None:
    assert sum(fast_reader.fast_load(text) is not None for text in TRICKY) >= len(TRICKY) - 1
