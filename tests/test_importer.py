"""The importer on both seed plans and on small synthetic plans of other shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from site_builder.importer.command import write_draft
from site_builder.importer.keep import check_keep
from site_builder.importer.lines import read_lines
from site_builder.importer.link import walk
from site_builder.importer.overrides import merge
from site_builder.importer.report import report
from site_builder.importer.stages import Imported, import_text
from site_builder.importer.yamlout import dump
from site_builder.pipeline import check

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
JB, JC = SEEDS / "004_399716ee5e97800e.txt", SEEDS / "000_b402933fbcd95559.txt"
SAMPLES = Path(__file__).parent / "importer_samples"
NO_OVERRIDES = Path("/nonexistent/overrides.yaml")


def run(doc: Path, tmp: Path, org: str, year: int, overrides: Path = NO_OVERRIDES) -> tuple[Imported, Path]:
    """Import a document into a fresh data dir (with site.yaml) and return the result and the plan dir."""
    data = tmp / "data"
    out = data / org / str(year)
    out.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "site.yaml", data / "site.yaml")
    result = import_text(doc.read_text(encoding="utf-8"), doc.name, org, year, overrides)
    write_draft(result, out)
    return result, out


def assert_valid(out: Path) -> None:
    """The drafted data directory validates (errors listed on failure)."""
    checked = check(out.parent.parent)
    assert not checked.problems, [str(p) for p in checked.problems[:5]]


def curated(org: str, year: int) -> dict[str, str]:
    """Project id → title of the committed data."""
    files = sorted((ROOT / "data" / org / str(year) / "projects").glob("*.yaml"))
    return {f.stem: yaml.safe_load(f.read_text(encoding="utf-8"))["title"] for f in files}


needs_seeds = pytest.mark.skipif(not JB.is_file(), reason="seed documents not available")


@needs_seeds
def test_jb_draft_validates_and_covers_the_curated_projects(tmp_path: Path) -> None:
    result, out = run(JB, tmp_path, "jb-sswa", 2024)
    assert_valid(out)
    assert {pid: p["title"] for pid, p in result.projects.items()} == curated("jb-sswa", 2024)
    assert len(result.plan["units"]) == 7
    assert result.plan["catalogues"][0]["declared_total"] == 65 and len(result.plan["catalogues"][0]["entries"]) == 65
    print(f"JB line keep {result.keep.percent:.2f}%")
    assert result.keep.percent >= 95


@needs_seeds
def test_jb_curated_data_is_the_importer_output_plus_overrides(tmp_path: Path) -> None:
    """The committed data is reproducible: draft + overrides.yaml gives the same bytes (hand edits live in the overrides)."""
    committed = ROOT / "data" / "jb-sswa" / "2024"
    result, out = run(JB, tmp_path, "jb-sswa", 2024, committed / "overrides.yaml")
    for path in [out / "plan.yaml", *sorted((out / "projects").glob("*.yaml"))]:
        assert path.read_bytes() == (committed / path.relative_to(out)).read_bytes(), path.name
    assert result.keep.percent >= 99


@needs_seeds
def test_jb_curated_project_content() -> None:
    base = ROOT / "data" / "jb-sswa" / "2024" / "projects"
    projects = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(base.glob("*.yaml"))]
    assert len(projects) == 67 and all(p.get("strategy") and p.get("unit") and p.get("contacts") for p in projects)
    assert sum(1 for p in projects if p.get("schedule")) == 67
    assert sum(len(p["schedule"]["rows"]) for p in projects) == 389
    assert sum(len(p.get("evaluation", [])) for p in projects) == 275
    assert sum(1 for p in projects if (p.get("budget") or {}).get("lines")) == 33
    years = {p["id"]: p["schedule"].get("year_label") for p in projects if p["schedule"].get("year") != 2024}
    assert len(years) == 10 and years["t02-05"] == "2023년도" and years["t02-13"] == "2022"
    fund = {p["id"]: p["budget"]["funding"] for p in projects if (p.get("budget") or {}).get("funding")}
    assert fund["t03-01"] == [{"source": "도비", "share_pct": 50}, {"source": "국비", "share_pct": 50}]
    assert sum(len(p["issues"]["items"]) for p in projects) == 72


@needs_seeds
def test_jc_draft_validates_and_uses_the_curated_ids(tmp_path: Path) -> None:
    result, out = run(JC, tmp_path, "jincheon-haengjeong", 2022)
    assert_valid(out)
    ids = sorted(result.projects)
    assert ids == sorted([f"current-{n}" for n in range(1, 5)] + [f"new-{n}" for n in range(1, 9)])
    tasks = [n["id"] for n in walk(result.plan["strategy"]) if n["id"].startswith("task")]
    assert len(tasks) == 14 and [n["id"] for n in result.plan["strategy"]] == ["goal1", "goal2", "goal3", "goal4"]
    committed = curated("jincheon-haengjeong", 2022)
    if len(committed) == 12:
        assert set(committed) == set(ids)
        plan = yaml.safe_load((ROOT / "data" / "jincheon-haengjeong" / "2022" / "plan.yaml").read_text(encoding="utf-8"))
        assert {n["id"] for n in walk(plan["strategy"]) if n["id"].startswith("task")} == set(tasks)
    print(f"JC line keep {result.keep.percent:.2f}%")
    assert result.keep.percent >= 95


@pytest.mark.parametrize("name", ["sample_roman_quarter", "sample_goals_tasks"])
def test_synthetic_plans_validate_and_keep_lines(tmp_path: Path, name: str) -> None:
    result, out = run(SAMPLES / f"{name}.txt", tmp_path, "sample", 2023)
    assert_valid(out)
    print(f"{name} line keep {result.keep.percent:.2f}%")
    assert result.keep.percent >= 95
    assert "일반 구역" in report(result, name)


def test_quarterly_grid_yearly_budget_and_corner_titles(tmp_path: Path) -> None:
    result, _ = run(SAMPLES / "sample_roman_quarter.txt", tmp_path, "sample", 2023)
    first = result.projects["focus-1"]
    assert first["title"] == "「어르신 건강돌봄」 사업 추진"
    assert first["schedule"]["unit"] == "quarter" and [r["marks"] for r in first["schedule"]["rows"]] == [[1], [2, 3], [4]]
    assert first["investment"]["unit_note"] == "(단위: 천원)" and first["investment"]["rows"][0][-1] == "390,000"
    assert result.projects["focus-2"]["steps"][0]["steps"][1]["when"] == "2023. 3. ~ 12."


def test_goals_tasks_kpis_contacts_and_budget(tmp_path: Path) -> None:
    result, _ = run(SAMPLES / "sample_goals_tasks.txt", tmp_path, "sample", 2022)
    task = next(n for n in walk(result.plan["strategy"]) if n["id"] == "task1-1")
    assert task["kpis"][0]["targets"][2] == {"year": 2024, "label": "'24년", "value": "1등급"}
    project = result.projects["actions-1"]
    assert project["contacts"][0] == {"role": "담당자", "phone": "1234", "name": "홍길동"}
    assert project["budget"]["lines"][0]["amount"] == "5,000천원"
    assert project["overview"]["items"][0]["label"] == "목 적"
    assert project["issues"]["items"][0]["issue"] == "주민 참여 저조 우려"


def test_output_is_deterministic(tmp_path: Path) -> None:
    a, out_a = run(SAMPLES / "sample_goals_tasks.txt", tmp_path / "a", "sample", 2022)
    b, out_b = run(SAMPLES / "sample_goals_tasks.txt", tmp_path / "b", "sample", 2022)
    files = sorted(p.relative_to(out_a) for p in out_a.rglob("*.yaml"))
    assert files and all((out_a / f).read_bytes() == (out_b / f).read_bytes() for f in files)
    assert (out_a / "plan.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def test_keep_check_reports_lost_lines() -> None:
    lines = read_lines("첫째 줄입니다\n둘째 줄입니다\n\n셋째\t칸입니다\n")
    keep = check_keep(lines, [{"body": "첫째 줄입니다\n"}, {"x": "칸입니다", "y": "셋째"}])
    assert keep.total == 3 and keep.kept == 2 and [ln.no for ln in keep.missing] == [2]


def test_yaml_writer_round_trips_awkward_text() -> None:
    data = {"a": " 앞 공백\n - 둘째\n", "b": "키: 값", "c": ["- 줄", "#", "2024. 1."], "d": {"x": "a, b", "y": [1, 2]}, "e": "yes", "f": "12"}
    assert yaml.safe_load(dump(data, "s.json")) == data


def test_override_merge_semantics() -> None:
    target = {"a": 1, "b": [1], "c": 3}
    merge(target, {"a": 2, "+b": [2], "c": None, "+d": [4]})
    assert target == {"a": 2, "b": [1, 2], "d": [4]}
