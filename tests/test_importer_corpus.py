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


def test_overrides_that_cannot_be_applied_are_refused_in_korean(tmp_path: Path) -> None:
    out = tmp_path / "data" / "org" / "2025"
    cases = {"syntax": ("plan: [unclosed\n", "overrides.yaml:2: YAML로 읽을 수 없습니다"),
             "tag": ("plan: !!python/object/apply:os.system ['true']\n", "태그는 쓸 수 없습니다"),
             "shape": ("projects: [1, 2]\n", "`projects`는 식별자마다 항목의 묶음"),
             "unknown": ("planz: {}\n", "알 수 없는 항목 `planz`")}
    for name, (content, says) in cases.items():
        overrides = tmp_path / f"{name}.yaml"
        overrides.write_text(content, encoding="utf-8")
        result = run_cli("import", str(corpus("table-vpos-01.hwp")), "--out", str(out), "--overrides", str(overrides))
        assert result.code == 1 and "Traceback" not in result.err, name
        assert says.replace("overrides.yaml", f"{name}.yaml") in result.err, (name, result.err)
        assert not (tmp_path / "data").exists()


def test_an_existing_plan_is_not_overwritten_without_overrides_or_force(tmp_path: Path) -> None:
    out = tmp_path / "data" / "org" / "2025"
    assert run_cli("import", str(corpus("table-vpos-01.hwp")), "--out", str(out)).code == 0
    (out / "plan.yaml").write_text("# 손으로 고친 계획\n", encoding="utf-8")
    again = run_cli("import", str(corpus("table-vpos-01.hwp")), "--out", str(out))
    assert again.code == 1 and "이미 있습니다" in again.err and "--force" in again.err
    assert (out / "plan.yaml").read_text(encoding="utf-8") == "# 손으로 고친 계획\n"
    assert run_cli("import", str(corpus("table-vpos-01.hwp")), "--out", str(out), "--force").code == 0
    (out / "overrides.yaml").write_text("plan: {subtitle: 부제}\n", encoding="utf-8")
    assert run_cli("import", str(corpus("table-vpos-01.hwp")), "--out", str(out)).code == 0  # the documented re-import


def test_control_bidi_and_zero_width_characters_never_reach_the_draft(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "importer_samples" / "genre_blocks.txt").read_text(encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text(text.replace("공공데이터 개방 확대", "공공\u200b데이터 개방\u202e 확대\x01"), encoding="utf-8")
    out = tmp_path / "data" / "org" / "2024"
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("*-*"))
    result = run_cli("import", str(doc), "--out", str(out))
    assert result.code == 0, result.err
    assert "원문에서 뺀 글자 (초안에 넣지 않음): 제어 문자(쪽 나눔 등) 1개; 보이지 않는 문자(방향 바꿈·폭 없는 문자) 2개" in result.out
    drafted = (out / "projects" / "p1-1.yaml").read_text(encoding="utf-8")
    assert "title: 공공데이터 개방 확대" in drafted and not any(ch in drafted for ch in "\u200b\u202e\x01")
    assert run_cli("validate", "--data", str(tmp_path / "data")).code == 0


def test_a_document_far_larger_than_a_plan_is_refused() -> None:
    from site_builder.importer.sanitise import MAX_CHARS, TooLarge, clean_text

    with pytest.raises(TooLarge, match="문서가 너무 큽니다"):
        clean_text("가" * (MAX_CHARS + 1))
