"""How the plan is going, as open data: each project row's progress columns and the per-plan KPI rows.

Everything comes from the redacted bundle: a withheld project has no progress entry left and a withheld budget no
spending, so what is not published is an empty cell here too.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..model import Project
from ..model.portal import PlanBundle, project_total
from ..model.progress import KpiResult, ProgressReport, ProjectProgress

EMPTY_PROGRESS = {"status": "", "status_as_of": "", "progress_pct": "", "executed_won": "", "execution_rate_pct": "",
                  "executed_by_source": "", "over_budget_reason": "", "delay_reason": "", "progress_summary": ""}


def number(value: Decimal) -> int | float:
    """A percentage as a JSON number: whole numbers stay integers (`45`, not `45.0`)."""
    return int(value) if value == value.to_integral_value() else float(value)


def execution_rate(executed: int | None, budget: int | None) -> int | float | str:
    """집행률: spending ÷ budget × 100 to one decimal (half up), or empty without a budget or spending."""
    if executed is None or not budget:
        return ""
    return number((Decimal(executed) * 100 / Decimal(budget)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def by_source(entry: ProjectProgress) -> str:
    """`국비 52,100,000원; 시비 52,100,000원`: spending per funding source in 원 (empty when not given)."""
    return "; ".join(f"{s.source} {s.amount.won:,}원" for s in entry.executed_by_source if s.amount.won is not None)


def progress_values(bundle: PlanBundle, project: Project) -> dict[str, Any]:
    """The progress columns of a project row, from the newest report that names the project (all empty without one)."""
    found = bundle.latest(project.id)
    if found is None:
        return dict(EMPTY_PROGRESS)
    report, entry = found
    executed = entry.executed.won if entry.executed else None
    return {
        "status": entry.status, "status_as_of": report.as_of.isoformat(),
        "progress_pct": number(entry.progress_pct) if entry.progress_pct is not None else "",
        "executed_won": executed if executed is not None else "", "execution_rate_pct": execution_rate(executed, project_total(project)),
        "executed_by_source": by_source(entry), "over_budget_reason": entry.over_budget_reason or "",
        "delay_reason": entry.delay_reason or "", "progress_summary": entry.summary or "",
    }


def latest_results(bundle: PlanBundle, project_id: str) -> dict[str, tuple[ProgressReport, KpiResult]]:
    """Indicator → its newest result in this plan's reports, with the report it came from."""
    found: dict[str, tuple[ProgressReport, KpiResult]] = {}
    for report, entry in bundle.progress.get(project_id, []):  # oldest first: a later report overwrites
        for result in entry.kpi_results:
            found[result.indicator] = (report, result)
    return found


def kpi_rows(bundle: PlanBundle) -> list[dict[str, Any]]:
    """One row per project indicator and year: the target, and the result with its date (the KPI download)."""
    rows = []
    for project in bundle.projects:
        results = latest_results(bundle, project.id)
        for kpi in project.kpis:
            reported = results.get(kpi.indicator)
            years = dict.fromkeys([t.year for t in kpi.targets] + ([bundle.plan.year] if reported else []))
            for year in years:
                target = next((t.value for t in kpi.targets if t.year == year and t.kind == "target"), "")
                stated = next((t.value for t in kpi.targets if t.year == year and t.kind == "result"), "")
                row = {"plan": bundle.key, "project_id": project.id, "project": project.title, "indicator": kpi.indicator,
                       "unit": kpi.unit or "", "year": year, "target": target, "result": stated, "result_note": "", "as_of": ""}
                if reported and year == bundle.plan.year:
                    report, result = reported
                    row |= {"result": result.value, "result_note": result.note or "", "as_of": report.as_of.isoformat()}
                rows.append(row)
    return rows
