"""Progress reports against their plan: dates, projects, amounts, schedule items and indicators that exist.

Each report is already a valid ProgressReport (types, statuses, percentages); these checks need the plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..base.problem import Problem
from ..load.source import SourceFile
from ..model import Project
from ..model.money import format_in_unit
from ..model.portal import PlanBundle, project_total
from ..model.progress import ProjectProgress
from .references import problem_at


def progress_problems(bundles: list[PlanBundle]) -> list[Problem]:
    """Every problem of every plan's progress reports."""
    return [problem for bundle in bundles for problem in _plan_problems(bundle)]


def _plan_problems(bundle: PlanBundle) -> Iterator[Problem]:
    """One plan's reports: each against the plan, and no two entries for one project on one date."""
    projects = {p.id: p for p in bundle.projects}
    doubled = {i for i, n in Counter(p.id for p in bundle.projects).items() if n > 1}
    seen: dict[tuple[str, str], str] = {}
    for report, source in zip(bundle.reports, bundle.report_files, strict=True):
        if report.as_of.year < bundle.plan.year:
            yield problem_at(source, ("as_of",), "as_of", "기준일이 계획 연도보다 앞섭니다", f"{bundle.plan.year}-01-01 이후", str(report.as_of))
        for project_id, entry in report.projects.items():
            where = ("projects", project_id)
            if project_id in doubled or (project_id not in projects and project_id in bundle.declared_ids):
                continue  # its own file did not validate, or its id is doubled: that error is shown, this one would only repeat it
            if project_id not in projects:
                known = ", ".join(sorted(projects)[:12])
                yield problem_at(source, where, f"projects.{project_id}", "계획에 없는 사업입니다", f"이 계획의 사업 id ({known} …)", f"`{project_id}`")
                continue
            key = (project_id, str(report.as_of))
            if key in seen:
                yield problem_at(source, where, f"projects.{project_id}", f"같은 기준일의 진행 상황이 다른 파일에도 있습니다: {seen[key]}", "기준일마다 한 번", str(report.as_of))
            seen.setdefault(key, source.display)
            yield from _entry_problems(bundle, source, projects[project_id], entry)


def _entry_problems(bundle: PlanBundle, source: SourceFile, project: Project, entry: ProjectProgress) -> Iterator[Problem]:
    """One project's entry: spending within its budget, known schedule items and indicators."""
    base, field = ("projects", project.id), f"projects.{project.id}"
    budget, unit = project_total(project), bundle.plan.money_unit
    spent = entry.executed.won if entry.executed else None
    if spent is not None and budget is not None and spent > budget and not entry.over_budget_reason:
        yield problem_at(source, base + ("executed",), f"{field}.executed", "집행액이 예산보다 많습니다 (까닭을 over_budget_reason에 적으세요)",
                  f"예산 {format_in_unit(budget, unit)}{unit} 이하", entry.executed.raw if entry.executed else "")
    by_source = sum(s.amount.won or 0 for s in entry.executed_by_source)
    if spent is not None and by_source > spent:
        yield problem_at(source, base + ("executed_by_source",), f"{field}.executed_by_source", "재원별 집행액의 합이 집행액보다 큽니다",
                  f"{spent:,}원 이하", f"{by_source:,}원")
    labels = {row.label for row in (project.schedule.rows if project.schedule else [])}
    for i, item in enumerate(entry.done):
        if item not in labels:
            yield problem_at(source, base + ("done", i), f"{field}.done[{i}]", "사업의 추진계획에 없는 항목입니다",
                             _listed(labels, "추진계획 활동 이름", "추진계획 표"), f'"{item}"')
    indicators = {k.indicator for k in project.kpis}
    for i, result in enumerate(entry.kpi_results):
        if result.indicator not in indicators:
            yield problem_at(source, base + ("kpi_results", i, "indicator"), f"{field}.kpi_results[{i}].indicator", "사업의 성과지표에 없는 지표입니다",
                      _listed(indicators, "성과지표 이름", "성과지표"), f'"{result.indicator}"')


def _listed(names: set[str], what: str, kind: str) -> str:
    """`<what> 그대로: A, B, C`, or that the project has no such `kind` at all."""
    return f"{what} 그대로: " + ", ".join(sorted(names)) if names else f"이 사업에는 {kind}가 없습니다"

