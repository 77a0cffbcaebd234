"""Hostile or broken files that cannot live in tests/invalid as text: bytes, sizes, links, timings.

Each case must end in exit 1 with one Korean `file:line:col` message, no traceback, fast; a few go
through a real build to show the previous site stays untouched.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.pipeline import Paths, build
from site_builder.source import MAX_FILE_BYTES

from .conftest import FIXTURE_DATA, ROOT, run_cli

P4 = "demo-org/2024/projects/p4.yaml"


def _euc_kr(data: Path) -> str:
    (data / P4).write_bytes("id: p4\ntitle: 한글 제목\n".encode("euc-kr"))
    return "data/demo-org/2024/projects/p4.yaml:2:8: 오류: 파일을 UTF-8로 읽을 수 없습니다"


def _latin1_in_site(data: Path) -> str:
    (data / "site.yaml").write_bytes((data / "site.yaml").read_bytes() + "description: caf\xe9\n".encode("latin-1"))
    return "data/site.yaml:"


def _huge(data: Path) -> str:
    with (data / P4).open("wb") as f:
        f.write(b"id: p4\ntitle: big\nsections:\n")
        f.truncate(50 * 1024 * 1024)  # 50 MB (sparse), refused by size before it is read
    return "data/demo-org/2024/projects/p4.yaml:1:1: 오류: 파일이 너무 큽니다 (최대 2MB)"


def _symlink_outside(data: Path) -> str:
    secret = data.parent / "secret.yaml"
    secret.write_text("id: p4\ntitle: 바깥 파일\n", encoding="utf-8")
    (data / P4).symlink_to(secret)
    return "data/demo-org/2024/projects/p4.yaml:1:1: 오류: 데이터 폴더 밖을 가리키는 링크입니다"


def _symlink_dir_outside(data: Path) -> str:
    outside = data.parent / "elsewhere"
    (outside / "2024" / "projects").mkdir(parents=True)
    (outside / "org.yaml").write_text("id: other\nname: 바깥 기관\n", encoding="utf-8")
    (data / "other").symlink_to(outside, target_is_directory=True)
    return "data/other/:1:1: 오류: 데이터 폴더 밖을 가리키는 링크입니다"


def _fifo(data: Path) -> str:
    os.mkfifo(data / P4)  # reading it would block forever
    return "data/demo-org/2024/projects/p4.yaml:1:1: 오류: 일반 파일이 아닙니다"


def _control_char(data: Path) -> str:
    (data / P4).write_text("id: p4\ntitle: 제목\x07\n", encoding="utf-8")
    return "data/demo-org/2024/projects/p4.yaml:2:10: 오류: YAML 문법 오류입니다: 쓸 수 없는 제어 문자가 있습니다"


def _bomb_in_site(data: Path) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    (data / "site.yaml").write_text("title: x\noperator: y\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return "data/site.yaml:3:5: 오류: 허용하지 않는 YAML 기능입니다: 앵커(&)와 별칭(*)은 쓸 수 없습니다"


def _python_tag(data: Path) -> str:
    (data / P4).write_text('id: p4\ntitle: !!python/object/new:os.system ["touch /tmp/pwned"]\n', encoding="utf-8")
    return "data/demo-org/2024/projects/p4.yaml:2:8: 오류: 허용하지 않는 YAML 기능입니다: 사용자 정의 태그는 쓸 수 없습니다"


def _timestamp_tag(data: Path) -> str:
    (data / P4).write_text("id: p4\ntitle: !!timestamp 2024-01-01\n", encoding="utf-8")
    return "data/demo-org/2024/projects/p4.yaml:2:8: 오류: 허용하지 않는 YAML 기능입니다"


BROKEN: dict[str, Callable[[Path], str]] = {
    "non-utf8-euc-kr": _euc_kr, "non-utf8-latin1-site": _latin1_in_site, "50mb-file": _huge,
    "symlink-outside": _symlink_outside, "symlink-dir-outside": _symlink_dir_outside, "fifo": _fifo,
    "control-character": _control_char, "alias-bomb-site": _bomb_in_site, "python-tag": _python_tag,
    "timestamp-tag": _timestamp_tag,
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_one_korean_error(name: str, data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    expected = BROKEN[name](data_copy)
    monkeypatch.chdir(data_copy.parent)
    started = time.monotonic()
    result = run_cli("validate", "--quiet", "--data", "data")
    assert time.monotonic() - started < 1.0
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.err.startswith(expected), result.err
    assert result.err.count("오류:") == 1, result.err


def test_corpus_counts_at_least_forty():
    text_cases = list((Path(__file__).parent / "invalid").glob("*.yaml"))
    assert len(text_cases) + len(BROKEN) >= 40


def test_size_limit_is_far_above_real_plans():
    largest = max(p.stat().st_size for p in (ROOT / "data").rglob("*.yaml"))
    assert largest * 10 < MAX_FILE_BYTES


def test_bom_file_is_accepted(data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    path = data_copy / "demo-org/2024/projects/p1.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Windows Notepad's "UTF-8 (BOM)"
    monkeypatch.chdir(data_copy.parent)
    assert run_cli("validate", "--quiet", "--data", "data").code == 0


def test_symlink_inside_data_is_accepted(data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    (data_copy / "shared.yaml").write_text("id: p4\ntitle: 안쪽 링크\nunit: team-a\n", encoding="utf-8")
    (data_copy / P4).symlink_to(data_copy / "shared.yaml")
    monkeypatch.chdir(data_copy.parent)
    assert run_cli("validate", "--quiet", "--data", "data").code == 0


def test_python_tag_is_never_executed(data_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    marker = tmp_path / "pwned"
    (data_copy / P4).write_text(f'id: p4\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    monkeypatch.chdir(data_copy.parent)
    assert run_cli("validate", "--quiet", "--data", "data").code == 1
    assert not marker.exists()


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("sec")
    shutil.copytree(FIXTURE_DATA, tmp / "data")
    checked, output = build(Paths(ROOT, tmp / "data", tmp / "build"), tmp / "site")
    assert not checked.problems, output
    return tmp, _tree(tmp / "site")


@pytest.mark.parametrize("name", ["50mb-file", "alias-bomb-site", "symlink-outside", "non-utf8-euc-kr", "python-tag"])
def test_failed_build_keeps_previous_site(name: str, built_once: tuple[Path, dict[str, bytes]], tmp_path: Path):
    base, before = built_once
    data = tmp_path / "data"
    shutil.copytree(base / "data", data, symlinks=True)
    BROKEN[name](data)
    checked, _ = build(Paths(ROOT, data, tmp_path / "build"), base / "site")
    assert checked.problems
    assert _tree(base / "site") == before
    assert not list(base.glob(".site-tmp-*"))
