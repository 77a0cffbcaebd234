"""CI files: valid YAML, the right triggers and actions, and every command they run exists."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.cli.commands import make_parser
from tests.conftest import ROOT, run_cli

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
GITLAB = ROOT / ".gitlab-ci.yml"
PRECOMMIT = ROOT / ".pre-commit-config.yaml"
SITE_BUILDER = re.compile(r"(?:\.venv/bin/)?site-builder\b(?P<args>[^|;&>]*)")
MAKE = re.compile(r"\bmake\s+(?P<target>[A-Za-z0-9_.-]+)")


def load(path: Path) -> Any:
    """Parse a YAML file (PyYAML reads the `on:` key as True)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The `on:` mapping of a workflow."""
    on = workflow.get("on", workflow.get(True))
    return on if isinstance(on, dict) else {name: None for name in ([on] if isinstance(on, str) else on)}


def make_targets() -> set[str]:
    """Targets the Makefile defines."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.MULTILINE))


def help_subcommands() -> set[str]:
    """Subcommands listed by `site-builder --help` (the real entry point)."""
    out = subprocess.run([sys.executable, "-m", "site_builder", "--help"], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"^ {4}([a-z][a-z-]*)\s{2,}", out, flags=re.MULTILINE))


def workflow_commands() -> list[tuple[str, str]]:
    """(file, command line) for every `run:` step of the GitHub workflows."""
    out = []
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            out += [(path.name, line) for step in job["steps"] if "run" in step for line in step["run"].splitlines()]
    return out


def gitlab_commands() -> list[tuple[str, str]]:
    """(file, command line) for every `script:` line of the GitLab CI file."""
    jobs = {k: v for k, v in load(GITLAB).items() if isinstance(v, dict) and "script" in v}
    return [(GITLAB.name, line) for job in jobs.values() for line in job["script"]]


def precommit_commands() -> list[tuple[str, str]]:
    """(file, entry) of every local pre-commit hook."""
    return [(PRECOMMIT.name, hook["entry"]) for repo in load(PRECOMMIT)["repos"] for hook in repo["hooks"]]


def all_commands() -> list[tuple[str, str]]:
    """Every command line of every CI and hook file."""
    return workflow_commands() + gitlab_commands() + precommit_commands()


def test_files_are_valid_yaml() -> None:
    assert len(WORKFLOWS) >= 2
    for path in [*WORKFLOWS, GITLAB, PRECOMMIT]:
        assert isinstance(load(path), dict), path


def test_help_lists_every_subcommand() -> None:
    parser_names = set(make_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert help_subcommands() == parser_names
    assert {"validate", "build", "serve", "new"} <= parser_names


@pytest.mark.parametrize(("source", "line"), all_commands())
def test_commands_exist(source: str, line: str) -> None:
    targets, subcommands = make_targets(), help_subcommands()
    for match in MAKE.finditer(line):
        assert match["target"] in targets, f"{source}: `make {match['target']}` is not a Makefile target"
    for match in SITE_BUILDER.finditer(line):
        argv = shlex.split(match["args"])
        assert argv and argv[0] in subcommands, f"{source}: `{line}` names no subcommand"
        try:
            make_parser().parse_args(argv)  # options and choices must exist too
        except SystemExit:
            pytest.fail(f"{source}: `{line}` has options site-builder does not accept")


def test_ci_runs_the_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for source, commands in (("github", workflow_commands()), ("gitlab", gitlab_commands())):
        text = "\n".join(line for _, line in commands)
        assert "make setup" in text and "make site" in text, source
        assert "site-builder validate" in text, source
    assert "make site" in readme and "site-builder validate" in readme


def test_pull_request_workflow_validates_builds_and_uploads_preview() -> None:
    flows = [load(p) for p in WORKFLOWS if "pull_request" in triggers(load(p))]
    assert len(flows) == 1
    steps = [s for job in flows[0]["jobs"].values() for s in job["steps"]]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert next(s for s in steps if "setup-python" in s.get("uses", ""))["with"]["python-version"] == "3.11"
    runs = [s.get("run", "") for s in steps]
    assert runs.index(".venv/bin/site-builder validate --format github") < runs.index("make site")
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"


def test_main_workflow_deploys_to_pages() -> None:
    flows = [load(p) for p in WORKFLOWS if "push" in triggers(load(p))]
    assert len(flows) == 1
    flow = flows[0]
    assert triggers(flow)["push"]["branches"] == ["main"]
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"]["group"] and flow["concurrency"]["cancel-in-progress"] is False
    uses = [s.get("uses", "") for job in flow["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert flow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_checkouts_fetch_full_history() -> None:
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["fetch-depth"] == 0, path
    assert load(GITLAB)["variables"]["GIT_DEPTH"] == "0"


def test_gitlab_has_report_preview_and_pages() -> None:
    ci = load(GITLAB)
    assert ci["validate"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert ci["pages"]["artifacts"]["paths"] == ["public"]
    assert "site/" in ci["build"]["artifacts"]["paths"]


def test_precommit_validates_data_changes() -> None:
    hook = load(PRECOMMIT)["repos"][0]
    assert hook["repo"] == "local"
    assert hook["hooks"][0]["files"] == "^data/" and hook["hooks"][0]["pass_filenames"] is False


@pytest.fixture
def broken(data_copy: Path) -> Path:
    """Fixture data with a non-integer plan year (line known) and a comma in the file name."""
    plan = next(data_copy.glob("*/*/plan.yaml"))
    text = plan.read_text(encoding="utf-8")
    plan.write_text(re.sub(r"^year: \d+", 'year: "x"', text, count=1, flags=re.MULTILINE), encoding="utf-8")
    return data_copy


def test_github_format_annotates_file_and_line(broken: Path) -> None:
    result = run_cli("validate", "--data", str(broken), "--format", "github")
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if line.startswith("::error ")]
    assert errors, result.out
    match = re.fullmatch(r"::error file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+)::(?P<msg>.+)", errors[0])
    assert match, errors[0]
    assert match["file"].endswith("/plan.yaml") and "data/" in match["file"]
    plan_text = Path(broken.parent, match["file"]).read_text(encoding="utf-8").splitlines()
    assert plan_text[int(match["line"]) - 1].startswith("year:")
    assert "정수" in match["msg"] and "\n" not in match["msg"]


def test_github_command_escapes_message_and_properties() -> None:
    from site_builder.base.problem import Problem

    line = Problem("data/a,b:c.yaml", 3, 2, "x", "줄\n바꿈 100%", "", "").format_github()
    assert line == "::error file=data/a%2Cb%3Ac.yaml,line=3,col=2::x — 줄%0A바꿈 100%25"


def test_gitlab_format_is_a_code_quality_report(broken: Path) -> None:
    result = run_cli("validate", "--data", str(broken), "--format", "gitlab")
    assert result.code == 1
    report = json.loads(result.out)
    assert report[0]["location"]["path"].endswith("plan.yaml") and report[0]["location"]["lines"]["begin"] >= 1
    assert {"description", "check_name", "fingerprint", "severity"} <= set(report[0])


def test_gitlab_format_on_valid_data_is_empty_json(data_copy: Path) -> None:
    result = run_cli("validate", "--data", str(data_copy), "--format", "gitlab")
    assert result.code == 0 and json.loads(result.out) == []


def test_publish_restores_the_build_cache_before_building() -> None:
    """The incremental build needs the last build/ and site/ (engine/incremental.py); the key changes with the code."""
    flow = next(load(p) for p in WORKFLOWS if "push" in triggers(load(p)))
    steps = flow["jobs"]["build"]["steps"]
    at = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache@"))
    cache = steps[at]["with"]
    assert cache["path"].split() == ["build", "site"]
    assert "hashFiles(" in cache["key"] and "site_builder/**" in cache["key"] and "github.sha" in cache["key"]
    assert cache["key"].rsplit("-", 1)[0] + "-" in cache["restore-keys"]
    assert at < next(i for i, s in enumerate(steps) if s.get("run") == "make site")
