"""The numbered-outline layout: any plan of the genre → strategy tree, projects and their blocks, from its own numbering profile."""

from __future__ import annotations

import re
from typing import Any

from . import diagram
from . import evidence as ev
from . import sections as sc
from . import tables as tb
from .draft import Draft, draft_org, guess_year
from .lines import Line, read_lines, source
from .link import walk
from .outline import front_matter
from .profile import Item, Profile, build
from .roles import Roles, carries, decide, is_frame


def make_genre_draft(text: str, file_name: str, org_id: str, year: int | None = None) -> Draft:
    """Draft a plan from its numbering profile: chapters, strategy nodes, projects and their template blocks."""
    lines = read_lines(text)
    cover, toc, body = front_matter(lines)
    profile = build(body)
    roles = decide(profile)
    d = Draft(plan={}, lines=lines)
    d.state["roles"] = roles
    _head(d, cover or profile.prefix, file_name, org_id, year)
    if cover or toc:
        d.plan.setdefault("sections", []).append(sc.block("표지·목차", cover + toc))
    if any(ln.kind != "blank" for ln in profile.prefix) and not _is_single(profile, roles):
        d.plan.setdefault("sections", []).append(sc.generic(None, profile.prefix, None, d.ledger, "계획 sections"))
    _body(d, roles, profile, diagram.find(body))
    _levels(d, lines)
    _units(d)
    _money_unit(d)
    return d


def _body(d: Draft, roles: Roles, profile: Profile, groups: list[diagram.Group]) -> None:
    """The plan's structure: from the diagram table, as one project, or item by item."""
    if groups and _weak(profile, roles):
        _diagram(d, roles, profile, groups)
    elif _is_single(profile, roles):
        _single(d, roles, profile)
    else:
        for root in profile.roots:
            _root(d, roles, root)


def _diagram(d: Draft, roles: Roles, profile: Profile, groups: list[diagram.Group]) -> None:
    """The diagram table's strategies and tasks as the strategy tree; the numbered text stays plan sections."""
    d.plan["sections"] = d.plan.get("sections", []) + [_section(d, r) for r in profile.roots]
    d.plan["strategy"] = [_diagram_node(g, k) for k, g in enumerate(groups, start=1)]
    placed = {ln.no for g in groups for ln in [g.line, *(t for _, t in g.tasks)]}
    d.ledger.generic = [(no, where) for no, where in d.ledger.generic if no not in placed]
    roles.why.append("전략 체계: 문서의 추진전략 체계도 표에서 읽음 (본문 번호에는 사업 근거가 없음)")


def _money_unit(d: Draft) -> None:
    """Show money in the unit the document states its amounts in most (백만원 for most ministries, 천원 for agencies)."""
    units = [u for n in [*walk(d.plan.get("strategy", [])), *d.projects.values()] if (m := MONEY_UNIT.search(str(n.get("stated_budget", ""))))
             for u in [m.group(1)]]
    if units:
        d.plan["money_unit"] = max(set(units), key=units.count)


MONEY_UNIT = re.compile(r"(억원|백만원|천원|만원|원)$")


def _is_single(profile: Profile, roles: Roles) -> bool:
    """A one-project plan (추진계획): its outermost numbered parts are the blocks of a project (목적, 개요, 일정 …)."""
    top = [r.kind for r in profile.roots]
    if not top:
        return False
    chapters_only = top.count("chapter") >= 2 and not roles.blocks
    return roles.project is None or max(set(top), key=top.count) in roles.blocks or (chapters_only and _weak(profile, roles))


def _single(d: Draft, roles: Roles, profile: Profile) -> None:
    """The whole document as one project titled as the plan; its outermost parts become its blocks."""
    project: dict[str, Any] = {"id": "p1", "title": d.plan["title"], "source": source(d.lines)}
    amount = next((a for ln in profile.prefix for a in ev.amounts(ln.text)), None)
    if amount:
        project["stated_budget"] = amount.raw
    blocks = [(Line(r.head.no, r.head.text, "section"), [ln for ln in r.all_lines() if ln is not r.head]) for r in profile.roots]
    project["contacts"] = _owners(profile.prefix + [r.head for r in profile.roots])
    _prefix(d, project, [ln for ln in profile.prefix if ln.stripped != d.plan["title"]])
    sc.fill_project(project, blocks, d.ledger)
    d.projects["p1"] = project
    roles.why.append("사업 1개짜리 계획: 바깥 단계가 목적·개요·일정 같은 블록입니다")


def _weak(profile: Profile, roles: Roles) -> bool:
    """True when the would-be projects carry little evidence of being projects (a press release, a notice, a one-project plan)."""
    items = profile.by_kind().get(roles.project or "", [])
    return not items or sum(carries(i) for i in items) / len(items) < WEAK


# Below this average of evidence kinds per item (amount, period, owner, schedule), a level is not a list of projects.
WEAK = 0.5


def _diagram_node(group: diagram.Group, position: int) -> dict[str, Any]:
    """A strategy node and its task nodes from one row group of the diagram table (ids by position)."""
    node: dict[str, Any] = {"id": f"s{position}", "title": group.title, "code": group.code}
    if group.short:
        node["title_variants"] = [{"text": group.short, "where": "추진전략 체계도 약칭", "source": {"lines": str(group.line.no)}}]
    node["children"] = [{"id": f"s{position}-{k}", "title": m.title, "code": m.glyph, "source": {"lines": str(line.no)}}
                        for k, (m, line) in enumerate(group.tasks, start=1)]
    node["source"] = source([group.line, *(ln for _, ln in group.tasks)])
    return node


def _head(d: Draft, top: list[Line], file_name: str, org_id: str, year: int | None) -> None:
    """Year, title, source document and a draft organisation."""
    texts = [ln.stripped for ln in top if ln.kind != "blank"][:12]
    title = next((t for t in texts if "계획" in t or "전략" in t), texts[0] if texts else "업무계획")
    d.plan.update({"year": year or guess_year(d.lines), "title": title, "source_documents": [{"file": file_name, "title": title}]})
    d.org = draft_org(top[:12], org_id)


def printed_number(glyph: str) -> str:
    """A marker as its number is printed, without dots, brackets and spaces (`가.` → `가`, `(1)` → `1`, `Ⅲ.` → `Ⅲ`)."""
    return re.sub(r"[.．()（）\s]", "", glyph)


def _has_projects(item: Item, roles: Roles) -> bool:
    """True when an item holds project items."""
    return any(i.kind == roles.project for i in item.walk())


def _root(d: Draft, roles: Roles, root: Item) -> None:
    """One outermost item: a frame chapter → plan section; a chapter of tasks → its strategy nodes or a project group."""
    if not _has_projects(root, roles) or (root.kind == roles.chapter and is_frame(root) and root.kind != roles.project):
        d.plan.setdefault("sections", []).append(_section(d, root))
        return
    if root.kind == roles.project:
        _project(d, roles, root, {})
    elif root.kind == roles.chapter:
        _chapter(d, roles, root)
    else:
        d.plan.setdefault("strategy", []).append(_node(d, roles, root, ""))


def _chapter(d: Draft, roles: Roles, chapter: Item) -> None:
    """A chapter of tasks: its strategy nodes, or (projects right under it) a project group."""
    d.plan.setdefault("sections", []).append(sc.generic(chapter.head.stripped, chapter.lines, chapter.head, d.ledger, "계획 sections"))
    gid = f"g{len(d.plan.get('project_groups', [])) + 1}"
    for child in chapter.children:
        if child.kind == roles.project:
            if not any(g["id"] == gid for g in d.plan.get("project_groups", [])):
                d.plan.setdefault("project_groups", []).append({"id": gid, "title": chapter.marker.title, "number": chapter.marker.glyph.rstrip(".")})
            _project(d, roles, child, {"group": gid})
        elif _has_projects(child, roles):
            d.plan.setdefault("strategy", []).append(_node(d, roles, child, ""))
        else:
            d.plan.setdefault("sections", []).append(_section(d, child))


def _code(parent: str, position: int) -> str:
    """An id path by position among siblings: the same whichever glyphs (①, 󰊱, 가.) the document numbers with."""
    return f"{parent}-{position}" if parent else str(position)


def _node(d: Draft, roles: Roles, item: Item, parent: str) -> dict[str, Any]:
    """A strategy node from a numbered item; its project items become projects linked to it."""
    code = _unique(d, _code(parent, _position(d, parent)), "node")
    node: dict[str, Any] = {"id": f"s{code}", "title": item.marker.title, "code": printed_number(item.marker.glyph)}
    amount = ev.title_amount(item.marker.title)
    if amount:
        node["stated_budget"] = amount.raw
    rest, found = tb.group_tables(item.lines)
    node["body"] = sc.body_text(rest)
    kpi_table = next((t for t in found if tb.kpis(t)), None)
    if kpi_table is not None:
        node["kpi_header"], node["kpis"] = tb.kpis(kpi_table)  # type: ignore[misc]
    node["tables"] = [tb.generic_table(t) for t in found if t is not kpi_table]
    node["children"] = []
    for child in item.children:
        if child.kind == roles.project:
            _project(d, roles, child, {"strategy": node["id"]})
        elif _has_projects(child, roles) and child.kind in roles.strategy:
            node["children"].append(_node(d, roles, child, code))
        else:
            node["body"] = (node["body"] or "") + (sc.body_text(child.all_lines()) or "")
    node["source"] = source(item.all_lines())
    return {k: v for k, v in node.items() if v not in (None, [], "")}


def _position(d: Draft, parent: str) -> int:
    """The next position among a parent's children."""
    seen = d.state.setdefault("seen", {})
    seen[parent] = seen.get(parent, 0) + 1
    return int(seen[parent])


def _unique(d: Draft, code: str, space: str) -> str:
    """A code not used before in this id space (a repeated number gets the next free suffix)."""
    used = d.state.setdefault(f"used_{space}", set())
    out, n = code, 2
    while out in used:
        out, n = f"{code}-{n}", n + 1
    used.add(out)
    return out


def _project(d: Draft, roles: Roles, item: Item, link: dict[str, str]) -> None:
    """One project: title, number, stated amount, owners, then its template blocks and tables as fields."""
    number = printed_number(item.marker.glyph) if item.marker.ordinal else None
    parent = link.get("strategy", "s")[1:] or link.get("group", "")
    pid = "p" + _unique(d, _code(parent, _position(d, f"p{parent}")), "project")
    project: dict[str, Any] = {"id": pid, "title": item.marker.title, **link, "source": source(item.all_lines())}
    if number:
        project["number"] = number
    amount = ev.title_amount(item.marker.title) or _labelled_amount(item)
    if amount:
        project["stated_budget"] = amount.raw
    elif re.search(r"[(\[]\s*비\s*예\s*산\s*[)\]]", item.marker.title):
        project["stated_budget"] = "비예산"
    blocks, prefix = _blocks(item, roles)
    project["contacts"] = _owners(item.all_lines())
    _prefix(d, project, prefix)
    sc.fill_project(project, blocks, d.ledger)
    d.projects[pid] = project


def _labelled_amount(item: Item) -> ev.Amount | None:
    """An amount on a labelled budget line of the item (`사업비: 57억원`, `(예산) 618백만원`)."""
    for line in item.all_lines():
        if re.search(r"예\s*산|사\s*업\s*비|소요\s*액|총\s*액|투\s*자", line.text) and "\t" not in line.text:
            found = ev.amounts(line.text)
            if found:
                return found[0]
    return None


def _blocks(item: Item, roles: Roles) -> tuple[list[tuple[Line, list[Line]]], list[Line]]:
    """(heading, lines) per template block under a project, and the project's lines before the first block."""
    blocks: list[tuple[Line, list[Line]]] = []
    prefix: list[Line] = list(item.lines)
    for child in item.children:
        if child.kind in roles.blocks or sc.field_of(child.marker.title):
            head = Line(child.head.no, child.head.text, "section")
            blocks.append((head, [ln for ln in child.all_lines() if ln is not child.head]))
        elif blocks:
            blocks[-1][1].extend(child.all_lines())
        else:
            prefix.extend(child.all_lines())
    return blocks, sorted(prefix, key=lambda ln: ln.no)


def _prefix(d: Draft, project: dict[str, Any], lines: list[Line]) -> None:
    """The project's own lines: schedule tables and budget tables become fields, the rest one section."""
    rest, found = tb.group_tables(lines)
    left = _labelled(project, rest)
    for table in found:
        if "schedule" not in project and (schedule := tb.any_schedule(table, None)):
            project["schedule"] = schedule
        elif "budget" not in project and (budget := tb.budget(table)):
            project["budget"] = budget
        elif "kpis" not in project and (found_kpis := tb.kpis(table)):
            project["kpis"] = found_kpis[1]
        else:
            left += table.lines()
    if any(ln.kind != "blank" for ln in left):
        project.setdefault("sections", []).append(sc.block(None, sorted(left, key=lambda ln: ln.no)))


def _labelled(project: dict[str, Any], lines: list[Line]) -> list[Line]:
    """`(기간) …`, `사업비 : …` lines of a project's own text as its overview items; returns the other lines."""
    items, body, _ = sc.overview_items(lines)
    if "overview" in project or not any(i["kind"] in ("period", "budget", "purpose") for i in items):
        return list(lines)
    project["overview"] = {"items": items}
    return body


def _owners(lines: list[Line]) -> list[dict[str, Any]]:
    """Responsible departments named in the item (`주관부서: …`, `(담당) …`), once each, with the people printed beside them."""
    out: list[dict[str, Any]] = []
    for line in lines:
        found = ev.owner(line.text) if line.kind != "row" else None
        if found and not any(c["department"] == found[1] for c in out):
            out.append({"role": found[0], "department": found[1]})
            out += [{"role": "담당자", "department": found[1], **person} for person in ev.people(line.text)]
    return out


def _units(d: Draft) -> None:
    """One unit per department named as a project's first owner (ids u01, u02 … by first appearance)."""
    ids: dict[str, str] = {}
    for project in d.projects.values():
        owners = project.get("contacts") or []
        if owners:
            name = owners[0]["department"]
            ids.setdefault(name, f"u{len(ids) + 1:02d}")
            project["unit"] = ids[name]
    if ids:
        d.plan["units"] = [{"id": uid, "name": name} for name, uid in ids.items()]


def _section(d: Draft, item: Item) -> dict[str, Any]:
    """A plan section from an item that holds no project: its heading and every line below it."""
    lines = [ln for ln in item.all_lines() if ln is not item.head]
    return sc.generic(item.head.stripped, lines, item.head, d.ledger, "계획 sections")


def _levels(d: Draft, lines: list[Line]) -> None:
    """Level names and declared counts: the document's own `4대 추진전략 · 12대 추진과제`, matched by count, else by order."""
    declared = list(dict.fromkeys(c for ln in lines for c in ev.declared_counts(ln.text)))
    counts = depth_counts(d.plan.get("strategy", []))
    by_order = declared if len({w for _, w in declared}) == len(counts) == len(declared) else []
    levels = []
    for depth, count in enumerate(counts):
        same = [(n, w) for n, w in declared if n == count]
        match = max(same, key=lambda c: len(c[1])) if same else (by_order[depth] if by_order else None)
        name = match[1] if match else ("전략" if depth == 0 else f"{depth + 1}단계 과제")
        levels.append({"name": name, **({"declared_count": match[0]} if match else {})})
    d.plan["levels"] = levels or [{"name": "사업"}]


def depth_counts(nodes: list[dict[str, Any]]) -> list[int]:
    """How many strategy nodes sit at each depth of the tree."""
    counts: list[int] = []
    level = nodes
    while level:
        counts.append(len(level))
        level = [c for n in level for c in n.get("children", [])]
    return counts
