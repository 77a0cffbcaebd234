"""The portal's nouns and their derived values: the portal, its plans (bundles), node and project lookups, periods, budget totals.

One memo scheme: what a plan derives is a `cached_property` of its bundle; what a project derives is remembered per
project object (`_per_project`): validated projects are never changed (redaction makes new ones).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from ..load.source import SourceFile
from .documents import Organisation, Plan, Project, SiteConfig, StrategyNode, Unit
from .money import Money, MoneyError, parse_money
from .progress import ProgressReport, ProjectProgress

T = TypeVar("T")


@dataclass
class PlanBundle:
    """A validated plan with its organisation, projects and the files they came from."""

    org: Organisation
    plan: Plan
    projects: list[Project]
    plan_file: SourceFile
    org_file: SourceFile
    sources: list[SourceFile] = field(default_factory=list)
    # Ids of every project file, valid or not, so one broken file does not cause follow-on errors.
    declared_ids: set[str] = field(default_factory=set)
    reports: list[ProgressReport] = field(default_factory=list)  # progress reports, oldest as-of date first
    report_files: list[SourceFile] = field(default_factory=list)  # the file of each report, in the same order
    documents: list[Path] = field(default_factory=list)  # the plan's official files (data/<org>/<year>/documents/)

    @cached_property
    def progress(self) -> dict[str, list[tuple[ProgressReport, ProjectProgress]]]:
        """Each project's progress entries, oldest first (the last one is how it stands now)."""
        found: dict[str, list[tuple[ProgressReport, ProjectProgress]]] = {}
        for report in self.reports:
            for project_id, entry in report.projects.items():
                found.setdefault(project_id, []).append((report, entry))
        return found

    def latest(self, project_id: str) -> tuple[ProgressReport, ProjectProgress] | None:
        """The newest progress entry of a project (None when no report names it)."""
        entries = self.progress.get(project_id)
        return entries[-1] if entries else None

    @cached_property  # looked up once per project page and finding: computed once per bundle
    def project_files(self) -> dict[str, SourceFile]:
        """Source file of each project id (the first file wins when ids collide)."""
        files: dict[str, SourceFile] = {}
        for project, source in zip(self.projects, self.sources, strict=True):
            files.setdefault(project.id, source)
        return files

    @cached_property
    def node_by_id(self) -> dict[str, StrategyNode]:
        """Strategy nodes by id, the first wins when ids collide (templates look nodes up per table row)."""
        found: dict[str, StrategyNode] = {}
        for node, _, _ in self.nodes():
            found.setdefault(node.id, node)
        return found

    @cached_property
    def project_by_id(self) -> dict[str, Project]:
        """Projects by id (the first wins when ids collide)."""
        found: dict[str, Project] = {}
        for project in self.projects:
            found.setdefault(project.id, project)
        return found

    @property
    def key(self) -> str:
        """`<org>/<year>`, the plan's address."""
        return f"{self.org.id}/{self.plan.year}"

    def nodes(self) -> Iterator[tuple[StrategyNode, int, list[StrategyNode]]]:
        """Every strategy node with its depth (0 = top) and its ancestors."""
        return iter(self._walked)

    @cached_property
    def _walked(self) -> list[tuple[StrategyNode, int, list[StrategyNode]]]:
        """The strategy tree walked once (tables ask for it per row)."""
        return list(walk_nodes(self.plan.strategy, 0, []))

    @cached_property
    def node_chains(self) -> dict[str, list[StrategyNode]]:
        """Node id → the node's ancestors and the node itself, top first (the first node wins when ids collide)."""
        chains: dict[str, list[StrategyNode]] = {}
        for node, _, parents in self.nodes():
            chains.setdefault(node.id, parents + [node])
        return chains

    @cached_property
    def total(self) -> int:
        """The plan's total in 원: the sum over all its projects (a published bundle of assemble's may carry it instead of their budgets)."""
        return sum_total(self.projects)

    @cached_property
    def unit_by_id(self) -> dict[str, Unit]:
        """Units by id (the first wins when ids collide)."""
        found: dict[str, Unit] = {}
        for unit in self.plan.units:
            found.setdefault(unit.id, unit)
        return found


def walk_nodes(nodes: list[StrategyNode], depth: int, parents: list[StrategyNode]) -> Iterator[tuple[StrategyNode, int, list[StrategyNode]]]:
    """Depth-first walk of a strategy tree."""
    for node in nodes:
        yield node, depth, parents
        yield from walk_nodes(node.children, depth + 1, parents + [node])


@dataclass(frozen=True)
class PlanOutline:
    """What every build knows of a plan, a shard of other organisations' plans too (org.yaml, plan.yaml, project file names)."""

    key: str
    org_name: str
    year: int
    title: str
    projects: int

    @classmethod
    def of(cls, bundle: PlanBundle) -> PlanOutline:
        """The outline of a plan (a shard knows other organisations' projects by their file names only)."""
        count = max(len(bundle.projects), len(bundle.declared_ids))
        return cls(bundle.key, bundle.org.name, bundle.plan.year, bundle.plan.title, count)


@dataclass
class Portal:
    """The whole validated data set."""

    site: SiteConfig
    plans: list[PlanBundle]
    # A part of a portal (a shard's own plans): every plan of the whole portal. None: `plans` are the whole portal.
    outline: tuple[PlanOutline, ...] | None = None

    def only(self, orgs: Collection[str]) -> Portal:
        """The portal with just these organisations' plans (a shard's own), knowing the whole portal's outline."""
        return Portal(self.site, [b for b in self.plans if b.org.id in orgs], self.whole())

    def whole(self) -> tuple[PlanOutline, ...]:
        """Every plan of the whole portal, by key (a shard's portal: other organisations' plans too)."""
        if self.outline is not None:
            return self.outline
        return tuple(sorted((PlanOutline.of(b) for b in self.plans), key=lambda o: o.key))

    def project_count(self) -> int:
        """How many projects the whole portal has: the rows of its all-projects table and downloads."""
        return sum(o.projects for o in self.whole())


def project_period(project: Project) -> str | None:
    """The 사업기간 text of a project, if the 사업개요 states one."""
    for item in project.overview.items if project.overview else []:
        if item.kind == "period":
            return item.text
    return None


def _per_project(compute: Callable[[Project], T]) -> Callable[[Project], T]:
    """Remember `compute(project)` per project object: tables, charts and sums ask again ~80 times per project."""
    memo: dict[int, tuple[Project, T]] = {}  # id → (project, value): the project is kept so a reused id never matches another

    @functools.wraps(compute)
    def remembered(project: Project) -> T:
        known = memo.get(id(project))
        if known is not None and known[0] is project:
            return known[1]
        if len(memo) > 50_000:  # bounded: `serve` rebuilds again and again
            memo.clear()
        value = compute(project)
        memo[id(project)] = (project, value)
        return value

    return remembered


def bundle_node(bundle: PlanBundle, node_id: str | None) -> StrategyNode | None:
    """The strategy node with this id, or None."""
    return bundle.node_by_id.get(node_id) if node_id is not None else None


def project_title(bundle: PlanBundle, project_id: str) -> str:
    """Title of a project by id ('' when unknown)."""
    project = bundle.project_by_id.get(project_id)
    return project.title if project else ""


def _number_key(project: Project) -> tuple[int, str]:
    """Sort key: the printed number as a number when it is one."""
    digits = "".join(ch for ch in (project.number or "") if ch.isdecimal())  # `³` is a digit int() cannot read
    return (int(digits) if digits else 10**6, project.id)


def sort_projects(projects: list[Project], bundle: PlanBundle) -> list[Project]:
    """Projects in unit order, then by their printed number."""
    order = {u.id: i for i, u in enumerate(bundle.plan.units)}
    return sorted(projects, key=lambda p: (order.get(p.unit or "", len(order)), _number_key(p)))


@_per_project
def _stated_money(project: Project) -> Money | None:
    """The 소요예산 line of the 사업개요 read as money, else the amount stated with the title (None when absent or unreadable)."""
    items = project.overview.items if project.overview else []
    text = next((item.text for item in items if item.kind == "budget"), None)
    return _read_stated(text) if text is not None else project.stated_budget


def _read_stated(text: str) -> Money | None:
    """A 소요예산 text as money (None when it is free text)."""
    try:
        return parse_money(text)
    except MoneyError:  # a free-text budget line is shown as written, just not summed
        return None


def stated_budget(project: Project) -> int | None:
    """The 소요예산 the document states for a project, in 원 (None if none or 비예산)."""
    money = _stated_money(project)
    return money.won if money else None


def is_non_budget(project: Project) -> bool:
    """True when the document says the project has no budget (비예산)."""
    money = _stated_money(project)
    return bool(money and money.non_budget)


def lines_total(project: Project) -> int | None:
    """Sum of the budget lines (kind `line`), or None without lines."""
    if not project.budget:
        return None
    amounts = [ln.amount.won for ln in project.budget.lines if ln.kind == "line" and ln.amount and ln.amount.won is not None]
    return sum(amounts) if amounts else None


@_per_project
def project_total(project: Project) -> int | None:
    """The amount used in totals: the lines' sum when there are lines, else the stated budget."""
    computed = lines_total(project)
    return computed if computed is not None else stated_budget(project)


NO_FUNDING = "재원 미기재"
NO_CATEGORY = "세목 미기재(내역 없음)"


def sum_total(projects: list[Project]) -> int:
    """Sum of the projects' totals in 원 (비예산 and unknown count as 0)."""
    return sum(project_total(p) or 0 for p in projects)


def plan_total(bundle: PlanBundle) -> int:
    """The plan's total: the sum over all its projects."""
    return bundle.total


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
