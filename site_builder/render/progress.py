"""How a plan is going, for the pages: status counts, budget against spending, KPI results, delays, history.

Everything here reads the progress reports (`PlanBundle.reports`, already redacted); a plan without reports gets
empty values and the templates say so in words. Nothing is estimated: a number shown is a number reported.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import Kpi, Project
from ..model.money import format_in_unit
from ..model.portal import PlanBundle, Portal, node_projects, project_total, sum_total
from ..model.progress import STATUSES, ProgressReport, ProjectProgress

NO_REPORT = "보고 없음"
# ASCII class names for the status badges (site.css gives each its colour; the word itself is always shown).
STATUS_CLASSES = {"예정": "planned", "추진 중": "ongoing", "완료": "done", "지연": "delayed", "보류": "onhold", "취소": "cancelled", NO_REPORT: "none"}
BEHIND = ("지연", "보류")  # the statuses listed as delayed items on the plan page
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_LOWER_IS_BETTER = re.compile(r"이하|이내|미만|감소|단축")


def status_of(bundle: PlanBundle, project_id: str) -> str:
    """The project's status in its newest report, or `보고 없음`."""
    latest = bundle.latest(project_id)
    return latest[1].status if latest else NO_REPORT


def status_order(status: str) -> int:
    """Sort position of a status (the order of the data format, `보고 없음` last)."""
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def status_badge(status: str) -> str:
    """The status word in a badge: the word carries the meaning, the colour only repeats it."""
    return f'<span class="status status-{STATUS_CLASSES.get(status, "none")}">{status}</span>'


def pct_text(value: Decimal | float | None) -> str:
    """`40%`, `39.1%`, or '-' for none."""
    if value is None:
        return "-"
    number = Decimal(str(value)).quantize(Decimal("0.1"))
    return f"{number.normalize():f}%" if number == number.to_integral_value() else f"{number:f}%"


def execution_rate(executed: int | None, budget: int | None) -> Decimal | None:
    """Executed as a percentage of the budget (one decimal), None when either is unknown or the budget is zero."""
    if executed is None or not budget:
        return None
    return (Decimal(100) * executed / budget).quantize(Decimal("0.1"))


def latest_executed(bundle: PlanBundle, project: Project) -> int | None:
    """Spending to date of a project in its newest report that states one (None when none does)."""
    for _, entry in reversed(bundle.progress.get(project.id, [])):
        if entry.executed is not None and entry.executed.won is not None:
            return entry.executed.won
    return None


def project_rate(bundle: PlanBundle, project: Project) -> Decimal | None:
    """The project's 집행률 from its newest reported spending."""
    return execution_rate(latest_executed(bundle, project), project_total(project))


def newest(bundle: PlanBundle) -> ProgressReport | None:
    """The plan's newest report."""
    return bundle.reports[-1] if bundle.reports else None


def status_counts(bundle: PlanBundle) -> list[tuple[str, int]]:
    """(status, projects) for every status present, in the data format's order, `보고 없음` last."""
    counts: dict[str, int] = {}
    for project in bundle.projects:
        status = status_of(bundle, project.id)
        counts[status] = counts.get(status, 0) + 1
    return sorted(counts.items(), key=lambda kv: status_order(kv[0]))


def status_sentence(bundle: PlanBundle) -> str:
    """One sentence of the status counts (`사업 3건 가운데 예정 1건, 완료 1건, 지연 1건입니다`)."""
    parts = ", ".join(f"{status} {count}건" for status, count in status_counts(bundle))
    return f"사업 {len(bundle.projects)}건 가운데 {parts}입니다."


@dataclass(frozen=True)
class Spending:
    """Budget against reported spending for a group of projects."""

    label: str
    budget: int
    executed: int
    reported: int  # projects of the group whose spending is reported

    @property
    def rate(self) -> Decimal | None:
        """집행률."""
        return execution_rate(self.executed, self.budget)


def spending(bundle: PlanBundle, label: str, projects: list[Project]) -> Spending:
    """Budget and the sum of the newest reported spending of some projects."""
    spent = [latest_executed(bundle, p) for p in projects]
    return Spending(label, sum_total(projects), sum(s for s in spent if s is not None), sum(s is not None for s in spent))


def spending_rows(bundle: PlanBundle) -> list[Spending]:
    """The whole plan, then each top strategy node (or, with fewer than two, each unit), for the chart and table."""
    groups = _groups(bundle, [(n.title, node_projects(bundle, n)) for n in bundle.plan.strategy], "전략 미지정")
    if len(groups) < 2:
        groups = _groups(bundle, [(u.name, [p for p in bundle.projects if p.unit == u.id]) for u in bundle.plan.units], "부서 미지정")
    rows = [spending(bundle, "계획 전체", bundle.projects)]
    return rows + [spending(bundle, label, projects) for label, projects in groups] if len(groups) > 1 else rows


def _groups(bundle: PlanBundle, named: list[tuple[str, list[Project]]], rest_label: str) -> list[tuple[str, list[Project]]]:
    """The named groups with projects, and the projects in none of them under `rest_label`."""
    seen = {p.id for _, projects in named for p in projects}
    rest = [p for p in bundle.projects if p.id not in seen]
    return [(label, projects) for label, projects in named if projects] + ([(rest_label, rest)] if rest else [])


def spending_sentence(bundle: PlanBundle) -> str:
    """One sentence on budget against spending, with its date."""
    report, whole, unit = newest(bundle), spending(bundle, "", bundle.projects), bundle.plan.money_unit
    if report is None or not whole.reported:
        return "진행 상황 보고에 집행액이 없습니다."
    return (f"{report.as_of.isoformat()} 기준으로 예산 {format_in_unit(whole.budget, unit)}{unit} 가운데 "
            f"{format_in_unit(whole.executed, unit)}{unit}({pct_text(whole.rate)})을 집행했습니다 "
            f"(집행액을 보고한 사업 {whole.reported}건).")


_W, _LABEL, _BAR, _GAP, _VALUE = 400, 17, 14, 12, 150


def _spending_group(i: int, row: Spending, top: int, unit: str) -> str:
    """One group of the chart: the label, the budget bar and the spending bar, each with its words and value."""
    y = i * (_LABEL + 2 * _BAR + 2 + _GAP)
    scale = (_W - _VALUE) / top if top else 0
    budget_w, spent_w = max(1, round(row.budget * scale)), max(1, round(row.executed * scale)) if row.executed else 1
    short = row.label if len(row.label) <= 30 else row.label[:29] + "…"
    budget_text = f"예산 {format_in_unit(row.budget, unit)}{unit}"
    spent_text = f"집행 {format_in_unit(row.executed, unit)}{unit} ({pct_text(row.rate)})" if row.reported else "집행액 보고 없음"
    return (f'<g><text x="0" y="{y + 13}" class="chart-label">{_esc(short)}</text>'
            f'<rect x="0" y="{y + _LABEL}" width="{budget_w}" height="{_BAR}" fill="#c9d8ec" stroke="#1f5fa8" class="bar-budget"></rect>'
            f'<text x="{budget_w + 6}" y="{y + _LABEL + 11}" class="chart-value">{_esc(budget_text)}</text>'
            f'<rect x="0" y="{y + _LABEL + _BAR + 2}" width="{spent_w}" height="{_BAR}" fill="#1f5fa8" class="bar-spent"></rect>'
            f'<text x="{spent_w + 6}" y="{y + _LABEL + _BAR + 2 + 11}" class="chart-value">{_esc(spent_text)}</text></g>')


def _esc(text: str) -> str:
    """HTML-escape for SVG text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def spending_chart(bundle: PlanBundle, chart_id: str = "progress-chart") -> str:
    """A static SVG of budget against spending with a title, a description and the sentence as its caption."""
    rows, unit = spending_rows(bundle), bundle.plan.money_unit
    top = max((max(r.budget, r.executed) for r in rows), default=0)
    height = len(rows) * (_LABEL + 2 * _BAR + 2 + _GAP)
    title, text = "예산과 집행액", spending_sentence(bundle)
    groups = "".join(_spending_group(i, r, top, unit) for i, r in enumerate(rows))
    return (f'<figure class="chart progress-chart"><svg role="img" aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {_W} {height}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" class="bar-chart">'
            f'<title id="{chart_id}-t">{title}</title><desc id="{chart_id}-d">{_esc(text)} 아래 표에 같은 값이 있습니다.</desc>{groups}</svg>'
            f"<figcaption>{_esc(text)}</figcaption></figure>")


def number_in(text: str | None) -> Decimal | None:
    """The first number written in a value (`1,200명` → 1200), None when there is none."""
    found = _NUMBER.search(text or "")
    return Decimal(found.group(0).replace(",", "")) if found else None


def judge(indicator: str, target: str | None, result: str | None) -> str:
    """`목표 달성`, `목표에 못 미침`, or `비교할 수 없음` when either value has no number.

    Higher is better unless the indicator or its target says otherwise (`이하`, `이내`, `감소`, `단축` …).
    """
    goal, got = number_in(target), number_in(result)
    if goal is None or got is None:
        return "비교할 수 없음"
    lower = bool(_LOWER_IS_BETTER.search(f"{indicator} {target}"))
    return "목표 달성" if (got <= goal if lower else got >= goal) else "목표에 못 미침"


def target_for(kpi: Kpi, year: int, kind: str = "target") -> str | None:
    """The KPI's value of one kind for one year (the first given), None when it has none."""
    return next((t.value for t in kpi.targets if t.year == year and t.kind == kind), None)


@dataclass(frozen=True)
class KpiRow:
    """One indicator of one project in one year: its target and result (reported, or stated by the document)."""

    project: Project
    kpi: Kpi
    year: int
    target: str | None
    result: str | None
    note: str | None = None
    as_of: datetime.date | None = None  # the report's date when the result is a reported one

    @property
    def verdict(self) -> str:
        """달성 or not, or no result yet."""
        return judge(self.kpi.indicator, self.target, self.result) if self.result is not None else "실적 보고 없음"


def reported_result(bundle: PlanBundle, project_id: str, indicator: str) -> tuple[ProgressReport, str, str | None] | None:
    """(report, value, note) of the newest report giving this indicator's result."""
    for report, entry in reversed(bundle.progress.get(project_id, [])):
        for result in entry.kpi_results:
            if result.indicator == indicator:
                return report, result.value, result.note
    return None


def kpi_row(bundle: PlanBundle, project: Project, kpi: Kpi, year: int) -> KpiRow:
    """One KPI in one year; for the plan's year a reported result comes before one the document states."""
    found = reported_result(bundle, project.id, kpi.indicator) if year == bundle.plan.year else None
    if found:
        return KpiRow(project, kpi, year, target_for(kpi, year), found[1], found[2], found[0].as_of)
    return KpiRow(project, kpi, year, target_for(kpi, year), target_for(kpi, year, "result"))


def kpi_rows(bundle: PlanBundle, project: Project) -> list[KpiRow]:
    """Each KPI of a project for the plan's year: target, and the reported (or document's) result."""
    return [kpi_row(bundle, project, kpi, bundle.plan.year) for kpi in project.kpis]


def kpi_year_rows(bundle: PlanBundle, project: Project) -> list[KpiRow]:
    """Each KPI of a project, year by year (every year it has a value for, and the plan's year)."""
    rows = []
    for kpi in project.kpis:
        years = sorted({t.year for t in kpi.targets} | {bundle.plan.year})
        rows += [row for row in (kpi_row(bundle, project, kpi, y) for y in years) if row.target is not None or row.result is not None]
    return rows


def plan_kpi_rows(bundle: PlanBundle) -> list[KpiRow]:
    """Every project KPI of the plan that has a result."""
    return [row for p in bundle.projects for row in kpi_rows(bundle, p) if row.result is not None]


def kpi_sentence(bundle: PlanBundle) -> str:
    """How many indicators with results reached their target, and how many have no result yet."""
    rows = plan_kpi_rows(bundle)
    total = sum(len(p.kpis) for p in bundle.projects)
    if not total:
        return "이 계획의 사업에는 성과지표가 없습니다."
    met = sum(r.verdict == "목표 달성" for r in rows)
    behind = sum(r.verdict == "목표에 못 미침" for r in rows)
    other = len(rows) - met - behind
    tail = f", 비교할 수 없는 지표 {other}개" if other else ""
    return (f"사업 성과지표 {total}개 가운데 실적이 보고된 것은 {len(rows)}개입니다: 목표 달성 {met}개, "
            f"목표에 못 미침 {behind}개{tail}.")


def delayed(bundle: PlanBundle) -> list[tuple[Project, ProgressReport, ProjectProgress]]:
    """Projects whose newest status is 지연 or 보류, in the plan's order."""
    found = []
    for project in bundle.projects:
        latest = bundle.latest(project.id)
        if latest and latest[1].status in BEHIND:
            found.append((project, latest[0], latest[1]))
    return found


def done_items(bundle: PlanBundle, project_id: str) -> set[str]:
    """Schedule rows any report lists as done."""
    return {item for _, entry in bundle.progress.get(project_id, []) for item in entry.done}


def org_years(portal: Portal, bundle: PlanBundle) -> list[PlanBundle]:
    """The plans of the bundle's organisation, oldest first (just the bundle when it has one year)."""
    return sorted((b for b in portal.plans if b.org.id == bundle.org.id), key=lambda b: b.plan.year)


def _key(text: str) -> str:
    """Names compared across years with spaces normalised."""
    return " ".join(text.split())


def budget_by_node_years(bundles: list[PlanBundle]) -> list[tuple[str, list[int | None]]]:
    """(top strategy node title, budget per plan year — None where that year has no such node), matched by title.

    Projects linked to no node make a last row, so each column adds up to the plan's total.
    """
    rows: dict[str, list[int | None]] = {}
    unlinked: list[int | None] = []
    for i, b in enumerate(bundles):
        linked: set[str] = set()
        for node in b.plan.strategy:
            projects = node_projects(b, node)
            linked |= {p.id for p in projects}
            rows.setdefault(_key(node.title), [None] * len(bundles))[i] = sum_total(projects)
        rest = [p for p in b.projects if p.id not in linked]
        unlinked.append(sum_total(rest) if rest else None)
    return list(rows.items()) + ([("전략 미지정", unlinked)] if any(w is not None for w in unlinked) else [])


def kpis_by_year(bundles: list[PlanBundle]) -> list[tuple[str, list[tuple[str | None, str | None]]]]:
    """(indicator, (target, result) per plan year): the KPIs of the projects and strategy nodes of every year.

    A year's values come from the newest plan that states them (a later plan gives earlier years' results), and
    the year's own progress reports give its result to date.
    """
    years = [b.plan.year for b in bundles]
    rows: dict[str, list[tuple[str | None, str | None]]] = {}
    for b in bundles:
        for owner, kpi in _plan_kpis(b):
            cells = rows.setdefault(_key(kpi.indicator), [(None, None)] * len(years))
            for t in kpi.targets:
                if t.year in years:
                    i = years.index(t.year)
                    target, result = cells[i]
                    cells[i] = (t.value, result) if t.kind == "target" else (target, t.value)
            found = reported_result(b, owner, kpi.indicator) if owner else None
            if found:
                i = years.index(b.plan.year)
                cells[i] = (cells[i][0], f"{found[1]} ({found[0].as_of.isoformat()} 기준)")
    return list(rows.items())


def _plan_kpis(bundle: PlanBundle) -> list[tuple[str | None, Kpi]]:
    """(project id or None for a strategy node, KPI) for every KPI of a plan."""
    found: list[tuple[str | None, Kpi]] = [(None, k) for n, _, _ in bundle.nodes() for k in n.kpis]
    return found + [(p.id, k) for p in bundle.projects for k in p.kpis]


def history_rows(bundle: PlanBundle, project: Project) -> list[tuple[ProgressReport, ProjectProgress, Decimal | None]]:
    """Every report's entry of a project, oldest first, with its 집행률."""
    total = project_total(project)
    return [(r, e, execution_rate(e.executed.won if e.executed else None, total)) for r, e in bundle.progress.get(project.id, [])]


def template_helpers() -> dict[str, Any]:
    """What the templates call for progress."""
    return {
        "status_of": status_of, "status_badge": status_badge, "status_counts": status_counts, "status_sentence": status_sentence,
        "pct_text": pct_text, "project_rate": project_rate, "newest_report": newest, "spending_rows": spending_rows,
        "spending_chart": spending_chart, "spending_sentence": spending_sentence, "kpi_rows": kpi_rows, "kpi_year_rows": kpi_year_rows,
        "plan_kpi_rows": plan_kpi_rows, "kpi_sentence": kpi_sentence, "delayed": delayed, "done_items": done_items,
        "org_years": org_years, "budget_by_node_years": budget_by_node_years, "kpis_by_year": kpis_by_year,
        "history_rows": history_rows, "status_order": status_order, "no_report": NO_REPORT,
    }
