"""Forked workers (site_builder/base/workers.py) give what the same work gives in one process, and really fork."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.base import workers
from tests.conftest import FIXTURE_DATA, ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")


def _in_fresh_process(code: str, *args: str) -> None:
    """Run `code` in a new interpreter with two jobs: earlier tests may leave threads here, and then nothing forks."""
    env = {**os.environ, "SITE_BUILDER_JOBS": "2"}
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]


def mapped_forks_and_keeps_order() -> None:
    """`mapped` over many items: results in item order, computed by other processes."""
    parent = os.getpid()
    items = list(range(1000))
    got = workers.mapped(lambda i: (i * i, os.getpid()), items, minimum=10, chunk=7)
    assert [square for square, _ in got] == [i * i for i in items]
    assert parent not in {pid for _, pid in got}
    assert workers.mapped(lambda i: os.getpid(), items, minimum=2000) == [parent] * 1000  # below `minimum`: here


def background_forks_unless_not_worth_it() -> None:
    """`background` runs its call in a child, or here when not worth it; the result is the same."""
    parent = os.getpid()
    with workers.background(lambda a, b: (a + b, os.getpid()), 2, 3) as result:
        total, pid = result()
    assert total == 5 and pid != parent
    with workers.background(lambda: os.getpid(), worth=False) as result:
        assert result() == parent


def test_mapped_forks_and_keeps_order() -> None:
    _in_fresh_process("from tests.test_workers import mapped_forks_and_keeps_order as t; t()")


def test_background_forks_unless_not_worth_it() -> None:
    _in_fresh_process("from tests.test_workers import background_forks_unless_not_worth_it as t; t()")


def parallel_load_equals_serial(data: str) -> None:
    """load_data with project files read by workers gives the files and problems of a one-process read."""
    from site_builder.load import source

    serial = source.load_data(Path(data))
    source.PARALLEL_MIN_FILES = 1
    parallel = source.load_data(Path(data))
    assert parallel[1] == serial[1]
    assert parallel[0] == serial[0]
    for plan in parallel[0].plans:  # data and every position as a plain read gives them (positions travel packed)
        for project in plan.projects:
            plain = source.load_file(project.path, project.display, "project")[0]
            assert plain is not None and (project.data, project.where()) == (plain.data, plain.where()) and plain.where()
    assert [p.display for p in serial[0].plans[0].projects] == [f"data/demo-org/2025/projects/p{i}.yaml" for i in (1, 2, 3)]
    assert any("broken-project" in p.file for p in serial[1])  # read although its plan file did not load


def test_parallel_load_reports_what_a_serial_load_reports(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    shutil.copytree(next(data.glob("*/2024")), data / "demo-org" / "2025")  # a second plan, whose files load
    plan = data / "demo-org" / "2024" / "plan.yaml"
    plan.write_text("title: [unclosed\n", encoding="utf-8")
    (plan.parent / "projects" / "broken-project.yaml").write_text("id: a\nid: b\n", encoding="utf-8")
    _in_fresh_process("import sys; from tests.test_workers import parallel_load_equals_serial as t; t(sys.argv[1])", str(data))


def parallel_check_equals_serial(data: str) -> None:
    """`check` with the personal-data scan in a child (and parallel reading) reports what a one-process check reports."""
    from site_builder.load import source
    from site_builder.pipeline import run as pipeline

    serial = pipeline.check(Path(data)).problems
    pipeline.PARALLEL_MIN_FILES = source.PARALLEL_MIN_FILES = 1
    assert pipeline.check(Path(data)).problems == serial
    assert any("휴대전화" in p.message for p in serial)


def test_personal_data_scanned_in_a_child_is_reported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    project = next(data.glob("*/*/projects/p1.yaml"))
    project.write_text(project.read_text(encoding="utf-8").replace("title:", "title: 문의 010-1234-5678", 1), encoding="utf-8")
    _in_fresh_process("import sys; from tests.test_workers import parallel_check_equals_serial as t; t(sys.argv[1])", str(data))


def killed_worker_raises() -> None:
    """A worker the kernel kills (here: it exits at once) makes the work fail; a multiprocessing Pool would wait forever."""
    from concurrent.futures.process import BrokenProcessPool

    with pytest.raises(BrokenProcessPool):
        workers.mapped(lambda i: os._exit(1), list(range(10)), minimum=1)


def test_a_killed_worker_fails_the_work_instead_of_hanging() -> None:
    _in_fresh_process("from tests.test_workers import killed_worker_raises as t; t()")
