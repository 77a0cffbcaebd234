"""Whatever the file system does, `site-builder` ends in one Korean message and exit code 1, never a traceback.

Each case runs the CLI in-process on a copy of the fixture data. The builds that fail must leave the previous
site exactly as it was and no temporary folder (`.site-tmp-*`) beside it. The tests run as root in CI, where
permission bits do not stop anything: faults are raised with monkeypatch, and the chmod versions skip as root.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_DATA, Run, run_cli
from tests.test_atomic import tree_hash

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0
as_non_root = pytest.mark.skipif(ROOT_USER, reason="root ignores permission bits")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the fixture data and a site built from it (copied by each test that changes it)."""
    tmp = tmp_path_factory.mktemp("faults")
    shutil.copytree(FIXTURE_DATA, tmp / "data")
    result = build_in(tmp)
    assert result.code == 0, result.err
    return tmp


@pytest.fixture
def work(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the data and its built site."""
    shutil.copytree(built, tmp_path / "w", symlinks=True)
    return tmp_path / "w"


def build_in(folder: Path, site: str = "site", build: str = "build") -> Run:
    """`site-builder build` with everything in `folder`."""
    return run_cli("build", "--data", str(folder / "data"), "--site-dir", str(folder / site), "--build-dir", str(folder / build))


def refused(result: Run, *words: str) -> None:
    """Exit code 1, one Korean error naming `words`, and no traceback."""
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.out + result.err
    assert "오류:" in result.err  # a Problem's line: `file:line:col: 오류: …`
    for word in words:
        assert word in result.err, result.err


def no_leftovers(folder: Path) -> None:
    """No temporary or half-swapped folder beside the site."""
    left = [p.name for p in folder.iterdir() if p.name.startswith((".site-tmp-", ".site-shards-", ".site.old"))]
    assert left == []


def _unreadable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Reading the data file called `name` fails as it does without read permission."""
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == name:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_unreadable_data_file_is_named(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree_hash(work / "site")
    _unreadable(monkeypatch, "p2.yaml")
    result = run_cli("validate", "--data", str(work / "data"))
    refused(result, "data/demo-org/2024/projects/p2.yaml:1:1", "파일을 읽을 수 없습니다: 권한이 없습니다")
    refused(build_in(work), "p2.yaml", "파일을 읽을 수 없습니다")
    assert tree_hash(work / "site") == before


def test_unlistable_data_folder_is_named(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.iterdir

    def iterdir(self: Path):  # type: ignore[no-untyped-def]
        if self.name == "demo-org":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    refused(run_cli("validate", "--data", str(work / "data")), "demo-org", "데이터 폴더를 읽을 수 없습니다: 권한이 없습니다")


@as_non_root
def test_unreadable_data_file_by_permission_bits(work: Path) -> None:
    path = work / "data/demo-org/2024/projects/p2.yaml"
    path.chmod(0)
    try:
        refused(run_cli("validate", "--data", str(work / "data")), "p2.yaml", "파일을 읽을 수 없습니다: 권한이 없습니다")
    finally:
        path.chmod(0o644)
