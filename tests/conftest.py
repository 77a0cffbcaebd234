"""Shared fixtures: the small valid portal under tests/fixtures/data and a CLI runner."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.cli.commands import main

TESTS = Path(__file__).parent
FIXTURE_DATA = TESTS / "fixtures" / "data"
DEMO_DATA = TESTS.parent / "examples" / "data"  # the fictional demo portal (`make demo`): two years, quarterly progress
ROOT = TESTS.parent


def git(repo: Path, *args: str, date: str | None = None) -> str:
    """Run git in a test repository with a fixed identity and, for commits, fixed dates."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "시험", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "시험", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True).stdout


@dataclass
class Run:
    """Outcome of one in-process CLI call."""

    code: int
    out: str
    err: str


def run_cli(*args: str) -> Run:
    """Run `site-builder` in-process and capture its output."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture data directory."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target
