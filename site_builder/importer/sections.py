"""Stage 3: a project's lines → its blocks (사업목표, 사업개요, 예산, 평가방법, 추진계획, 쟁점 …) as model dicts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import tables as tb
from .ledger import Ledger
from .lines import ANGLE, Line, heading_text, source, squeeze
from .markers import strip_marker

# Block heading (without spaces) → Project field; the first match wins.
FIELDS: tuple[tuple[str, str], ...] = (
    ("사업목표", "goals"), ("목표", "goals"), ("추진목적", "goals"), ("목적", "goals"),
    ("추진배경", "background"), ("추진방향", "background"), ("배경", "background"),
    ("사업의필요성", "necessity"), ("필요성", "necessity"), ("사업개요", "overview"), ("개요", "overview"),
    ("주요성과", "results"), ("추진성과", "results"), ("주요내용", "actions"), ("사업내용", "actions"),
    ("개선사항", "improvements"), ("실행방안", "actions"),
    ("세부추진일정", "plan"), ("세부추진내용", "actions"), ("추진내용", "actions"), ("평가방법", "evaluation"), ("추진계획", "plan"),
    ("추진일정", "plan"), ("향후계획", "plan"), ("이행계획", "plan"), ("추진절차", "plan"), ("이행일정", "plan"),
    ("쟁점", "issues"), ("기대효과", "effects"), ("투자계획", "investment"),
    ("연도별소요예산", "investment"), ("소요예산", "investment"), ("재원별", "investment"),
)


# Block titles often name their subject first (`품질관리 협의체 개요`, `사업 추진 일정`): matched at the end.
TAIL_FIELDS: tuple[tuple[str, str], ...] = (("개요", "overview"), ("추진배경", "background"), ("추진목적", "goals"), ("기대효과", "effects"),
                                            ("추진일정", "plan"), ("추진계획", "plan"), ("향후계획", "plan"),
                                            ("주요내용", "actions"))


def field_of(heading: str, tail: bool = True) -> str | None:
    """The Project field a block heading belongs to (None → generic section)."""
    m = ANGLE.match(heading.strip())
    word = re.sub(r"[\[(（【<][^\])）】>]*[\])）】>]$", "", squeeze(m.group("title") if m else strip_marker(heading)))  # `주요 내용 [붙임 2]`
    head = next((f for key, f in FIELDS if word.startswith(key)), None)
    return head or (next((f for key, f in TAIL_FIELDS if word.endswith(key)), None) if tail else None)


def split_sections(lines: list[Line]) -> tuple[list[Line], list[tuple[Line, list[Line]]]]:
    """Lines before the first block heading, and (heading, lines) per block."""
    prefix: list[Line] = []
    blocks: list[tuple[Line, list[Line]]] = []
    for line in lines:
        if line.kind == "section":
            blocks.append((line, []))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            prefix.append(line)
    return prefix, blocks


def body_text(lines: list[Line]) -> str | None:
    """Non-blank lines verbatim (indentation and markers kept), as one `|` block."""
    kept = [ln.text.rstrip() for ln in lines if ln.kind not in ("blank", "row")]
    return "\n".join(kept) + "\n" if kept else None


def block(heading: str | None, lines: list[Line], head: Line | None = None) -> dict[str, Any]:
    """A generic Block dict: body text plus every table cell by cell."""
    rest, found = tb.group_tables(lines)
    out: dict[str, Any] = {"heading": heading, "body": body_text(rest),
                           "tables": [tb.generic_table(t) for t in found], "source": source(([head] if head else []) + lines)}
    return {k: v for k, v in out.items() if v not in (None, [])}


def generic(heading: str | None, lines: list[Line], head: Line | None, ledger: Ledger, where: str) -> dict[str, Any]:
    """A generic Block, with its lines reported as not placed in a dedicated field."""
    ledger.note_generic(([head] if head else []) + lines, where)
    return block(heading, lines, head)


def fill_project(project: dict[str, Any], blocks: list[tuple[Line, list[Line]]], ledger: Ledger) -> None:
    """Put each block into its Project field; repeats and unknown blocks go to `sections`."""
    for head, lines in blocks:
        implicit = head.kind == "implicit-issues"
        name = "issues" if implicit else field_of(head.text)
        handler = HANDLERS.get(name or "")
        taken = name in project and name != "plan"
        heading = None if implicit else heading_text(head.text)
        if handler is None or taken or not handler(project, heading, lines, ledger):  # type: ignore[arg-type]
            where = f"{project['id']} sections"
            project.setdefault("sections", []).append(generic(heading_text(head.text), lines, head, ledger, where))


def _plain(field: str) -> Callable[[dict[str, Any], str, list[Line], Ledger], bool]:
    """Handler for a block that is bullet text (plus any tables)."""
    def handle(project: dict[str, Any], heading: str, lines: list[Line], ledger: Ledger) -> bool:
        project[field] = block(heading, lines)
        return True
    return handle


def _extra(project: dict[str, Any], heading: str, lines: list[Line], ledger: Ledger) -> None:
    """Leftover lines of a typed block, kept as a generic section with the same heading."""
    if any(ln.kind != "blank" for ln in lines):
        project.setdefault("sections", []).append(generic(heading, lines, None, ledger, f"{project['id']} sections"))


LABEL_PAREN = re.compile(r"^(?P<lead>[-○ㅇ◦·▶□■◇◆]?\s*)\((?P<label>[^()]{1,15})\)\s*(?P<text>.*)$")
LABEL_COLON = re.compile(r"^(?P<lead>[-○ㅇ◦·▶□■◇◆]?\s*)(?P<label>[^:()\d]{1,12}?)\s*[:：]\s*(?P<text>.*)$")
KINDS = (("목적", "purpose"), ("기간", "period"), ("시기", "period"), ("일정", "period"), ("예산", "budget"), ("사업비", "budget"),
         ("재원", "budget"), ("내용", "content"))


def label_kind(label: str) -> str:
    """Meaning of an overview label (`목 적` → purpose …)."""
    word = squeeze(label)
    return next((kind for key, kind in KINDS if key in word), "other")


def _labeled(line: Line, base: int = 0) -> dict[str, Any] | None:
    """A LabeledText dict for `- (label) text` or `- label : text` at the top level (indented `base` spaces)."""
    if line.text[base:].startswith((" ", "\t", "\u3000")) or line.kind == "unit_note":
        return None
    m = LABEL_PAREN.match(line.stripped) or LABEL_COLON.match(line.stripped)
    if not m:
        return None
    return {"label": m.group("label").strip(), "text": m.group("text").strip(), "kind": label_kind(m.group("label"))}


def _overview(project: dict[str, Any], heading: str, lines: list[Line], ledger: Ledger) -> bool:
    """사업개요: labelled lines, the budget table and funding shares."""
    rest, found = tb.group_tables(lines)
    items, body, last = overview_items(rest)
    out: dict[str, Any] = {"heading": heading, "items": items, "body": body_text(body)}
    project["overview"] = {k: v for k, v in out.items() if v not in (None, [])}
    leftovers = _budget_tables(project, found)
    budget_text = next((i["text"] for i in items if i["kind"] == "budget"), "")
    if tb.funding(budget_text):
        project.setdefault("budget", {})["funding"] = tb.funding(budget_text)
    for table in leftovers:
        project.setdefault("sections", []).append(generic(heading, table.lines(), None, ledger, f"{project['id']} sections"))
    return True


def overview_items(lines: list[Line]) -> tuple[list[dict[str, Any]], list[Line], Any]:
    """Labelled items (with their indented continuation lines) and the other lines."""
    items: list[dict[str, Any]] = []
    body: list[Line] = []
    last: dict[str, Any] | None = None
    base = indent(lines)
    for line in lines:
        if line.kind == "blank":
            continue
        item = _labeled(line, base)
        if item:
            items.append(item)
            last = item
        elif last is not None and (line.text[base:].startswith((" ", "\t")) or _continues(line)):
            last["body"] = last.get("body", "") + line.text.rstrip() + "\n"
        else:
            body.append(line)
            last = None
    return items, body, last


def _continues(line: Line) -> bool:
    """A line under a labelled item that is not itself a new `- ` bullet."""
    return not line.stripped.startswith(("-", "○", "□", "※", "ㅇ", "◦", "*"))


def _budget_tables(project: dict[str, Any], found: list[tb.RawTable]) -> list[tb.RawTable]:
    """The first budget-shaped table becomes the project budget; the others are returned."""
    leftovers = []
    for table in found:
        parsed = tb.budget(table)
        if parsed and "lines" not in project.get("budget", {}):
            project["budget"] = {**parsed, **project.get("budget", {})}
        else:
            leftovers.append(table)
    return leftovers


def _evaluation(project: dict[str, Any], heading: str, lines: list[Line], ledger: Ledger) -> bool:
    """평가방법 table → evaluation rows (rows shifted left are recorded as irregularities)."""
    rest, found = tb.group_tables(lines)
    if not found:
        return False
    rows, shifted = tb.evaluation(found[0])
    project["evaluation_heading"], project["evaluation"] = heading, rows
    project["evaluation_header"] = [c for c in found[0].cells()[0] if c]
    for no in shifted:
        project.setdefault("irregularities", []).append({
            "id": f"eval-shift-{no}", "kind": "layout", "source": {"lines": str(no)},
            "description": "평가방법 표의 행이 왼쪽으로 한 칸 밀려 있음 (앞의 빈 칸이 빠짐); 구분은 위 행을 따름"})
    _extra(project, heading, rest + [ln for t in found[1:] for ln in t.lines()], ledger)
    return True


def _plan(project: dict[str, Any], heading: str, lines: list[Line], ledger: Ledger) -> bool:
    """추진계획 / 향후계획: a ■ grid becomes the schedule, dated lines become steps."""
    rest, found = tb.group_tables(lines)
    grids = [(t, tb.schedule(t, heading)) for t in found if tb.is_grid(t)]
    grids = grids or [(t, s) for t in found if (s := tb.any_schedule(t, heading))]
    if grids and "schedule" not in project:
        project["schedule"] = grids[0][1]
        others = [ln for t in found if t is not grids[0][0] for ln in t.lines()]
        _extra(project, heading, sorted(rest + others, key=lambda ln: ln.no), ledger)
        return True
    steps = parse_steps(rest) if not found else None
    if steps is None:
        return False
    project.setdefault("steps", []).append({"heading": heading, "steps": steps})
    return True


STEP = re.compile(r"^(?P<marker>[-○ㅇ◦·▶□■◇◆※*]?)\s*(?P<rest>\S.*)$")
DATE_TOKEN = re.compile(r"^[\d'’‘.,~\-()년월일분기상하반중순부터까지이후매·]+$|^~$")


def indent(lines: list[Line]) -> int:
    """Spaces before the least indented line: a document may indent every line of a block alike."""
    texts = [ln.text for ln in lines if ln.kind not in ("blank", "row")]
    return min((len(t) - len(t.lstrip(" ")) for t in texts), default=0)


def split_when(text: str) -> tuple[str, str, str] | None:
    """(when, separator, what) of a dated step such as `2022. 2. 13. ~ 2. 14. 후보자등록`."""
    when_part, colon, after = text.partition(":")
    if colon and re.search(r"\d", when_part) and len(when_part) <= 30:
        sep = text[len(when_part.rstrip()):len(when_part) + 1] + after[: len(after) - len(after.lstrip())]
        return when_part.rstrip(), sep, after.strip()
    tokens = re.findall(r"\S+\s*", text)
    n = 0
    while n < len(tokens) and DATE_TOKEN.match(tokens[n].strip()):
        n += 1
    when = "".join(tokens[:n]).rstrip()
    if not when or not re.search(r"\d", when):
        return None
    return when, "".join(tokens[:n])[len(when):] or " ", "".join(tokens[n:]).strip()


def parse_steps(lines: list[Line]) -> list[dict[str, Any]] | None:
    """Dated steps; indented lines are details of the step above (None when a line is not dated)."""
    steps: list[dict[str, Any]] = []
    base = indent(lines)
    for line in lines:
        if line.kind == "blank":
            continue
        text = line.text[base:]
        m = STEP.match(text)
        parts = split_when(m.group("rest")) if m and not text.startswith(" ") else None
        if parts and m:
            steps.append({"when": parts[0], "text": parts[2], "marker": m.group("marker") or "", "separator": parts[1]})
        elif steps and text.startswith(" "):
            steps[-1]["body"] = steps[-1].get("body", "") + line.text.rstrip() + "\n"
        else:
            return None
    return steps or None


ISSUE = re.compile(r"^(?:\*\*)?(?P<label>쟁점\s*\d*)(?:\*\*)?(?:\s+(?P<text>\S.*))?$")


def issue_start(line: Line) -> tuple[str, str] | None:
    """(label, issue text) when a line opens a 쟁점 (`쟁점→…`, `쟁점 …`, `쟁점1 …`, `쟁점` alone)."""
    if line.kind == "row":
        cells = [c for c in line.cells if c]
        if cells and re.fullmatch(r"쟁점\s*\d*", cells[0]):
            return cells[0], " ".join(cells[1:])
        return None
    m = ISSUE.match(line.stripped)
    return (m.group("label"), (m.group("text") or "").replace("**", "").strip()) if m else None


def _issues(project: dict[str, Any], heading: str | None, lines: list[Line], ledger: Ledger) -> bool:
    """쟁점 및 대책: each 쟁점 with the explanation and ▣ measures under it."""
    items: list[dict[str, Any]] = []
    for line in lines:
        start = issue_start(line)
        if start:
            items.append({"label": start[0], "issue": start[1]})
        elif line.kind == "row" and re.fullmatch(r"[-\s]+", line.text):
            ledger.note_dropped(line, "표 구분선")
        elif line.kind == "blank":
            continue
        elif not items:
            return False
        elif not items[-1]["issue"]:
            items[-1]["issue"] = line.stripped
        else:
            items[-1]["body"] = items[-1].get("body", "") + line.text.rstrip() + "\n"
    out = {"heading": heading, "items": [{k: it[k] for k in ("issue", "label", "body") if k in it} for it in items]}
    project["issues"] = {k: v for k, v in out.items() if v}
    return bool(items)


def _investment(project: dict[str, Any], heading: str, lines: list[Line], ledger: Ledger) -> bool:
    """투자계획: its table, with the lines around it as notes."""
    rest, found = tb.group_tables(lines)
    if len(found) != 1:
        return False
    table = tb.generic_table(found[0], heading)
    notes = body_text(rest)
    project["investment"] = {**table, "notes": notes} if notes else table
    return True


HANDLERS: dict[str, Callable[[dict[str, Any], str, list[Line], Ledger], bool]] = {
    "goals": _plain("goals"), "background": _plain("background"), "necessity": _plain("necessity"),
    "results": _plain("results"), "improvements": _plain("improvements"), "actions": _plain("actions"),
    "effects": _plain("effects"), "overview": _overview, "evaluation": _evaluation, "plan": _plan,
    "issues": _issues, "investment": _investment,
}


def split_implicit_issues(blocks: list[tuple[Line, list[Line]]]) -> list[tuple[Line, list[Line]]]:
    """A 쟁점 line inside another block (its heading was lost) opens an issues block of its own."""
    if any(field_of(h.text) == "issues" for h, _ in blocks):
        return blocks
    out: list[tuple[Line, list[Line]]] = []
    for head, lines in blocks:
        at = next((i for i, ln in enumerate(lines) if issue_start(ln)), None)
        if at is None:
            out.append((head, lines))
            continue
        out.append((head, lines[:at]))
        out.append((Line(lines[at].no, "", "implicit-issues"), lines[at:]))
    return out
