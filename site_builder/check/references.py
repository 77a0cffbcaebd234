"""Cross-reference checks: ids unique, references resolve, files named after their ids."""

from __future__ import annotations

from collections.abc import Iterable

from ..base.problem import Problem
from ..load.source import Path_, SourceFile
from ..model import Kpi, Project, Schedule
from ..model.portal import PlanBundle


def problem_at(source: SourceFile, loc: Path_, field: str, message: str, expected: str, found: str) -> Problem:
    """A problem positioned at `loc` in `source` (shared with the other cross-checks)."""
    line, col = source.position(loc)
    return Problem(source.display, line, col, field, message, expected, found)


_KOREAN = {"strategy": "전략 노드", "units": "부서", "project_groups": "사업 묶음", "irregularities": "원문 오류·불일치 기록"}


def _duplicates(source: SourceFile, items: Iterable[tuple[str, Path_]], what: str) -> list[Problem]:
    """Report ids that appear twice in one list (`what` is the list's field name)."""
    seen: dict[str, Path_] = {}
    out = []
    for ident, loc in items:
        if ident in seen:
            first = source.position(seen[ident])[0]
            message = f"{_KOREAN.get(what, what)} 식별자가 겹칩니다 (처음: {first}번째 줄)"
            out.append(problem_at(source, loc + ("id",), f"{what}[{ident}].id", message, "서로 다른 식별자", f"`{ident}`"))
        else:
            seen[ident] = loc
    return out


def _node_locs(bundle: PlanBundle) -> list[tuple[str, Path_, int]]:
    """(id, location, depth) of every strategy node, with its YAML location."""
    out: list[tuple[str, Path_, int]] = []

    def walk(nodes: list, loc: Path_, depth: int) -> None:
        for i, node in enumerate(nodes):
            out.append((node.id, loc + (i,), depth))
            walk(node.children, loc + (i, "children"), depth + 1)

    walk(bundle.plan.strategy, ("strategy",), 0)
    return out


def _plan_problems(bundle: PlanBundle) -> list[Problem]:
    """Checks inside plan.yaml: unique ids, depth within the declared levels, directory names."""
    src, plan = bundle.plan_file, bundle.plan
    nodes = _node_locs(bundle)
    problems = _duplicates(src, [(i, loc) for i, loc, _ in nodes], "strategy")
    problems += _duplicates(src, [(u.id, ("units", i)) for i, u in enumerate(plan.units)], "units")
    problems += _duplicates(src, [(g.id, ("project_groups", i)) for i, g in enumerate(plan.project_groups)], "project_groups")
    problems += _duplicates(src, [(r.id, ("irregularities", i)) for i, r in enumerate(plan.irregularities)], "irregularities")
    for ident, loc, depth in nodes:
        if depth >= len(plan.levels):
            problems.append(problem_at(src, loc, f"strategy[{ident}]", "전략 체계가 선언한 단계보다 깊습니다", f"최대 {len(plan.levels)}단계 (levels)", f"{depth + 1}단계"))
    if src.path.parent.name != str(plan.year):
        problems.append(problem_at(src, ("year",), "year", "계획 연도가 폴더 이름과 다릅니다", f"폴더 `{src.path.parent.name}`", str(plan.year)))
    if src.path.parent.parent.name != bundle.org.id:
        org = bundle.org_file
        problems.append(problem_at(org, ("id",), "id", "기관 id가 폴더 이름과 다릅니다", f"`{src.path.parent.parent.name}`", f"`{bundle.org.id}`"))
    return problems


def _ref(source: SourceFile, loc: Path_, field: str, value: str | None, known: set[str], what: str) -> list[Problem]:
    """A reference that must name an existing id."""
    if value is None or value in known:
        return []
    listed = ", ".join(sorted(known)[:12]) or "(없음)"
    return [problem_at(source, loc, field, f"{what} 식별자를 찾을 수 없습니다", "있는 식별자: " + listed, f"`{value}`")]


def _project_problems(bundle: PlanBundle, all_projects: set[str]) -> list[Problem]:
    """Checks of each project file: id = file name, references resolve, ids unique."""
    plan = bundle.plan
    units = {u.id for u in plan.units}
    nodes = {i for i, _, _ in _node_locs(bundle)}
    groups = {g.id for g in plan.project_groups}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for project, src in zip(bundle.projects, bundle.sources, strict=True):
        if project.id in seen:
            problems.append(problem_at(src, ("id",), "id", f"사업 식별자가 겹칩니다 (처음: {seen[project.id]})", "서로 다른 식별자", f"`{project.id}`"))
        seen[project.id] = src.display
        if src.path.stem != project.id:
            problems.append(problem_at(src, ("id",), "id", "파일 이름과 id가 다릅니다", f"`{src.path.stem}`", f"`{project.id}`"))
        problems += _ref(src, ("unit",), "unit", project.unit, units, "부서")
        problems += _schedule_problems(src, project.schedule) + _kpi_problems(src, project.kpis, ("kpis",))
        problems += _ref(src, ("strategy",), "strategy", project.strategy, nodes, "전략 노드")
        problems += _ref(src, ("group",), "group", project.group, groups, "사업 묶음")
        for i, other in enumerate(project.continues):
            problems += _ref(src, ("continues", i), f"continues[{i}]", other, all_projects, "다른 해 사업")
        problems += _withheld_twice(src, project)
    return problems


def _withheld_twice(source: SourceFile, project: Project) -> list[Problem]:
    """A field listed twice under `withheld_fields` (which ground applies would be unclear)."""
    first: dict[str, int] = {}
    out = []
    for i, entry in enumerate(project.withheld_fields):
        if entry.field in first:
            line = source.position(("withheld_fields", first[entry.field]))[0]
            out.append(problem_at(source, ("withheld_fields", i, "field"), f"withheld_fields[{i}].field",
                           f"같은 항목이 비공개로 두 번 적혀 있습니다 (처음: {line}번째 줄)", "항목마다 한 번", f"`{entry.field}`"))
        first.setdefault(entry.field, i)
    return out


_PERIODS = {"month": (12, "월"), "quarter": (4, "분기")}


def _schedule_problems(src: SourceFile, schedule: Schedule | None) -> list[Problem]:
    """Schedule marks name a month 1–12 (or a quarter 1–4); `13` or `5` is a typo."""
    if schedule is None:
        return []
    last, word = _PERIODS[schedule.unit]
    out = []
    for r, row in enumerate(schedule.rows):
        for m, mark in enumerate(row.marks):
            if not 1 <= mark <= last:
                loc: Path_ = ("schedule", "rows", r, "marks", m)
                out.append(problem_at(src, loc, f"schedule.rows[{r}].marks[{m}]", f"{word} 번호가 범위를 벗어났습니다", f"1–{last} ({word})", str(mark)))
    return out


def _kpi_problems(src: SourceFile, kpis: list[Kpi], base: Path_) -> list[Problem]:
    """Each indicator has one target (and one result) per year."""
    out = []
    for k, kpi in enumerate(kpis):
        seen: set[tuple[int, str]] = set()
        for t, target in enumerate(kpi.targets):
            if (target.year, target.kind) in seen:
                field = f"{'.'.join(map(str, base))}[{k}].targets[{t}].year"
                out.append(problem_at(src, base + (k, "targets", t, "year"), field, "같은 연도의 값이 두 번 있습니다", "연도마다 하나 (목표·실적 각각)", str(target.year)))
            seen.add((target.year, target.kind))
    return out


def _catalogue_problems(bundle: PlanBundle) -> list[Problem]:
    """Catalogue entries must point at existing projects and strategy nodes."""
    src = bundle.plan_file
    projects = {p.id for p in bundle.projects} | bundle.declared_ids
    nodes = {i for i, _, _ in _node_locs(bundle)}
    problems: list[Problem] = []
    for c, cat in enumerate(bundle.plan.catalogues):
        for e, entry in enumerate(cat.entries):
            loc: Path_ = ("catalogues", c, "entries", e)
            crumb = f"catalogues[{cat.id}].entries[{e}]"
            problems += _ref(src, loc + ("project",), crumb + ".project", entry.project, projects, "사업")
            problems += _ref(src, loc + ("strategy",), crumb + ".strategy", entry.strategy, nodes, "전략 노드")
    return problems


def check_references(bundles: list[PlanBundle]) -> list[Problem]:
    """All cross-file checks over every plan."""
    all_projects = {f"{b.key}/{i}" for b in bundles for i in {p.id for p in b.projects} | b.declared_ids}
    problems: list[Problem] = []
    keys: dict[str, str] = {}
    for bundle in bundles:
        if bundle.key in keys:
            problems.append(Problem(bundle.plan_file.display, 1, 1, "year", "같은 기관·연도의 계획이 두 번 있습니다", "기관·연도마다 하나", keys[bundle.key]))
        keys[bundle.key] = bundle.plan_file.display
        problems += _plan_problems(bundle) + _project_problems(bundle, all_projects) + _catalogue_problems(bundle)
    return problems
