"""Progress reports (분기·반기 실적): read beside the plan, checked against it, newest entry wins, 비공개 respected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from site_builder.pipeline.run import check
from site_builder.publish.redaction import redact_bundle

PROGRESS = "demo-org/2024/progress"
Q1 = """as_of: 2024-03-31
title: 2024년 1분기 실적
projects:
  p1: {status: 추진 중, progress_pct: 30, executed: 500천원, done: [계획 수립], summary: 계획을 세웠습니다}
  p2: {status: 예정}
"""
Q2 = """as_of: 2024-06-30
title: 2024년 상반기 실적
projects:
  p1: {status: 지연, progress_pct: 40, executed: 900천원, delay_reason: 업체 선정이 늦어짐}
"""


@pytest.fixture(autouse=True)
def _no_fixture_reports(data_copy: Path) -> None:
    """These tests write their own reports: the fixture portal's (shown on the golden pages) are taken away first."""
    shutil.rmtree(data_copy / PROGRESS, ignore_errors=True)


def _write(data: Path, name: str, text: str) -> None:
    folder = data / PROGRESS
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_newest_report_gives_the_current_state_whatever_the_file_names(data_copy: Path) -> None:
    _write(data_copy, "b-first.yaml", Q1)  # file names in the other order than the dates
    _write(data_copy, "a-second.yaml", Q2)
    checked = check(data_copy)
    assert checked.portal is not None, [p.format() for p in checked.problems]
    bundle = checked.portal.plans[0]
    assert [str(r.as_of) for r in bundle.reports] == ["2024-03-31", "2024-06-30"]
    latest = bundle.latest("p1")
    assert latest is not None and latest[1].status == "지연" and latest[1].executed is not None and latest[1].executed.won == 900_000
    assert [e.status for _, e in bundle.progress["p1"]] == ["추진 중", "지연"]
    assert bundle.latest("p3") is None


def test_two_reports_on_one_date_for_one_project_are_refused(data_copy: Path) -> None:
    _write(data_copy, "q1.yaml", Q1)
    _write(data_copy, "q1-again.yaml", Q1.replace("title: 2024년 1분기 실적", "title: 다시"))
    messages = [p.format() for p in check(data_copy).problems]
    assert any("projects.p1 — 같은 기준일의 진행 상황이 다른 파일에도 있습니다: data/demo-org/2024/progress/q1-again.yaml" in m for m in messages), messages


def test_personal_data_in_a_report_stops_the_build(data_copy: Path) -> None:
    _write(data_copy, "q1.yaml", Q1.replace("계획을 세웠습니다", "문의 010-2345-6789"))
    assert any("휴대전화 번호" in p.message and p.file.endswith("progress/q1.yaml") for p in check(data_copy).problems)


def test_withheld_projects_and_amounts_leave_the_reports(data_copy: Path) -> None:
    _write(data_copy, "q1.yaml", Q1)
    p1 = data_copy / "demo-org/2024/projects/p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8") + "withheld_fields:\n  - {field: budget, ground: 7}\n", encoding="utf-8")
    p2 = data_copy / "demo-org/2024/projects/p2.yaml"
    p2.write_text(p2.read_text(encoding="utf-8") + "withheld: {ground: 8}\n", encoding="utf-8")
    portal = check(data_copy).portal
    assert portal is not None
    report = redact_bundle(portal.plans[0]).reports[0]
    assert set(report.projects) == {"p1"} and report.projects["p1"].executed is None and report.projects["p1"].status == "추진 중"


def test_what_a_report_says_about_a_withheld_field_stays_out_of_every_download(data_copy: Path) -> None:
    from site_builder.pipeline.run import generate

    _write(data_copy, "q2.yaml", """as_of: 2024-06-30
projects:
  p1:
    status: 추진 중
    executed: 3,900천원
    executed_by_source: [{source: 도비, amount: "3,900천원"}]
    over_budget_reason: SPENDMARK 자재비 상승
    done: [계획 수립]
  p3:
    status: 추진 중
    kpi_results: [{indicator: 참여율, value: KPIMARK 41%}]
""")
    for name, field in (("p1", "budget"), ("p3", "kpis")):
        path = data_copy / f"demo-org/2024/projects/{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"withheld_fields:\n  - {{field: {field}, ground: 5}}\n", encoding="utf-8")
    p1 = data_copy / "demo-org/2024/projects/p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8").replace("withheld_fields:\n", "withheld_fields:\n  - {field: schedule, ground: 5}\n"), encoding="utf-8")
    checked = check(data_copy)
    assert checked.portal is not None, [p.format() for p in checked.problems]
    entries = redact_bundle(checked.portal.plans[0]).reports[0].projects
    assert (entries["p1"].executed, entries["p1"].executed_by_source, entries["p1"].over_budget_reason, entries["p1"].done) == (None, [], None, [])
    assert entries["p1"].status == "추진 중" and entries["p3"].kpi_results == [] and entries["p3"].status == "추진 중"
    files = generate(checked.portal)
    downloads = {name: data for name, data in files.items() if name.startswith("downloads/")}
    leaks = [(name, mark) for name, data in downloads.items() for mark in ("SPENDMARK", "KPIMARK", "3900000", "3,900")
             if mark in (data.decode("utf-8", "replace") if isinstance(data, bytes) else data)]
    assert leaks == []
    published = json.loads(downloads["downloads/demo-org-2024.json"])["progress"][0]["projects"]
    assert published["p1"]["done"] == [] and published["p1"]["status"] == "추진 중"  # finished items name the withheld schedule
