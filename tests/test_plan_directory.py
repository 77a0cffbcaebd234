"""The plan directory (plan/directory.py): above PLAN_LIST_MAX plans the portal-wide plan lists become pages of PLAN_PAGE_SIZE."""

from __future__ import annotations

import pytest

from site_builder.model.portal import PlanBundle
from site_builder.pipeline.run import check
from site_builder.plan import directory
from site_builder.plan.directory import directory_paths, plan_directory
from tests.conftest import DEMO_DATA, FIXTURE_DATA


def _bundles() -> list[PlanBundle]:
    plans: list[PlanBundle] = []
    for data in (FIXTURE_DATA, DEMO_DATA):
        portal = check(data).portal
        assert portal is not None
        plans += portal.plans
    return plans


def test_few_plans_have_no_directory() -> None:
    assert plan_directory(_bundles()) == [] and directory_paths(directory.PLAN_LIST_MAX) == []


def test_the_directory_pages_hold_every_plan_once_by_organisation_then_year(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(directory, "PLAN_LIST_MAX", 1)
    monkeypatch.setattr(directory, "PLAN_PAGE_SIZE", 2)
    bundles = _bundles()
    pages = plan_directory(bundles)
    assert [p.path for p in pages] == directory_paths(len(bundles)) == ["plans/1.md", "plans/2.md"]
    keys = [b.key for p in pages for b in p.bundles]
    assert keys == sorted(b.key for b in bundles) and len(set(keys)) == len(bundles) == 3
    assert [p.title for p in pages] == ["계획 목록 1/2쪽", "계획 목록 2/2쪽"]
    assert pages[0].span == pages[0].bundles[0].org.name  # one organisation's two years
    assert pages[0].projects == sum(len(b.projects) for b in pages[0].bundles)
