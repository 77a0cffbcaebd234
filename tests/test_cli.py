"""CLI behaviour: exit codes, Korean output, no tracebacks, every command has --help."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.cli.commands import make_parser
from tests.conftest import FIXTURE_DATA, run_cli

COMMANDS = ["validate", "build", "assemble", "serve", "schema", "import", "new"]


def test_every_command_is_registered():
    parser = make_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_for_each_command(command: str):
    result = run_cli(command, "--help")
    assert result.code == 0
    assert "usage: site-builder" in result.out


def test_validate_ok_exits_zero_and_summarises():
    result = run_cli("validate", "--data", str(FIXTURE_DATA))
    assert result.code == 0
    assert "이상 없음: 계획 1건, 사업 3건" in result.out
    assert "[budget-sum:p1]" in result.out


def test_strict_turns_open_findings_into_errors():
    result = run_cli("validate", "--strict", "--quiet", "--data", str(FIXTURE_DATA))
    assert result.code == 1
    assert "확인되지 않은 점검 결과" in result.err
    assert "count-level:2" not in result.err  # acknowledged in plan.yaml


def test_errors_from_all_files_are_shown_together(data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    (data_copy / "demo-org/2024/projects/p1.yaml").write_text("id: p1\ntitle: [\n", encoding="utf-8")
    (data_copy / "demo-org/2024/projects/p2.yaml").write_text("id: p2\n", encoding="utf-8")
    monkeypatch.chdir(data_copy.parent)
    result = run_cli("validate", "--data", "data")
    assert result.code == 1
    assert "p1.yaml" in result.err and "p2.yaml" in result.err
    assert "Traceback" not in result.err
    assert "오류 2건" in result.err


def test_github_format_annotates_lines(data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    (data_copy / "demo-org/2024/projects/p2.yaml").write_text("id: p2\n", encoding="utf-8")
    monkeypatch.chdir(data_copy.parent)
    result = run_cli("validate", "--format", "github", "--data", "data")
    assert result.code == 1
    assert "::error file=data/demo-org/2024/projects/p2.yaml,line=1,col=1::title" in result.out


def test_missing_data_directory(tmp_path: Path):
    result = run_cli("validate", "--data", str(tmp_path / "없음"))
    assert result.code == 1
    assert "데이터 폴더가 없습니다" in result.err


def test_unknown_command_is_a_usage_error():
    assert run_cli("publish").code == 2


def test_schema_writes_files(tmp_path: Path):
    result = run_cli("schema", "--out", str(tmp_path))
    assert result.code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["organisation.schema.json", "plan.schema.json", "project.schema.json", "site.schema.json"]


def test_a_killed_worker_is_reported_in_korean(monkeypatch: pytest.MonkeyPatch, data_copy: Path, tmp_path: Path) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from site_builder.cli import commands as cli

    def killed(*args: object, **kwargs: object) -> None:
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(cli, "build", killed)
    result = run_cli("build", "--data", str(data_copy), "--site-dir", str(tmp_path / "site"))
    assert result.code == 1
    assert "작업 프로세스가 중간에 종료되어" in result.err and "Traceback" not in result.err
