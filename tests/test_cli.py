"""CLI behaviour: exit codes, Korean output, no tracebacks, every command has --help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli.commands import make_parser
from tests.conftest import FIXTURE_DATA, ROOT, run_cli

COMMANDS = ["validate", "build", "assemble", "serve", "schema", "import", "new", "purge"]


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
    written = ["organisation.schema.json", "plan-document.schema.json", "plan.schema.json", "progress.schema.json", "project.schema.json", "site.schema.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == written


def test_a_killed_worker_is_reported_in_korean(monkeypatch: pytest.MonkeyPatch, data_copy: Path, tmp_path: Path) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from site_builder.shards import runner

    def killed(*args: object, **kwargs: object) -> None:
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(runner, "build_site", killed)
    result = run_cli("build", "--data", str(data_copy), "--site-dir", str(tmp_path / "site"))
    assert result.code == 1
    assert "작업 프로세스가 중간에 종료되어" in result.err and "Traceback" not in result.err


def test_purge_writes_a_fingerprint_not_the_text(data_copy: Path) -> None:
    site = data_copy / "site.yaml"
    result = run_cli("purge", "서울시 중구 세종대로 110", "--data", str(data_copy))
    assert result.code == 0, result.err
    assert "지문을 더했습니다" in result.out and "git filter-repo --replace-text" in result.out
    text = site.read_text(encoding="utf-8")
    assert "세종대로" not in text and "history_purge:\n  - {sha256: " in text and "footer_links:" in text  # the rest stays
    again = run_cli("purge", "서울시중구 세종대로110", "--data", str(data_copy))  # another spelling, the same text
    assert again.code == 0 and "이미 가리고 있는 글입니다" in again.out and site.read_text(encoding="utf-8") == text
    assert run_cli("purge", "둘째 글", "--data", str(data_copy)).code == 0
    assert site.read_text(encoding="utf-8").count("{sha256: ") == 2 and run_cli("validate", "--data", str(data_copy)).code == 0


def test_purge_edits_an_empty_list_and_refuses_what_it_cannot_edit(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    site = data_copy / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "history_purge: []  # 아직 없음\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("홍길동\n"))  # from standard input: not in the shell's history
    assert run_cli("purge", "--data", str(data_copy)).code == 0
    assert "history_purge:\n  - {sha256: " in site.read_text(encoding="utf-8") and "홍길동" not in site.read_text(encoding="utf-8")
    short = run_cli("purge", "- 김 -", "--data", str(data_copy))
    assert short.code == 1 and "너무 짧습니다" in short.err
    flow = site.read_text(encoding="utf-8").replace("history_purge:\n  - ", "history_purge: [").replace("}\n", "}]\n", 1)
    site.write_text(flow, encoding="utf-8")
    refused = run_cli("purge", "다른 글", "--data", str(data_copy))
    assert refused.code == 1 and "한 줄 목록" in refused.err and site.read_text(encoding="utf-8") == flow


def test_purge_warns_when_todays_data_still_holds_the_text(data_copy: Path) -> None:
    project = next((data_copy).rglob("projects/*.yaml"))
    title = next(line for line in project.read_text(encoding="utf-8").splitlines() if line.startswith("title: "))[7:]
    result = run_cli("purge", title, "--data", str(data_copy))
    assert result.code == 0 and "지금 데이터에도 이 글이 있습니다" in result.out and project.name in result.out


def test_the_console_command_exits_with_mains_code_after_its_exit_handlers(data_copy: Path) -> None:
    """`run` leaves with os._exit (no heap teardown): the code, both streams and atexit handlers must survive it."""
    (data_copy / "demo-org/2024/projects/p2.yaml").write_text("id: p2\n", encoding="utf-8")
    script = ("import atexit, sys; atexit.register(lambda: print('처리기 실행', end='')); "
              "from site_builder.cli import run; sys.argv = ['site-builder', 'validate', '--data', sys.argv[1]]; run()")
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # so that an unflushed stream loses text
    done = subprocess.run([sys.executable, "-c", script, str(data_copy)], capture_output=True, text=True, timeout=120, env=buffered)
    assert done.returncode == 1
    assert "오류 1건" in done.stderr and "p2.yaml" in done.stderr
    assert done.stdout.endswith("처리기 실행")
    ok = subprocess.run([sys.executable, "-m", "site_builder", "validate", "--data", str(FIXTURE_DATA)], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "이상 없음" in ok.stdout


@pytest.mark.parametrize(("command", "collecting"), [("build", False), ("serve", True), ("validate", True)])
def test_the_collector_stays_off_after_a_command_line_build_only(command: str, collecting: bool, tmp_path: Path) -> None:
    """A build ends its process: no collector pass over the portal after it; `serve` lives on and must collect."""
    script = ("import gc, sys; from pathlib import Path; from site_builder.cli import commands; from site_builder.pipeline import run; "
              "root, data, out = map(Path, sys.argv[1:]); "
              "commands.main = lambda: run.build(run.Paths(root, data=data, build=out / 'b'), out / 's') and (7 if gc.isenabled() else 8); "
              f"sys.argv = ['site-builder', '{command}']; commands.run()")
    done = subprocess.run([sys.executable, "-c", script, str(ROOT), str(FIXTURE_DATA), str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == (7 if collecting else 8), done.stderr


def test_a_profiled_run_still_writes_its_profile(tmp_path: Path) -> None:
    """Under a profiler `run` exits normally: cProfile writes its file after the command returns."""
    profile = tmp_path / "build.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "site_builder", "validate", "--data", str(FIXTURE_DATA)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and profile.stat().st_size > 0


def test_preview_without_a_shard_is_refused(tmp_path: Path) -> None:
    result = run_cli("build", "--data", str(FIXTURE_DATA), "--site-dir", str(tmp_path / "site"), "--build-dir", str(tmp_path / "b"), "--preview")
    assert result.code == 2 and "--only-org" in result.err and not (tmp_path / "site").exists()
