"""`site-builder import` on real HWP/HWPX files: every accepted draft validates, structure is found, refusals write nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.importer.command import document_text
from site_builder.importer.link import walk
from site_builder.importer.stages import Imported, import_text
from tests.conftest import run_cli
from tests.test_importer import ROOT, assert_valid

CORPUS = ROOT.parent / "shared" / "corpus" / "hwp"
ACCEPTED = ["hwp_table_test.hwp", "hwpx-01.hwpx", "img-start-001.hwp", "inner-table-01.hwp", "loading-fail-01.hwp", "ref_table.hwpx",
            "table-001.hwp", "table-complex.hwp", "table-in-tbox.hwp", "table-text.hwpx", "table-vpos-01.hwp", "table-vpos-01.hwpx"]


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {name} not present")
    return path


def imported(name: str, tmp_path: Path) -> tuple[Imported, Path]:
    """Import a corpus file into a fresh data folder."""
    data = tmp_path / "data"
    out = data / "org" / "2025"
    out.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "site.yaml", data / "site.yaml")
    result = import_text(document_text(corpus(name)), name, "org", 2025, tmp_path / "none.yaml")
    from site_builder.importer.command import write_draft
    write_draft(result, out)
    return result, out


@pytest.mark.parametrize("name", ACCEPTED)
def test_every_accepted_corpus_document_drafts_valid_data(name: str, tmp_path: Path) -> None:
    result, out = imported(name, tmp_path)
    assert_valid(out)
    assert result.keep.percent >= 95, [ln.no for ln in result.keep.missing]


@pytest.mark.parametrize("name", ["table-vpos-01.hwp", "table-vpos-01.hwpx"])
def test_strategy_diagram_gives_4_strategies_and_12_tasks_in_both_formats(name: str, tmp_path: Path) -> None:
    result, _ = imported(name, tmp_path)
    assert [(lv["name"], lv.get("declared_count")) for lv in result.plan["levels"]] == [("추진전략", 4), ("추진과제", 12)]
    tree = result.plan["strategy"]
    assert [n["title"] for n in tree][1] == "포용과 균형의 기본사회 구현" and [len(n["children"]) for n in tree] == [3, 3, 3, 3]
    tasks = [c["title"] for n in tree for c in n["children"]]
    assert tasks[0] == "대국민 소통 일상화로 국민의 의견을 정책으로 전환" and tasks[-1] == "공공 AI 윤리 및 신뢰성 확보"
    assert tree[0]["title_variants"][0]["text"] == "참여소통"


def test_single_project_plan_with_a_shaded_month_grid_and_owners(tmp_path: Path) -> None:
    result, _ = imported("img-start-001.hwp", tmp_path)
    assert list(result.projects) == ["p1"]
    project = result.projects["p1"]
    assert project["title"] == "2025년 공공데이터 품질관리 협의체 구성‧운영 추진계획"
    schedule = project["schedule"]
    assert schedule["periods"] == [5, 6, 7, 8, 9, 10] and len(schedule["rows"]) == 6
    assert [r["marks"] for r in schedule["rows"]][-1] == [10] and schedule["rows"][2]["marks"] == [5, 6]
    assert project["contacts"][0] == {"role": "주관부서", "department": "디지털전환추진단"}
    assert project["contacts"][1]["phone"] == "3800" and result.plan["units"] == [{"id": "u01", "name": "디지털전환추진단"}]
    assert project["overview"]["items"][1]["kind"] == "period"
    assert [s["when"] for s in project["steps"][0]["steps"]] == ["5월중", "~ 9월말"]


def test_hwp3_is_refused_in_korean_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "data" / "org" / "2025"
    result = run_cli("import", str(corpus("hwp3-sample.hwp")), "--out", str(out))
    assert result.code == 1 and "Traceback" not in result.err
    assert "한글 3.0 이전(HWP 3) 문서입니다" in result.err and "아무 파일도 쓰지 않음" in result.err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(("content", "says"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
    (b"\x00\x01\x02binary\x00garbage" * 40, "텍스트"),
])
def test_other_files_are_refused_and_nothing_is_written(content: bytes, says: str, tmp_path: Path) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_bytes(content)
    out = tmp_path / "data" / "org" / "2025"
    result = run_cli("import", str(doc), "--out", str(out))
    assert result.code == 1 and says in result.err and "Traceback" not in result.err
    assert not (tmp_path / "data").exists()


def test_truncated_hwp_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "broken.hwp"
    doc.write_bytes(corpus("table-001.hwp").read_bytes()[:5000])
    result = run_cli("import", str(doc), "--out", str(tmp_path / "data" / "org" / "2025"))
    assert result.code == 1 and "손상" in result.err and not (tmp_path / "data").exists()


def test_import_from_hwp_prints_the_report_and_can_save_the_text(tmp_path: Path) -> None:
    out = tmp_path / "data" / "org" / "2025"
    text = tmp_path / "document.txt"
    result = run_cli("import", str(corpus("table-vpos-01.hwp")), "--out", str(out), "--text-out", str(text))
    assert result.code == 0, result.err
    assert "가져오기 보고서: table-vpos-01.hwp" in result.out and "추진과제: 원문 선언 12, 찾음 12 (일치)" in result.out
    assert (out / "plan.yaml").is_file() and (out.parent / "org.yaml").is_file()
    assert "정부혁신 4대 추진전략, 12대 추진과제" in text.read_text(encoding="utf-8")
    nodes = list(walk(__import__("yaml").safe_load((out / "plan.yaml").read_text(encoding="utf-8"))["strategy"]))
    assert len(nodes) == 16


def test_personal_data_is_hidden_in_the_draft_and_reported(tmp_path: Path) -> None:
    result, out = imported("hwpx-01.hwpx", tmp_path)
    assert_valid(out)
    assert result.notes["personal"] == [next(n for n in result.notes["personal"] if "ye***@korea.kr" in n)]
    assert "[개인정보 가림: 개인 전자우편 주소]" in (out / "plan.yaml").read_text(encoding="utf-8")
    assert "yejin" not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.yaml"))
