"""Consistency findings: checks official documents often fail, reported but never blocking by default."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..base.problem import Finding
from ..model import Project
from ..model.money import UNIT_FACTORS, format_in_unit
from ..model.portal import PlanBundle, Portal, lines_total, stated_budget

_FACTOR = r"\d[\d,]*(?:\.\d+)?"
_FORMULA = re.compile(
    rf"(?P<first>{_FACTOR})\s*(?P<unit>천원|만원|백만원|원)?(?P<rest>(?:\s*[×xX*]\s*{_FACTOR}[^\d×xX*=]*)+)"
)
_TIMES = re.compile(rf"[×xX*]\s*({_FACTOR})")


def formula_value(basis: str) -> int | None:
    """Product of a 산출내역 formula such as `4.4천원×500명×6월`, in 원 (None if not a formula)."""
    m = _FORMULA.search(basis)
    if not m:
        return None
    value = Decimal(m.group("first").replace(",", "")) * UNIT_FACTORS.get(m.group("unit") or "원", 1)
    if not m.group("unit") and "천원" in basis:
        value *= 1000  # a formula inside a 천원 table with a bare first factor is read in 천원
    for factor in _TIMES.findall(m.group("rest")):
        value *= Decimal(factor.replace(",", ""))
    return int(value.to_integral_value())


def _budget_findings(bundle: PlanBundle, project: Project) -> Iterator[Finding]:
    """Lines vs stated total, and each formula vs its amount."""
    unit, source = bundle.plan.money_unit, bundle.project_files[project.id]
    src = source.display
    stated, computed = stated_budget(project), lines_total(project)
    if stated is not None and computed is not None and stated != computed:
        yield Finding(f"budget-sum:{project.id}", bundle.key, "sum",
                      f"{project.title}: 예산 내역 합계 {format_in_unit(computed, unit)}{unit} ≠ 소요예산 {format_in_unit(stated, unit)}{unit}", src,
                      source.position(("budget",))[0])
    for i, line in enumerate(project.budget.lines if project.budget else []):
        if not (line.basis and line.amount and line.amount.won is not None) or line.kind != "line":
            continue
        product = formula_value(line.basis)
        if product is not None and abs(product - line.amount.won) >= 1000 and not _multi_formula(line.basis):
            yield Finding(f"formula:{project.id}:{i + 1}", bundle.key, "formula",
                          f"{project.title}: 산출내역 `{line.basis}` = {format_in_unit(product, unit)}{unit} ≠ 금액 {line.amount.raw}", src,
                          source.position(("budget", "lines", i))[0])


def _multi_formula(basis: str) -> bool:
    """Cells holding several formulas cannot be checked as one product."""
    return len(re.findall(r"[×xX*]", basis)) > 3 or basis.count("=") > 1


def _count_findings(bundle: PlanBundle) -> Iterator[Finding]:
    """Declared counts (levels, catalogues, per node) vs what the data holds."""
    plan, src = bundle.plan, bundle.plan_file.display
    depth_counts: dict[int, int] = {}
    for _node, depth, _ in bundle.nodes():
        depth_counts[depth] = depth_counts.get(depth, 0) + 1
    for depth, level in enumerate(plan.levels):
        actual = depth_counts.get(depth, 0)
        if level.declared_count is not None and level.declared_count != actual:
            yield Finding(f"count-level:{depth + 1}", bundle.key, "count", f"{level.name}: 원문 {level.declared_count}개, 데이터 {actual}개", src,
                          bundle.plan_file.position(("levels", depth))[0])
    for cat in plan.catalogues:
        linked = {e.project for e in cat.entries if e.project}
        if cat.declared_total is not None and cat.declared_total != len(cat.entries):
            yield Finding(f"count-catalogue:{cat.id}", bundle.key, "count", f"{cat.title}: 원문 {cat.declared_total}개, 목록 {len(cat.entries)}개", src,
                          bundle.plan_file.line_of_id(cat.id))
        if cat.declared_total is not None and len(bundle.projects) != cat.declared_total:
            missing = sorted(p.id for p in bundle.projects if p.id not in linked)
            yield Finding(f"count-projects:{cat.id}", bundle.key, "count",
                          f"{cat.title}: 원문 {cat.declared_total}개, 사업 {len(bundle.projects)}개 (목록에 없는 사업: {', '.join(missing) or '없음'})", src,
                          bundle.plan_file.line_of_id(cat.id))
    yield from _node_count_findings(bundle)


def _node_count_findings(bundle: PlanBundle) -> Iterator[Finding]:
    """A node's declared project count vs the projects linked to it."""
    for node, _depth, _ in bundle.nodes():
        if node.declared_count is None:
            continue
        actual = sum(1 for p in bundle.projects if p.strategy == node.id)
        if actual != node.declared_count:
            yield Finding(f"count-node:{node.id}", bundle.key, "count", f"{node.title}: 원문 ({node.declared_count})개, 연결된 사업 {actual}개",
                          bundle.plan_file.display, bundle.plan_file.line_of_id(node.id))


def _variant_findings(bundle: PlanBundle) -> Iterator[Finding]:
    """Title variants of the same node or project."""
    for node, _, _ in bundle.nodes():
        for v in node.title_variants:
            yield Finding(f"title:{node.id}:{v.text}", bundle.key, "title_variant", f"{node.title} ↔ {v.text} ({v.where})",
                          bundle.plan_file.display, bundle.plan_file.line_of_id(node.id))
    for project in bundle.projects:
        for v in project.title_variants:
            yield Finding(f"title:{project.id}:{v.text}", bundle.key, "title_variant", f"{project.title} ↔ {v.text} ({v.where})", bundle.project_files[project.id].display)


def _schedule_findings(bundle: PlanBundle, project: Project) -> Iterator[Finding]:
    """A schedule grid headed with another year than the plan's."""
    sched = project.schedule
    if sched and sched.year is not None and sched.year != bundle.plan.year:
        yield Finding(f"schedule-year:{project.id}", bundle.key, "year",
                      f"{project.title}: 추진계획 표의 연도 {sched.year_label or sched.year} ≠ 계획 연도 {bundle.plan.year}", bundle.project_files[project.id].display)
    if sched and any(r.mark_outside for r in sched.rows):
        yield Finding(f"schedule-outside:{project.id}", bundle.key, "layout", f"{project.title}: 추진계획 표의 기간 밖 칸에 ■ 표시", bundle.project_files[project.id].display)


def plan_findings(bundle: PlanBundle) -> list[Finding]:
    """All findings of one plan, acknowledged ones marked."""
    found: list[Finding] = list(_count_findings(bundle)) + list(_variant_findings(bundle))
    for project in bundle.projects:
        found += list(_budget_findings(bundle, project)) + list(_schedule_findings(bundle, project))
    acknowledged = set(bundle.plan.acknowledged)
    return [Finding(f.id, f.plan, f.kind, f.message, f.file, f.line, f.id in acknowledged) for f in found]


def portal_findings(portal: Portal) -> list[Finding]:
    """Findings of every plan."""
    return [f for bundle in portal.plans for f in plan_findings(bundle)]
