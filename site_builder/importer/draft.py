"""Stage 5: the outline → model dicts (plan, units, strategy nodes, projects), before overrides."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import outline as ol
from . import sections as sc
from . import tables as tb
from .ledger import Ledger
from .lines import GOAL, TASK, Line, heading_text, read_lines, source, squeeze


@dataclass
class Draft:
    """Everything drafted from one document."""

    plan: dict[str, Any]
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    org: dict[str, Any] = field(default_factory=dict)
    ledger: Ledger = field(default_factory=Ledger)
    lines: list[Line] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)  # a layout's working notes (its roles, ids in use), never written


def make_draft(text: str, file_name: str, org_id: str, year: int | None = None) -> Draft:
    """Draft the plan and its projects from a document's text."""
    lines = read_lines(text)
    cover, toc, body = ol.front_matter(lines)
    d = Draft(plan={}, lines=lines)
    top = cover or [ln for ln in body[:10] if ln.kind in ("text", "item")][:3]
    d.plan.update(_plan_head(top, lines, file_name, year))
    d.org = draft_org(top, org_id)
    _front_sections(d, cover, toc)
    prefix, chapters = ol.chapters(body)
    _region(d, prefix, None)
    for chapter in chapters:
        _region(d, chapter.lines, chapter.head)
    d.plan.setdefault("levels", _default_levels(d))
    return d


def _plan_head(cover: list[Line], lines: list[Line], file_name: str, year: int | None) -> dict[str, Any]:
    """Year, title, issue date and source document."""
    texts = [ln.stripped for ln in cover if ln.kind != "blank"]
    title = next((t for t in texts if "계획" in t), " ".join(texts[:3]) or "업무계획")
    issued = next((t for t in texts if re.fullmatch(r"\d{4}\.\s*\d{1,2}\.?", t)), None)
    head: dict[str, Any] = {"year": year or guess_year(lines), "title": title}
    if issued:
        head["issued"] = issued
    head["source_documents"] = [{"file": file_name, "title": title}]
    return head


def guess_year(lines: list[Line]) -> int:
    """The plan year: the commonest `20xx년` near the top, else the commonest `'xx년` in headings."""
    top = Counter(int(y) for ln in lines[:80] for y in re.findall(r"(20\d{2})\s*년", ln.text))
    if top:
        return top.most_common(1)[0][0]
    heads = [ln.text for ln in lines if ln.kind in ("chapter", "item", "section")]
    short = Counter(int(y) for t in heads for y in re.findall(r"[’‘']\s*(\d{2})\s*년", t))
    return 2000 + short.most_common(1)[0][0] if short else 2000


def draft_org(cover: list[Line], org_id: str) -> dict[str, Any]:
    """A draft org.yaml: the last cover line that looks like a body's name."""
    names = [ln.stripped for ln in cover if re.search(r"(원|청|공단|재단|센터|과|군|시|도|처|부|단|실)$", ln.stripped) and len(ln.stripped) <= 30]
    english = next((ln.stripped for ln in cover if re.fullmatch(r"[A-Za-z][A-Za-z .,&-]+", ln.stripped)), None)
    org: dict[str, Any] = {"id": org_id, "name": names[-1] if names else org_id}
    if english:
        org["name_en"] = english
    return org


def _front_sections(d: Draft, cover: list[Line], toc: list[Line]) -> None:
    """Cover and contents kept as plan sections."""
    if any(ln.kind != "blank" for ln in cover):
        d.plan.setdefault("sections", []).append(sc.block("표지", cover))
    if toc:
        d.plan.setdefault("sections", []).append(sc.block(toc[0].stripped.strip("| "), toc[1:], toc[0]))


def _region(d: Draft, lines: list[Line], head: Line | None) -> None:
    """One chapter (or the text before the first chapter): units, goals, numbered projects, the rest as a section."""
    numeral, title = ol.chapter_title(head) if head else ("", "")
    rest, units = ol.units(lines)
    for unit in units:
        _unit(d, unit)
    rest, goals = ol.goals(rest)
    for goal in goals:
        d.plan.setdefault("strategy", []).append(_node(d, goal))
    gid = ol.group_id(title) if head else None
    if gid:
        rest = _group(d, gid, numeral, title, head, rest)
    _catalogues(d, rest)
    if head or any(ln.kind != "blank" for ln in rest):
        _plan_section(d, head.stripped if head else None, head, rest)


def _plan_section(d: Draft, title: str | None, head: Line | None, lines: list[Line]) -> None:
    """A plan-level section with sub-blocks per numbered item."""
    own, parts = ol.items(lines)
    section = sc.generic(title, own, head, d.ledger, "계획 sections")
    subs = [sc.generic(heading_text(p.head.text) if p.head else None, p.lines, p.head, d.ledger, "계획 sections") for p in parts]
    if subs:
        section["blocks"] = subs
    d.plan.setdefault("sections", []).append(section)


# ---------------------------------------------------------------- units and their project blocks

def _unit(d: Draft, part: ol.Part) -> None:
    """A unit chapter: vision, strategy table, contacts and its project blocks."""
    assert part.head is not None
    number, name = ol.numbered(part.head.text)
    uid = f"t{int(number):02d}"
    intro, block_parts = ol.blocks(part.lines)
    rest, found = tb.group_tables(intro)
    table = next((t for t in found if _is_strategy_table(t)), None)
    rows = _strategy_rows(table) if table else []
    vision, body = _vision(rest)
    unit: dict[str, Any] = {"id": uid, "name": name, "number": number, "vision": vision}
    if table:
        header = [c for c in table.cells()[0] if c]
        unit["strategy_label"], unit["project_label"] = header[0], header[1] if len(header) > 1 else None
    ids = [_project_block(d, uid, name, bp, _row_for(rows, k, bp, len(block_parts))) for k, bp in enumerate(block_parts)]
    leaders = [c for c in d.projects[ids[0]].get("contacts", []) if c.get("role") != "담당자"] if ids else []
    unit.update({"contacts": leaders, "body": sc.body_text(body + [ln for t in found if t is not table for ln in t.lines()])})
    unit["source"] = source([part.head, *intro])
    d.plan.setdefault("units", []).append({k: v for k, v in unit.items() if v not in (None, [])})


def _is_strategy_table(table: tb.RawTable) -> bool:
    """A unit's table of `전략 → 번호 → 세부과제` rows."""
    cells = table.cells()
    return len(cells) >= 2 and sum(1 for r in cells[1:] if len(r) >= 3 and r[1].isdigit()) >= len(cells[1:]) / 2


def _strategy_rows(table: tb.RawTable) -> list[tuple[str, str, str, int]]:
    """(strategy as printed, number, title, line) per row; the strategy cell is merged down."""
    out = []
    current = ""
    for line, row in zip(table.rows[1:], table.cells()[1:], strict=True):
        if len(row) >= 3 and row[1].isdigit():
            current = row[0] or current
            out.append((current, row[1], " ".join(c for c in row[2:] if c), line.no))
    return out


def _vision(lines: list[Line]) -> tuple[str | None, list[Line]]:
    """The line under a `팀 비전` label, and the other intro lines."""
    texts = [ln for ln in lines if ln.kind != "blank"]
    for i, line in enumerate(texts[:-1]):
        if squeeze(line.text).endswith("비전") and len(squeeze(line.text)) <= 6:
            return texts[i + 1].stripped, [ln for ln in texts if ln is not texts[i + 1]]
    return None, texts


def _row_for(rows: list[tuple[str, str, str, int]], k: int, part: ol.Part, blocks: int) -> tuple[str, str, str, int] | None:
    """The strategy-table row of the k-th block: by position when the counts agree, else by printed number."""
    number, _, _ = ol.block_heading(part)
    if len(rows) == blocks:
        return rows[k]
    return next((r for r in rows if number and r[1] == number), None)


def _project_block(d: Draft, uid: str, unit_name: str, part: ol.Part, row: tuple[str, str, str, int] | None) -> str:
    """One project block of a unit → a project dict; returns its id."""
    number, heading_title, title_line = ol.block_heading(part)
    num = row[1] if row else number or str(len([p for p in d.projects if p.startswith(uid)]) + 1)
    pid = f"{uid}-{int(num):02d}"
    title = row[2] if row else heading_title or f"{unit_name} {num}"
    project: dict[str, Any] = {"id": pid, "title": title, "number": num, "unit": uid, "source": source(part.all_lines())}
    if row:
        project["_strategy_name"], project["_strategy_where"] = row[0], (f"{unit_name} 전략표", row[3])
    if heading_title and row and heading_title != title:
        project["title_variants"] = [{"text": heading_title, "where": "본문 제목", "source": {"lines": str(title_line.no)}}]  # type: ignore[union-attr]
    body = [ln for ln in part.lines if ln is not title_line]
    if part.head and part.head.kind == "row":
        body.insert(0, part.head)
    prefix, blocks = sc.split_sections(body)
    project["contacts"] = _contacts(prefix)
    _prefix_leftover(d, project, prefix)
    sc.fill_project(project, sc.split_implicit_issues(blocks), d.ledger)
    d.projects[pid] = project
    return pid


def _contacts(prefix: list[Line]) -> list[dict[str, Any]]:
    """Contacts from the `담당자` row and the one or two rows under it."""
    rows = [ln for ln in prefix if ln.kind == "row"]
    at = next((i for i, ln in enumerate(rows) if squeeze(ln.cells[0]) == "담당자"), None)
    if at is None:
        return []
    return tb.contacts([r.cells for r in rows[at:at + 3]])


def _prefix_leftover(d: Draft, project: dict[str, Any], prefix: list[Line]) -> None:
    """Lines before the first block that are neither contacts nor the number/title lines."""
    rows = [ln for ln in prefix if ln.kind == "row"]
    contact_rows = rows[:3] if rows and squeeze(rows[0].cells[0]) == "담당자" else []
    left = [ln for ln in prefix if ln.kind not in ("blank", "number") and ln not in contact_rows]
    if left:
        project.setdefault("sections", []).append(sc.generic(None, left, None, d.ledger, f"{project['id']} sections"))


# ---------------------------------------------------------------- goals and tasks

def _node(d: Draft, part: ol.Part, depth: int = 0) -> dict[str, Any]:
    """A strategy node from `전략 목표 n …` (children from `이행과제 n-m …`) or a bare task heading."""
    assert part.head is not None
    number, title = ol.numbered(part.head.text)
    prefix = "task" if part.kind == "task" else "goal"
    node: dict[str, Any] = {"id": f"{prefix}{number}", "title": title, "code": number}
    rest, found = tb.group_tables(part.lines)
    for table in found:
        parsed = tb.kpis(table)
        if parsed and "kpis" not in node:
            node["kpi_header"], node["kpis"] = parsed
        else:
            node.setdefault("tables", []).append(tb.generic_table(table))
    node["body"] = sc.body_text(rest)
    node["children"] = [_node(d, child, depth + 1) for child in part.parts]
    node["source"] = source([part.head, *part.lines])
    _level_name(d, part, depth)
    return {k: v for k, v in node.items() if v not in (None, [])}


def _level_name(d: Draft, part: ol.Part, depth: int) -> None:
    """Remember the printed level word (`전략목표`, `이행과제`) of this depth for `levels`."""
    assert part.head is not None
    names = d.plan.setdefault("_levels", [])
    m = (TASK if part.kind == "task" else GOAL).match(part.head.stripped)
    while len(names) <= depth:
        names.append(None)
    names[depth] = names[depth] or (squeeze(m.group("word")) if m else part.kind)


def _default_levels(d: Draft) -> list[dict[str, Any]]:
    """Level names seen in headings, or the units' strategy column name, or a neutral name."""
    names = [n for n in d.plan.pop("_levels", []) if n]
    if names:
        return [{"name": n} for n in names]
    labels = [u["strategy_label"] for u in d.plan.get("units", []) if u.get("strategy_label")]
    return [{"name": Counter(labels).most_common(1)[0][0] if labels else "전략"}]


def unit_strategy_nodes(d: Draft) -> None:
    """Without printed goals, one node per distinct strategy named in the units' tables (ids s1, s2 … by first use)."""
    if d.plan.get("strategy"):
        return
    seen: dict[str, dict[str, Any]] = {}
    for project in d.projects.values():
        name = project.get("_strategy_name")
        if name and squeeze(name) not in seen:
            seen[squeeze(name)] = {"id": f"s{len(seen) + 1}", "title": name}
    if seen:
        d.plan["strategy"] = list(seen.values())


# ---------------------------------------------------------------- numbered projects of a project chapter

def _group(d: Draft, gid: str, numeral: str, title: str, head: Line | None, lines: list[Line]) -> list[Line]:
    """Numbered items of a project chapter become projects of group `gid`; returns the lines before them."""
    rest, parts = ol.items(lines)
    if not parts:
        return lines
    d.plan.setdefault("project_groups", []).append({"id": gid, "title": title, "number": numeral})
    for part in parts:
        assert part.head is not None
        number, ptitle = ol.numbered(part.head.text)
        pid = f"{gid}-{number}" if f"{gid}-{number}" not in d.projects else f"{gid}-{number}-{part.head.no}"
        project: dict[str, Any] = {"id": pid, "title": ptitle, "number": number, "group": gid, "source": source(part.all_lines())}
        prefix, blocks = sc.split_sections(part.lines)
        project["contacts"] = _contacts(prefix)
        _prefix_leftover(d, project, prefix)
        sc.fill_project(project, sc.split_implicit_issues(blocks), d.ledger)
        d.projects[pid] = project
    return rest


# ---------------------------------------------------------------- declared catalogues (`9대 전략과제 → 65개 실천사업`)

CAT_HEAD = (re.compile(r"^\d+\s*대\s*\S.*$"), re.compile(r"^(?P<n>\d+)\s*개\s*(?P<what>\S.*)$"))


def _catalogues(d: Draft, lines: list[Line]) -> None:
    """Tables headed `<n>대 …→<m>개 …` become one catalogue (repeated header rows continue it)."""
    _, found = tb.group_tables(lines)
    for table in found:
        cells = table.cells()
        head = [c for c in cells[0] if c]
        if len(head) != 2 or not CAT_HEAD[0].match(head[0]) or not (m := CAT_HEAD[1].match(head[1])):
            continue
        cat = _catalogue_for(d, head[1], int(m.group("n")))
        cat["entries"] += _entries(cells[1:], cat)
        lines_src = cat.get("source", {}).get("lines", "")
        first = lines_src.split("-")[0] if lines_src else str(table.rows[0].no)
        cat["source"] = {"lines": f"{first}-{table.rows[-1].no}"}


def _catalogue_for(d: Draft, title: str, total: int) -> dict[str, Any]:
    """The catalogue with this title (created on first use)."""
    cats = d.plan.setdefault("catalogues", [])
    for cat in cats:
        if cat["title"] == title:
            return cat  # type: ignore[no-any-return]
    cat = {"id": f"catalogue{len(cats) + 1}", "title": title, "declared_total": total, "entries": [], "_group": ""}
    cats.append(cat)
    return cat


def _entries(rows: list[list[str]], cat: dict[str, Any]) -> list[dict[str, Any]]:
    """Entries of catalogue rows: group cell `이름 (n)` (merged down) and items split at `▪`."""
    out = []
    for row in rows:
        if row and row[0]:
            cat["_group"] = re.sub(r"\s*\(\d+\)\s*$", "", row[0]).strip()
        for cell in row[1:]:
            for text in (t.strip() for t in cell.split("▪")):
                if text:
                    out.append({"text": text, "_strategy_name": cat["_group"]})
    return out
