"""Redaction stage: validated portal → portal with everything marked 비공개 taken out.

Runs between validation and page planning. Pages, search index, downloads, feed and nav are all
made from the redacted portal, so nothing marked 비공개 can reach them by a forgotten filter.
Grounds are 「공공기관의 정보공개에 관한 법률」 제9조제1항 각 호 (1–8); the internal `reason`
notes are dropped here too. What stays of a whole-withheld project is its id, number, unit,
strategy, group and year links, so counts and navigation stay true; its amount leaves every total.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any, ForwardRef, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel

from ..model import Block, Catalogue, FieldWithholding, Irregularity, Overview, Plan, Project, StrategyNode, Withholding
from ..model.portal import PlanBundle, Portal
from ..model.progress import ProgressReport, ProjectProgress

NOTICE = "비공개 (제9조제1항제{ground}호)"
M = TypeVar("M")
_KEPT = ("id", "number", "unit", "strategy", "group", "continues")  # what a whole-withheld project keeps
_NODE_KEPT = ("id", "code", "title", "declared_count", "source")  # a withheld strategy node keeps its place in the tree


def notice(ground: int) -> str:
    """`비공개 (제9조제1항제5호)`: what the site shows where withheld content would be."""
    return NOTICE.format(ground=ground)


def field_grounds(project: Project) -> dict[str, int]:
    """Withheld field name → ground (the first entry wins when a field is listed twice)."""
    grounds: dict[str, int] = {}
    for entry in project.withheld_fields:
        grounds.setdefault(entry.field, entry.ground)
    return grounds


def withheld_ground(project: Project, name: str) -> int | None:
    """The ground a field of a (redacted) project is withheld on, or None if it is published."""
    if project.withheld is not None:
        return project.withheld.ground
    return field_grounds(project).get(name)


def redact_project(project: Project, whole: int | None = None, fields: dict[str, int] | None = None) -> Project:
    """The project with withheld content removed; `whole`/`fields` add marks to the project's own."""
    whole = project.withheld.ground if project.withheld else whole
    if whole is not None:
        kept = {name: getattr(project, name) for name in _KEPT}
        return Project(**kept, title=notice(whole), withheld=Withholding(ground=whole))
    grounds = {**(fields or {}), **field_grounds(project)}
    if not grounds:
        return redact_blocks(project)
    update: dict[str, object] = {name: Project.model_fields[name].get_default(call_default_factory=True) for name in grounds}
    if "budget" in grounds and "overview" not in grounds and project.overview:  # the amount must not survive in 소요예산
        update["overview"] = _without_amounts(project.overview, grounds["budget"])
    update["withheld_fields"] = [FieldWithholding(field=name, ground=g) for name, g in sorted(grounds.items())]  # type: ignore[arg-type]
    return redact_blocks(project.model_copy(update=update))


def redact_blocks(value: M) -> M:
    """`value` with every block marked 비공개 cut down to its heading and its ground (any depth)."""
    if isinstance(value, Block) and value.withheld is not None:
        return Block(heading=value.heading, withheld=Withholding(ground=value.withheld.ground))  # type: ignore[return-value]
    if isinstance(value, BaseModel):
        update = {name: new for name in _block_fields(type(value)) if (new := redact_blocks(getattr(value, name))) is not getattr(value, name)}
        return value.model_copy(update=update) if update else value
    if isinstance(value, list):
        items = [redact_blocks(v) for v in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value  # type: ignore[return-value]
    return value


@functools.cache
def _block_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Fields of a model that can hold a Block at some depth; the others cannot carry a 비공개 mark and are not walked."""
    return tuple(name for name, info in model.model_fields.items() if _may_hold_block(info.annotation, set()))


def _may_hold_block(annotation: Any, seen: set[type]) -> bool:
    """Whether a field type can contain a Block (unknown or loose types count as yes)."""
    if get_origin(annotation) is Literal:
        return False
    if annotation is Any or isinstance(annotation, str | ForwardRef):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if issubclass(annotation, Block):
            return True
        if annotation in seen:  # a cycle adds nothing new
            return False
        seen.add(annotation)
        return any(_may_hold_block(info.annotation, seen) for info in annotation.model_fields.values())
    return any(_may_hold_block(arg, seen) for arg in get_args(annotation))


def _without_amounts(overview: Overview, ground: int) -> Overview:
    """사업개요 with its budget lines' text replaced by the notice."""
    items = [i.model_copy(update={"text": notice(ground), "body": None}) if i.kind == "budget" else i for i in overview.items]
    return overview.model_copy(update={"items": items})


def redact_nodes(nodes: list[StrategyNode]) -> list[StrategyNode]:
    """Strategy nodes with the content of those marked 비공개 taken out (any depth); their place in the tree stays."""
    out = []
    for node in nodes:
        children = redact_nodes(node.children)
        if node.withheld is not None:
            kept = {name: getattr(node, name) for name in _NODE_KEPT}
            node = StrategyNode(**kept, withheld=Withholding(ground=node.withheld.ground))
        out.append(node.model_copy(update={"children": children}) if children is not node.children else node)
    return out if any(a is not b for a, b in zip(out, nodes, strict=True)) else nodes


def _redact_plan(plan: Plan, withheld: dict[str, int]) -> Plan:
    """Blocks and strategy nodes marked 비공개, and catalogue entries and irregularities naming a withheld project."""
    plan = redact_blocks(plan)
    if (nodes := redact_nodes(plan.strategy)) is not plan.strategy:
        plan = plan.model_copy(update={"strategy": nodes})
    plan = _without_internal_lists(plan, set(withheld) | _withheld_node_ids(plan.strategy))
    if not withheld:
        return plan
    catalogues = [_redact_catalogue(c, withheld) for c in plan.catalogues]
    irregularities = [_redact_irregularity(r, withheld) for r in plan.irregularities]
    return plan.model_copy(update={"catalogues": catalogues, "irregularities": irregularities})


def _without_internal_lists(plan: Plan, hidden: set[str]) -> Plan:
    """No acknowledged personal-data values (they may come from internal notes), and no acknowledged finding about withheld content.

    A finding id names what it is about after its kind (`title:<id>:<variant text>`), so an acknowledged id of a withheld
    project or node would publish that project's text in the plan's JSON.
    """
    acknowledged = [a for a in plan.acknowledged if a.split(":")[1:2] == [] or a.split(":")[1] not in hidden]
    if not plan.acknowledged_personal_data and acknowledged == plan.acknowledged:
        return plan
    return plan.model_copy(update={"acknowledged": acknowledged, "acknowledged_personal_data": []})


def _withheld_node_ids(nodes: list[StrategyNode]) -> set[str]:
    """Ids of the strategy nodes marked 비공개, at any depth."""
    return {n.id for n in nodes if n.withheld is not None} | {i for n in nodes for i in _withheld_node_ids(n.children)}


def _redact_catalogue(catalogue: Catalogue, withheld: dict[str, int]) -> Catalogue:
    """Entries pointing at a withheld project lose their text (it is the project's title)."""
    entries = [e.model_copy(update={"text": notice(withheld[e.project])}) if e.project in withheld else e for e in catalogue.entries]
    return catalogue.model_copy(update={"entries": entries})


def _redact_irregularity(irregularity: Irregularity, withheld: dict[str, int]) -> Irregularity:
    """An irregularity about a withheld project may quote it: its description becomes the notice."""
    ground = next((withheld[r] for r in irregularity.refs if r in withheld), None)
    if ground is None:
        return irregularity
    return irregularity.model_copy(update={"description": notice(ground), "source": None})


def redact_bundle(bundle: PlanBundle) -> PlanBundle:
    """One plan with its withheld projects and fields removed."""
    withheld = {p.id: p.withheld.ground for p in bundle.projects if p.withheld}
    projects = [redact_project(p) for p in bundle.projects]
    hidden = {p.id: _report_fields(p) for p in bundle.projects if _report_fields(p)}
    reports = [_redact_report(r, set(withheld), hidden) for r in bundle.reports] if withheld or hidden else bundle.reports
    return dataclasses.replace(bundle, plan=_redact_plan(bundle.plan, withheld), projects=projects, reports=reports)


# What a progress entry says about a project field: withheld with that field (spending tells the budget, the reason for
# overspending quotes amounts, results tell the indicators, finished items name the schedule's activities).
_REPORT_FIELDS = {"budget": ("executed", "executed_by_source", "over_budget_reason"), "kpis": ("kpi_results",), "schedule": ("done",)}


def _report_fields(project: Project) -> dict[str, object]:
    """The progress entry fields to empty for this project's withheld fields (nothing when none is withheld)."""
    grounds = field_grounds(project)
    return {name: ProjectProgress.model_fields[name].get_default(call_default_factory=True)
            for field, names in _REPORT_FIELDS.items() if field in grounds for name in names}


def _redact_report(report: ProgressReport, whole: set[str], hidden: dict[str, dict[str, object]]) -> ProgressReport:
    """A progress report without the entries of withheld projects, nor what an entry says about a withheld field."""
    entries = {pid: e.model_copy(update=hidden[pid]) if pid in hidden else e for pid, e in report.projects.items() if pid not in whole}
    return report.model_copy(update={"projects": entries})


def redact_portal(portal: Portal) -> Portal:
    """The portal as it may be published: every page, index and download is made from this."""
    if _LAST and _LAST[0][0] is portal and _LAST[0][2] == _shape(portal):  # a build asks twice (pages, then the nav)
        return _LAST[0][1]
    redacted = Portal(portal.site, [redact_bundle(b) for b in portal.plans], portal.outline)
    _LAST[:] = [(portal, redacted, _shape(portal))]
    return redacted


_LAST: list[tuple[Portal, Portal, tuple[int, ...]]] = []


def _shape(portal: Portal) -> tuple[int, ...]:
    """Identities of the portal's parts: a portal changed in place is redacted again."""
    return (id(portal.site), *(id(part) for b in portal.plans for part in (b, b.plan, *b.projects)))


def withheld_count(projects: Sequence[Project]) -> int:
    """How many of these (redacted) projects are withheld as a whole."""
    return sum(1 for p in projects if p.withheld is not None)


def money_withheld_count(projects: Sequence[Project]) -> int:
    """How many of these (redacted) projects have their amount withheld (whole project or `budget`)."""
    return sum(1 for p in projects if withheld_ground(p, "budget") is not None)


def lineage_marks(versions: Sequence[Project | None]) -> tuple[int | None, dict[str, int]]:
    """Marks over every version of one project file: once withheld, withheld in all its history."""
    whole: int | None = None
    fields: dict[str, int] = {}
    for project in versions:
        if project is None:
            continue
        if project.withheld and whole is None:
            whole = project.withheld.ground
        for name, ground in field_grounds(project).items():
            fields.setdefault(name, ground)
    return whole, fields
