"""Budget totals computed from the data: per project, unit, strategy node, funding source and 세목."""

from __future__ import annotations

from collections import OrderedDict
from decimal import ROUND_HALF_EVEN, Decimal

from ..check.findings import project_total
from ..model import Project, StrategyNode
from ..model.portal import PlanBundle, walk_nodes

NO_FUNDING = "재원 미기재"
NO_CATEGORY = "세목 미기재(내역 없음)"


def sum_total(projects: list[Project]) -> int:
    """Sum of the projects' totals in 원 (비예산 and unknown count as 0)."""
    return sum(project_total(p) or 0 for p in projects)


def plan_total(bundle: PlanBundle) -> int:
    """The plan's total: the sum over all its projects."""
    return sum_total(bundle.projects)


def descendant_ids(node: StrategyNode) -> set[str]:
    """Ids of a node and all nodes under it."""
    return {n.id for n, _, _ in walk_nodes([node], 0, [])}


def node_projects(bundle: PlanBundle, node: StrategyNode) -> list[Project]:
    """Projects linked to a node or to any node under it."""
    ids = descendant_ids(node)
    return [p for p in bundle.projects if p.strategy in ids]


def by_unit(bundle: PlanBundle) -> list[tuple[str, int, int]]:
    """(unit name, total 원, project count) per unit, in the plan's unit order."""
    rows = []
    for unit in bundle.plan.units:
        ps = [p for p in bundle.projects if p.unit == unit.id]
        rows.append((unit.name, sum_total(ps), len(ps)))
    rest = [p for p in bundle.projects if p.unit is None]
    if rest:
        rows.append(("부서 미지정", sum_total(rest), len(rest)))
    return rows


def by_node(bundle: PlanBundle, depth: int) -> list[tuple[StrategyNode, int, int]]:
    """(node, total 원, project count) for every node at one depth."""
    return [(n, sum_total(node_projects(bundle, n)), len(node_projects(bundle, n))) for n, d, _ in bundle.nodes() if d == depth]


def _shares(project: Project, total: int) -> list[tuple[str, int]]:
    """How one project's total splits over funding sources, exact to the 원."""
    funding = project.budget.funding if project.budget else []
    if not funding:
        return [(NO_FUNDING, total)]
    out, left = [], total
    for i, share in enumerate(funding):
        if share.amount and share.amount.won is not None:
            part = share.amount.won
        elif share.share_pct is not None:
            part = int((Decimal(total) * share.share_pct / 100).quantize(Decimal(1), ROUND_HALF_EVEN))
        else:
            part = 0
        part = left if i == len(funding) - 1 and share.amount is None and share.share_pct is None else part
        out.append((share.source, part))
        left -= part
    return out


def by_funding(bundle: PlanBundle) -> list[tuple[str, int]]:
    """(funding source, total 원), sources in first-seen order."""
    sums: OrderedDict[str, int] = OrderedDict()
    for project in bundle.projects:
        total = project_total(project)
        if not total:
            continue
        for source, part in _shares(project, total):
            sums[source] = sums.get(source, 0) + part
    return list(sums.items())


def by_category(bundle: PlanBundle) -> list[tuple[str, int]]:
    """(세목, total 원) over all budget lines; projects without lines count under 미기재."""
    sums: OrderedDict[str, int] = OrderedDict()
    for project in bundle.projects:
        lines = [ln for ln in (project.budget.lines if project.budget else []) if ln.kind == "line"]
        current = None
        for ln in lines:
            current = (ln.category or current or NO_CATEGORY).strip()
            if ln.amount and ln.amount.won is not None:
                sums[current] = sums.get(current, 0) + ln.amount.won
        if not lines and project_total(project):
            sums[NO_CATEGORY] = sums.get(NO_CATEGORY, 0) + (project_total(project) or 0)
    return sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
