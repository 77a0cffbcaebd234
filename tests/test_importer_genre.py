"""The numbered-outline layout on plans shaped unlike the seeds: strategy levels, budgeted sub-tasks, template blocks."""

from __future__ import annotations

from pathlib import Path

from site_builder.importer.link import walk
from site_builder.importer.report import report
from site_builder.importer.stages import Imported
from tests.test_importer import SAMPLES, assert_valid, run


def nodes(result: Imported) -> dict[str, dict]:
    """Strategy nodes by id."""
    return {n["id"]: n for n in walk(result.plan.get("strategy", []))}


def test_budgeted_subtasks_under_two_strategy_levels(tmp_path: Path) -> None:
    result, out = run(SAMPLES / "genre_ministry.txt", tmp_path, "sample", 2025)
    assert_valid(out)
    assert result.layout is not None and result.layout.name == "번호 체계"
    assert result.plan["money_unit"] == "백만원"
    tree = nodes(result)
    assert [n["title"] for n in result.plan["strategy"]] == ["국어 자원 구축과 개방 (57억원)", "국어 교육의 저변 확대 (18억원)"]
    assert [c["id"] for c in tree["s1"]["children"]] == ["s1-1", "s1-2"] and tree["s1"]["stated_budget"] == "57억원"
    projects = result.projects
    assert sorted(projects) == ["p1-1-1", "p1-1-2", "p1-2-1", "p2-1-1", "p2-2-1"]
    assert projects["p1-1-1"]["title"] == "국어 말뭉치 확대 구축(2,000백만원)" and projects["p1-1-1"]["stated_budget"] == "2,000백만원"
    assert projects["p1-1-1"]["strategy"] == "s1-1"
    units = {u["id"]: u["name"] for u in result.plan["units"]}
    assert units == {"u01": "언어정보과", "u02": "어문연구과", "u03": "한국어진흥과"} and projects["p2-2-1"]["unit"] == "u03"
    schedule = projects["p1-2-1"]["schedule"]
    assert schedule["unit"] == "quarter" and schedule["rows"][0]["texts"] == ["조사 계획(3월)", "수집", "검토", "표제어 추가"]
    text = report(result, "genre_ministry.txt")
    assert "s1 국어 자원 구축과 개방 (57억원): 57억원 = 하위 합계 (일치)" in text
    assert "구조화율" in text and "확신하지 못한 항목: 없음" in text


def test_template_blocks_make_the_level_above_them_projects(tmp_path: Path) -> None:
    result, out = run(SAMPLES / "genre_blocks.txt", tmp_path, "sample", 2024)
    assert_valid(out)
    assert [(n["id"], n["title"]) for n in result.plan["strategy"]] == [("s1", "데이터 기반 행정 구현"), ("s2", "시민 참여 디지털 서비스"), ("s3", "성과 관리")]
    kpi = result.plan["strategy"][2]["kpis"][0]
    assert kpi["indicator"] == "개방 데이터 수" and kpi["targets"][2] == {"year": 2025, "label": "'25년", "value": "300종"}
    assert result.projects["p3-1"]["overview"]["items"][1]["text"] == "비예산"
    first = result.projects["p1-1"]
    assert first["title"] == "공공데이터 개방 확대" and first["number"] == "가" and first["strategy"] == "s1"
    assert [i["kind"] for i in first["overview"]["items"]] == ["period", "budget", "other"]
    assert first["schedule"]["unit"] == "month" and [r["marks"] for r in first["schedule"]["rows"]][0] == [1, 2]
    assert result.projects["p1-2"]["steps"][0]["steps"][1]["when"] == "2024. 12."
    assert result.projects["p2-1"]["stated_budget"] == "300,000천원"
    assert result.keep.percent == 100


def test_unit_slip_is_flagged_in_the_report(tmp_path: Path) -> None:
    text = (SAMPLES / "genre_ministry.txt").read_text(encoding="utf-8").replace("(57억원)", "(5,700억원)")
    doc = tmp_path / "slip.txt"
    doc.write_text(text, encoding="utf-8")
    result, _ = run(doc, tmp_path / "x", "sample", 2025)
    assert "단위 실수로 보임: 백만원을 억원으로(또는 반대로)" in report(result, "slip.txt")


def test_circled_tasks_under_heading_box_strategies_with_declared_counts(tmp_path: Path) -> None:
    result, out = run(SAMPLES / "genre_circled_tasks.txt", tmp_path, "sample", 2025)
    assert_valid(out)
    assert [(lv["name"], lv.get("declared_count")) for lv in result.plan["levels"]] == [("추진전략", 3), ("추진과제", 7)]
    assert [len(n["children"]) for n in result.plan["strategy"]] == [2, 2, 3]
    assert result.projects["p1-1-1"]["stated_budget"] == "12억원" and result.projects["p1-2-1"]["stated_budget"] == "비예산"
    assert result.projects["p3-3-1"]["unit"] == result.projects["p3-2-1"]["unit"]
    assert "확신하지 못한 항목: 없음" in report(result, "genre_circled_tasks.txt")


def test_hangul_items_with_labelled_overview_lines(tmp_path: Path) -> None:
    result, out = run(SAMPLES / "genre_hangul_items.txt", tmp_path, "sample", 2024)
    assert_valid(out)
    assert sorted(result.projects) == ["p1-1", "p1-2", "p1-3"]
    first = result.projects["p1-1"]
    assert first["title"] == "구민 체육시설 확충" and first["stated_budget"] == "1,500백만원"
    assert [i["kind"] for i in first["overview"]["items"]] == ["period", "budget"]
    assert [s["when"] for s in first["steps"][0]["steps"]] == ["3월", "6월", "11월"]
    assert [s.get("heading") for s in result.plan["sections"]] == [None, "1. 일반 현황"]  # the title line, then the frame chapter
