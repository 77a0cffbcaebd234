"""Whatever the file system does, `site-builder` ends in one Korean message and exit code 1, never a traceback.

Each case runs the CLI in-process on a copy of the fixture data. The builds that fail must leave the previous
site exactly as it was and no temporary folder (`.site-tmp-*`) beside it. The tests run as root in CI, where
permission bits do not stop anything: faults are raised with monkeypatch, and the chmod versions skip as root.
"""

from __future__ import annotations

import errno
import os
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE_DATA, ROOT, Run, run_cli
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


def refused_build(folder: Path, *words: str, site: str = "site", build: str = "build") -> None:
    """A build that is refused (`words` in the message), leaving the previous site as it was and nothing beside it."""
    before = tree_hash(folder / "site")
    refused(build_in(folder, site, build), *words)
    assert tree_hash(folder / "site") == before
    no_leftovers(folder)


def test_site_dir_that_is_a_link_is_refused(work: Path) -> None:
    (work / "elsewhere").mkdir()
    (work / "elsewhere" / "keep.txt").write_text("남길 파일", encoding="utf-8")
    (work / "linked").symlink_to(work / "elsewhere")
    refused_build(work, "linked", "누리집 폴더가 심볼릭 링크입니다", site="linked")
    assert (work / "linked").is_symlink() and [p.name for p in (work / "elsewhere").iterdir()] == ["keep.txt"]


def test_site_dir_that_is_a_file_is_refused(work: Path) -> None:
    (work / "page").write_text("파일", encoding="utf-8")
    refused_build(work, "page", "누리집 폴더 자리에 파일이 있습니다", site="page")
    assert (work / "page").read_text(encoding="utf-8") == "파일" and not (work / ".page.old").exists()


def test_build_dir_that_is_a_file_is_refused(work: Path) -> None:
    (work / "work").write_text("파일", encoding="utf-8")
    refused_build(work, "work", "작업 폴더 자리에 파일이 있습니다", build="work")


def test_read_only_site_is_refused_before_anything_is_written(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import site_builder.write.tree as tree

    locked = str(work / "site" / "demo-org")
    monkeypatch.setattr(tree.os, "access", lambda path, mode: os.fspath(path) != locked)  # as without write permission
    refused_build(work, locked, "쓰기 권한이 없어")


def test_read_only_parent_folder_is_named(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import site_builder.write.tree as tree

    def mkdtemp(prefix: str, dir: Path) -> str:  # noqa: A002 - tempfile's own name
        raise PermissionError(errno.EACCES, "Permission denied", os.fspath(dir))

    monkeypatch.setattr(tree.tempfile, "mkdtemp", mkdtemp)
    refused_build(work, f"{work}:1:1", "누리집을 쓰지 못했습니다: 권한이 없습니다", "Permission denied")


def test_disk_full_while_writing_the_docs_tree_names_the_file(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import site_builder.write.tree as tree

    class Full:
        """A file handle on a full disk: the write fails, naming no file."""

        def __init__(self, path: str, mode: str) -> None:
            Path(path).write_bytes(b"")  # the half-written file the writer must remove

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def write(self, content: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def full_disk(path: str, mode: str) -> Any:
        return Full(path, mode) if mode == "wb" else open(path, mode)  # noqa: SIM115 - the lock file stays open

    shutil.rmtree(work / "build")  # every file is new: the first write fails
    monkeypatch.setattr(tree, "open", full_disk, raising=False)
    refused_build(work, "build/docs/", "누리집을 쓰지 못했습니다: 디스크 공간이 부족합니다")
    assert not [p for p in (work / "build").rglob(".*.tmp")]


def test_failed_swap_puts_the_previous_site_back(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import site_builder.write.tree as tree

    real = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if self.name.startswith(".site-tmp-"):  # the new site cannot be moved in after the old one was moved out
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real(self, target)

    monkeypatch.setattr(tree, "_exchange", lambda a, b: False)
    monkeypatch.setattr(Path, "rename", rename)
    (work / "build" / "cache" / "engine.json").unlink()  # a full build: the whole site is swapped
    refused_build(work, ".site-tmp-", "입출력 오류입니다")


def _retitle(work: Path) -> None:
    """Change one project's title: the next build renders its pages and moves them into the site in place."""
    path = work / "data" / "demo-org" / "2024" / "projects" / "p3.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 셋째 사업", "title: 셋째 사업 (고침)"), encoding="utf-8")


def _delete(work: Path) -> None:
    """Delete one project and its progress entries: the next build deletes its pages from the site (first) and moves the changed ones in."""
    plan = work / "data" / "demo-org" / "2024"
    (plan / "projects" / "p3.yaml").unlink()
    for report in (plan / "progress").glob("*.yaml"):
        report.write_text(re.sub(r"^  p3:.*\n(?:    .*\n)*", "", report.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")


EDITS = {"title": _retitle, "deletion": _delete}


def _failing_move(monkeypatch: pytest.MonkeyPatch, after: int, error: BaseException) -> None:
    """`incremental._move_in` raises `error` once `after` of the organisation's pages were moved in (theme files come first, unchanged)."""
    from site_builder.engine import incremental

    real, moved = incremental._move_in, []

    def move_in(*args: Any) -> None:
        if len(moved) == after:
            raise error
        real(*args)
        if args[-1].startswith("demo-org/"):
            moved.append(args)

    monkeypatch.setattr(incremental, "_move_in", move_in)


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_failed_move_in_puts_the_previous_pages_back(work: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    EDITS[edit](work)
    _failing_move(monkeypatch, 3, OSError(errno.EIO, "Input/output error", str(work / "site")))
    refused_build(work, "입출력 오류입니다")
    assert not (work / "build" / "cache" / "applying.json").exists()


class _Killed(BaseException):
    """Stands for SIGKILL: nothing catches it."""


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_build_killed_while_moving_pages_in_is_rolled_back(work: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    from site_builder.engine import incremental

    before = tree_hash(work / "site")
    EDITS[edit](work)
    _failing_move(monkeypatch, 3, _Killed())  # no clean-up runs, as when the process is killed
    with pytest.raises(_Killed):
        build_in(work)
    assert tree_hash(work / "site") != before  # three pages of the new site are in
    incremental.recover(work / "build" / "cache")
    assert tree_hash(work / "site") == before and not (work / "build" / "cache" / "applying.json").exists()
    monkeypatch.undo()
    assert build_in(work).code == 0
    no_leftovers(work)


def _limited(limit: int) -> Callable[[], None]:
    """Run a child with a file size limit (`ulimit -f`): writing past it fails with EFBIG."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize(("limit", "words"), [(1024, ["파일 크기 제한을 넘었습니다", "build/docs/"]),  # a generated page
                                              ("docs", ["사이트 생성(MkDocs)이 실패했습니다", "File too large"])])  # a theme asset
def test_output_file_over_the_size_limit(work: Path, limit: int | str, words: list[str]) -> None:
    if limit == "docs":  # every generated file fits, MkDocs' theme assets (hundreds of kB) do not
        limit = max(p.stat().st_size for p in (work / "build" / "docs").rglob("*") if p.is_file()) + 1
    shutil.rmtree(work / "build")  # every file of the docs tree is written again
    before = tree_hash(work / "site")
    cmd = [sys.executable, "-m", "site_builder", "build", "--data", str(work / "data"), "--site-dir", str(work / "site"), "--build-dir", str(work / "build")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, preexec_fn=_limited(int(limit)), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and 'File "' not in proc.stderr, proc.stderr
    assert all(w in proc.stderr for w in words), proc.stderr
    assert tree_hash(work / "site") == before
    no_leftovers(work)


@as_non_root
def test_read_only_site_by_permission_bits(work: Path) -> None:
    (work / "site" / "demo-org").chmod(0o555)
    try:
        refused_build(work, "demo-org", "쓰기 권한이 없어")
    finally:
        (work / "site" / "demo-org").chmod(0o755)


@as_non_root
def test_read_only_parent_by_permission_bits(work: Path) -> None:
    work.chmod(0o555)
    try:
        refused_build(work, str(work), "쓰기 권한이 없어")
    finally:
        work.chmod(0o755)


def test_leftover_link_or_file_of_an_old_build_is_removed(work: Path) -> None:
    (work / "elsewhere").mkdir()
    (work / ".site-tmp-link").symlink_to(work / "elsewhere")  # what a swap with a linked site/ used to leave
    (work / ".site-tmp-file").write_text("남은 파일", encoding="utf-8")
    assert build_in(work).code == 0
    no_leftovers(work)
    assert (work / "elsewhere").is_dir()  # the link is removed, never what it points to


def test_site_dir_inside_a_file_is_named(work: Path) -> None:
    (work / "afile").write_text("파일", encoding="utf-8")
    refused(build_in(work, site="afile/site"), f"{work / 'afile'}:1:1", "폴더를 만들 자리에 같은 이름의 파일이 있습니다")
