"""Small lookups the templates use (kept out of templates so they stay declarative)."""

from __future__ import annotations

from typing import Any

from ..model import Irregularity, Kpi, KpiTarget, Project, StrategyNode
from ..model.portal import (
    PlanBundle,
    bundle_node,
    by_category,
    by_funding,
    by_node,
    by_unit,
    node_projects,
    plan_total,
    project_period,
    project_title,
    sort_projects,
    sum_total,
)
from ..model.schema import reference_markdown
from .chart import bar_chart

KIND_NAMES = {
    "typo": "오탈자", "title_variant": "제목 표기 차이", "count": "개수 불일치", "sum": "합계 불일치",
    "formula": "산출식 불일치", "year": "연도 불일치", "layout": "표·배치", "missing": "누락",
    "placeholder": "빈 틀", "duplicate": "중복", "other": "기타",
}


def percent(part: int, whole: int) -> str:
    """`12.3%` (one decimal), or '-' when the whole is zero."""
    return f"{100 * part / whole:.1f}%" if whole else "-"


def irregularities(bundle: PlanBundle) -> list[tuple[Project | None, Irregularity]]:
    """Recorded irregularities of the plan and of its projects, with their owner."""
    rows: list[tuple[Project | None, Irregularity]] = [(None, r) for r in bundle.plan.irregularities]
    rows += [(p, r) for p in bundle.projects for r in p.irregularities]
    return rows


def kpi_columns(kpis: list[Kpi]) -> list[tuple[int, KpiTarget]]:
    """The years of a KPI table in order, each with the first target given for it (its label and kind head the column)."""
    first: dict[int, KpiTarget] = {}
    for kpi in kpis:
        for target in kpi.targets:
            first.setdefault(target.year, target)
    return sorted(first.items(), key=lambda pair: pair[0])


def kpi_cells(kpi: Kpi, columns: list[tuple[int, KpiTarget]]) -> list[KpiTarget | None]:
    """One indicator's target per column year (its first for that year), None where it has none."""
    own: dict[int, KpiTarget] = {}
    for target in kpi.targets:
        own.setdefault(target.year, target)
    return [own.get(year) for year, _ in columns]


def linked_levels(bundle: PlanBundle) -> list[str]:
    """Names of the strategy levels the plan's projects are linked to, top first (what the document sorts them by)."""
    depth = {n.id: d for n, d, _ in bundle.nodes()}
    used = sorted({depth[p.strategy] for p in bundle.projects if p.strategy in depth})
    return [bundle.plan.levels[d].name for d in used if d < len(bundle.plan.levels)]


def nearest_with_projects(bundle: PlanBundle, parents: list[StrategyNode]) -> tuple[StrategyNode, str] | None:
    """The closest ancestor that has projects, with its level name (None when no ancestor has any)."""
    for depth in range(len(parents) - 1, -1, -1):
        if node_projects(bundle, parents[depth]):
            level = bundle.plan.levels[depth].name if depth < len(bundle.plan.levels) else ""
            return parents[depth], level
    return None


def siblings(bundle: PlanBundle, node: StrategyNode, parents: list[StrategyNode]) -> list[StrategyNode]:
    """The other nodes under the same parent (the other top nodes for a top node), in the document's order."""
    pool = parents[-1].children if parents else bundle.plan.strategy
    return [n for n in pool if n.id != node.id]


def chart_maker() -> Any:
    """A chart maker that numbers its charts so ids stay unique on a page."""
    count = {"n": 0}

    def chart(title: str, rows: list[tuple[str, int]], unit: str) -> str:
        count["n"] += 1
        return bar_chart(title, rows, unit, f"chart-{count['n']}")

    return chart


def template_helpers() -> dict[str, Any]:
    """Everything the templates may call."""
    return {
        "bundle_node": bundle_node, "project_title": project_title, "project_period": project_period,
        "sort_projects": sort_projects, "percent": percent, "irregularities": irregularities,
        "sum_total": sum_total, "plan_total": plan_total, "node_projects": node_projects,
        "by_unit_rows": lambda b: [(name, won) for name, won, _ in by_unit(b)],
        "by_node_rows": lambda b, d: [(n.title, won) for n, won, _ in by_node(b, d)],
        "by_funding": by_funding, "by_category": by_category,
        "finding_kind": lambda k: KIND_NAMES.get(k, k), "reference_markdown": reference_markdown,
        "kpi_columns": kpi_columns, "kpi_cells": kpi_cells,
        "linked_levels": linked_levels, "nearest_with_projects": nearest_with_projects, "siblings": siblings,
    }
