"""The fictional demo portal of examples/data: validates with nothing to report, has the promised shape, builds.

Golden, browser and axe tests of the progress pages use it, so its shape is checked here: two years, three strategy
levels, three units, eight projects a year, quarterly progress covering every status.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.model.portal import PlanBundle, Portal, project_total
from site_builder.model.progress import STATUSES
from site_builder.pipeline.run import Paths, build, check
from tests.conftest import DEMO_DATA, ROOT, run_cli


@pytest.fixture(scope="module")
def portal() -> Portal:
    checked = check(DEMO_DATA, strict=True)
    assert not checked.problems, [p.format() for p in checked.problems]
    assert checked.findings == [], checked.findings  # nothing for the data-quality page either
    assert checked.portal is not None
    return checked.portal


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("demo")
    checked, output = build(Paths(ROOT, DEMO_DATA, tmp / "build"), tmp / "site")
    assert not checked.problems, [p.format() for p in checked.problems] + [output]
    return tmp / "site"


def _plans(portal: Portal) -> dict[int, PlanBundle]:
    return {b.plan.year: b for b in portal.plans}


def test_the_cli_validates_the_demo_with_zero_problems() -> None:
    result = run_cli("validate", "--strict", "--data", str(DEMO_DATA))
    assert result.code == 0, result.err
    assert "점검 결과 0건" in result.out


def test_the_demo_is_obviously_fictional_and_has_a_public_address(portal: Portal) -> None:
    assert portal.site.site_url and "가상" in portal.site.operator and "가상" in (portal.site.description or "")
    assert {b.org.name for b in portal.plans} == {"가상시 (예시 기관)"}
    assert all("예시" in (b.org.kind or "") and "예시" in b.plan.title for b in portal.plans)


def test_two_years_three_levels_three_units_eight_projects_with_budgets_schedules_and_kpis(portal: Portal) -> None:
    plans = _plans(portal)
    assert sorted(plans) == [2024, 2025]
    for year, bundle in plans.items():
        assert len(bundle.plan.levels) == 3 and max(depth for _, depth, _ in bundle.nodes()) == 2, year
        assert len(bundle.plan.units) == 3 and len(bundle.projects) == 8, year
        assert all(p.schedule and p.schedule.year == year for p in bundle.projects), year
        assert all(p.kpis and all({t.year for t in k.targets} == {2024, 2025} for k in p.kpis) for p in bundle.projects), year
        assert sum(project_total(p) is not None and project_total(p) > 0 for p in bundle.projects) >= 7, year  # type: ignore[operator]
    continued = [c for p in plans[2025].projects for c in p.continues]
    assert continued and all(c.startswith("demo-city/2024/") for c in continued)


def test_quarterly_reports_cover_every_status_delay_overspending_sources_and_kpi_results(portal: Portal) -> None:
    plans = _plans(portal)
    assert [str(r.as_of) for r in plans[2024].reports] == ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]
    assert [str(r.as_of) for r in plans[2025].reports] == ["2025-03-31", "2025-06-30"]
    entries = [e for b in plans.values() for r in b.reports for e in r.projects.values()]
    assert {e.status for e in entries} == set(STATUSES)
    assert all(e.delay_reason for e in entries if e.status in ("지연", "보류", "취소"))
    assert any(e.over_budget_reason for e in entries)
    assert any(e.executed_by_source for e in entries) and any(e.kpi_results for e in entries)
    latest = {s for b in plans.values() for p in b.projects if (found := b.latest(p.id)) for s in [found[1].status]}
    assert {"완료", "지연", "보류", "취소", "추진 중"} <= latest  # what the pages show now, not only in the record


def test_the_demo_builds_every_page_and_download(site: Path) -> None:
    for path in ("index.html", "demo-city/2024/index.html", "demo-city/2025/index.html", "demo-city/2024/projects/park/index.html",
                 "demo-city/2025/projects/sidewalk-2/index.html", "demo-city/2024/units/welfare/index.html", "downloads/demo-city-2024.json"):
        assert (site / path).is_file(), path
    doc = json.loads((site / "downloads/demo-city-2024.json").read_bytes())
    assert len(doc["progress"]) == 4


def test_make_demo_builds_the_examples_into_site_demo() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "demo:" in makefile and "--data examples/data --site-dir site-demo" in makefile
    assert "/site-demo/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "make demo" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_demo_file_points_its_editor_at_the_committed_schema() -> None:
    kinds = {"site.yaml": "site", "org.yaml": "organisation", "plan.yaml": "plan"}
    for path in sorted(DEMO_DATA.rglob("*.yaml")):
        kind = kinds.get(path.name, {"projects": "project", "progress": "progress"}.get(path.parent.name, ""))
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("=", 1)[1]).resolve() == (ROOT / "schema" / f"{kind}.schema.json").resolve(), path
