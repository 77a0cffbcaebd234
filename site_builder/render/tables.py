"""Data the project tables carry for sorting and filtering in the browser (content/assets/tables.js)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from ..model import Project
from ..model.money import UNIT_FACTORS
from ..model.portal import PlanBundle, bundle_node, is_non_budget, project_period, project_total, sort_projects

_START = re.compile(r"(\d{4})\s*[.년]\s*(\d{1,2})")
_END = re.compile(r"~\s*(?:(\d{4})\s*[.년]\s*)?(\d{1,2})")
_DIGITS = re.compile(r"\d+")
_STRONG = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")


def parse_period(text: str | None) -> tuple[str, str] | None:
    """(`YYYY-MM`, `YYYY-MM`) of a 사업기간 such as `2024. 1 ~ 12월` or `2022년 4월 ~ 11월`; None when unreadable."""
    start = _START.search(text or "")
    if not start:
        return None
    year, month = int(start.group(1)), int(start.group(2))
    end = _END.search(text or "", start.end())
    end_year, end_month = (int(end.group(1) or year), int(end.group(2))) if end else (year, month)
    if not (1 <= month <= 12 and 1 <= end_month <= 12):
        return None
    return f"{year:04d}-{month:02d}", f"{end_year:04d}-{end_month:02d}"


def escape_with_strong(value: Any) -> str:
    """HTML-escaped text in which the source's `**굵게**` marks are shown bold (the data keeps them verbatim)."""
    text = html.escape("" if value is None else str(value), quote=True)
    return _STRONG.sub(r"<strong>\1</strong>", text) if "**" in text else text  # most lines have no bold: no regex call


def natural_key(text: str | None) -> str:
    """A string that sorts like the number it contains (`2-10` after `2-9`)."""
    return _DIGITS.sub(lambda m: m.group(0).zfill(6), text or "")


def qualified(bundle: PlanBundle, ident: str | None) -> str:
    """A plan-scoped id made portal-unique: `<org>/<year>:<id>` ('' for none)."""
    return f"{bundle.key}:{ident}" if ident else ""


def _node_chain(bundle: PlanBundle, node_id: str | None) -> list[str]:
    """The node and all its ancestors, qualified."""
    chain = bundle.node_chains.get(node_id) if node_id is not None else None
    return [qualified(bundle, n.id) for n in chain] if chain else []


def row_data(bundle: PlanBundle, project: Project) -> dict[str, str]:
    """`data-*` values of one table row: plan, unit, node chain, budget in 원, period months."""
    total = project_total(project)
    period = parse_period(project_period(project))
    return {
        "plan": bundle.key, "unit": qualified(bundle, project.unit), "node": " ".join(_node_chain(bundle, project.strategy)),
        "budget": str(total) if total is not None else ("0" if is_non_budget(project) else ""),
        "start": period[0] if period else "", "end": period[1] if period else "",
    }


def facets(bundles: list[PlanBundle]) -> str:
    """JSON of the filter options (plans, units, strategy nodes with depth) for the tables of a page."""
    data: dict[str, list[Any]] = {"plans": [], "units": [], "nodes": []}
    for b in bundles:
        data["plans"].append([b.key, f"{b.org.name} {b.plan.year}년"])
        data["units"] += [[qualified(b, u.id), u.name, b.key] for u in b.plan.units]
        data["nodes"] += [[qualified(b, n.id), f"{n.code} {n.title}" if n.code else n.title, d, b.key] for n, d, _ in b.nodes()]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def unit_factor(unit: str) -> int:
    """원 per display unit (천원 → 1000)."""
    return UNIT_FACTORS[unit]


def with_bundle(projects: list[Project], bundle: PlanBundle) -> list[tuple[PlanBundle, Project]]:
    """(plan, project) pairs, the rows of a project table."""
    return [(bundle, p) for p in projects]


def table_facets(rows: list[tuple[PlanBundle, Project]]) -> str:
    """Filter options for the plans that appear in a table's rows."""
    seen: dict[str, PlanBundle] = {}
    for bundle, _ in rows:
        seen.setdefault(bundle.key, bundle)
    bundles = list(seen.values())
    return _plan_facets(bundles[0]) if len(bundles) == 1 else facets(bundles)


# Every project table of a plan's pages carries the same options (1,641 tables of 40 plans at 2,000 projects): made
# once per bundle object, kept with it so a reused id never matches; bounded, as `serve` renders again and again.
_FACETS: dict[int, tuple[PlanBundle, str]] = {}


def _plan_facets(bundle: PlanBundle) -> str:
    """`facets` of one plan, remembered."""
    known = _FACETS.get(id(bundle))
    if known is None or known[0] is not bundle:
        if len(_FACETS) >= 4096:
            _FACETS.clear()
        known = _FACETS[id(bundle)] = (bundle, facets([bundle]))
    return known[1]


def all_rows(bundles: list[PlanBundle]) -> list[tuple[PlanBundle, Project]]:
    """Every project of the portal, plans by key, projects in unit and number order."""
    return [(b, p) for b in sorted(bundles, key=lambda b: b.key) for p in sort_projects(b.projects, b)]


class RegionLabels:
    """Names for the scrollable table regions of one page, made unique (`표`, `표 (2)`) as landmarks must be."""

    def __init__(self) -> None:
        """Start a page with no names used."""
        self.seen: dict[str, int] = {}

    def __call__(self, label: str) -> str:
        """The label, numbered from its second use on the page."""
        self.seen[label] = self.seen.get(label, 0) + 1
        return label if self.seen[label] == 1 else f"{label} ({self.seen[label]})"


# The optional columns of a project table, in order, with their header words.
OPTIONAL_COLUMNS = {"plan": "계획", "unit": "부서", "node": "전략"}


def _column_values(rows: list[tuple[PlanBundle, Project]], column: str) -> set[str]:
    """The distinct non-empty values of one optional column over the rows."""
    if column == "plan":
        return {b.key for b, _ in rows}
    if column == "unit":
        return {qualified(b, p.unit) for b, p in rows if p.unit and p.unit in b.unit_by_id}
    return {qualified(b, p.strategy) for b, p in rows if p.strategy and bundle_node(b, p.strategy)}


def project_columns(rows: list[tuple[PlanBundle, Project]], show_plan: bool, hide: tuple[str, ...] = ()) -> list[str]:
    """The optional columns a project table shows: not those the page names already (`hide`), none always empty.

    The plan column is shown only on tables that mix plans (`show_plan`); a column with no value in any row says
    nothing and only takes width from the budget and period.
    """
    wanted = [c for c in OPTIONAL_COLUMNS if c not in hide and (c != "plan" or show_plan)]
    return [c for c in wanted if _column_values(rows, c)]


def progress_columns(rows: list[tuple[PlanBundle, Project]]) -> bool:
    """Whether a project table shows the 상태 and 집행률 columns: only when a plan of its rows has progress reports.

    A table of plans without any would show `보고 없음` in every row.
    """
    return any(bundle.reports for bundle, _ in rows)


def template_helpers() -> dict[str, Any]:
    """What the table macros call."""
    return {"unit_factor": unit_factor, "with_bundle": with_bundle, "table_facets": table_facets,
            "all_rows": all_rows, "project_columns": project_columns, "optional_columns": OPTIONAL_COLUMNS,
            "progress_columns": progress_columns}
