"""Render stage: pages → Markdown text through Jinja2 templates, escaping all data text."""

from __future__ import annotations

import contextlib
import functools
import html
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from typing import Any

import jinja2
import jinja2.bccache

from ..base.store import CacheDir
from ..base.workers import can_fork, configured_jobs, forked, inherited
from ..model import Project, ScheduleRow
from ..model import portal as domain
from ..model.money import format_in_unit
from ..model.portal import PlanBundle, Portal, bundle_node, is_non_budget, project_period, project_total
from ..outputs.downloads import PORTAL_ROWS, ROW_FORMATS, portal_formats
from ..outputs.feed import FEED_NAME, page_feed_path
from ..outputs.memo import Outputs
from ..plan.pages import Page, node_path, page_href, project_page, project_path, unit_path
from ..plan.plan_pages import PLAN_PAGES
from ..publish import redaction as redaction_mod
from . import helpers, progress, tables
from .bullets import Item, parse_bullets
from .describe import page_description
from .feedback import feedback_link
from .helpers import chart_maker
from .tables import RegionLabels
from .text import DASHES, heading_text, note_html, quotation_marks, shown, split_doubled

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")


# Escaped texts by text: pages repeat names, titles and cells (358,000 calls for 18,500 texts at 2,000 projects).
_ESCAPED: dict[str, str] = {}
_ESCAPED_MAX = 1 << 18  # bounded: `serve` renders again and again


def escape_html(value: Any) -> str:
    """Escape text for HTML (used inside the raw HTML blocks of pages), as the site shows it (`text.shown`)."""
    if type(value) is not str:  # only exact strings are remembered: `True` and `1` are equal keys with other texts
        value = "" if value is None else str(value)
    escaped = _ESCAPED.get(value)
    if escaped is None:
        if len(_ESCAPED) >= _ESCAPED_MAX:
            _ESCAPED.clear()
        escaped = _ESCAPED[value] = html.escape(shown(value), quote=True)
    return escaped


def escape_md(value: Any) -> str:
    """Escape text for Markdown inline context (headings, link text) and for HTML."""
    text = shown("" if value is None else str(value))
    # `<`, `>` and `&` have no Markdown backslash escape, so they become entities.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def escape_note_md(value: Any) -> str:
    """A staff note (recorded irregularity) for a Markdown line: its `인용` shown as ‘인용’, then escaped."""
    return escape_md(quotation_marks("" if value is None else str(value)))


def heading_md(value: Any) -> str:
    """A block heading for a Markdown heading line: `< 사업목표 >` reads `사업목표` (the data keeps the brackets)."""
    return escape_md(heading_text("" if value is None else str(value)))


def money(won: int | None, unit: str) -> str:
    """`31,600` style number in the display unit ('-' when unknown)."""
    return format_in_unit(won, unit)


def bullet_html(text: str | None) -> str:
    """A bullet text as nested `<ul class="doc-list">` ('' for none): code, not a recursive macro, as it runs for every block."""
    return _items_html(parse_bullets(text)) if text else ""


def _items_html(items: list[Item]) -> str:
    """One list level: marker (escaped), text (escaped, `**굵게**` kept bold), then the children's list.

    A text export's `- ` in front of the document's own marker (`- ◆`) is not shown twice: the document's marker
    stands alone. A dash alone is only a bullet, hidden from screen readers (the list already says "목록 항목").
    """
    parts = ['<ul class="doc-list">']
    for it in items:
        parts.append("<li>")
        marker, text = split_doubled(it.marker, it.text)
        if marker:
            hidden = ' aria-hidden="true"' if marker in DASHES else ""
            parts.append(f'<span class="doc-marker"{hidden}>{escape_html(marker)}</span> ')
        parts.append(tables.escape_with_strong(shown(text)))
        if it.children:
            parts.append(_items_html(it.children))
        parts.append("</li>")
    parts.append("</ul>")
    return "".join(parts)


def project_rows_html(rows: list[tuple[PlanBundle, Project]], page: Page, columns: list[str], unit: str, with_progress: bool = False) -> str:
    """The `<tr>`s of a project table (the rows of `project_table`), as code: thousands of rows per portal.

    `columns` are the optional columns shown (`tables.project_columns`: plan, unit, node); `with_progress`: the 상태 and
    집행률 columns follow the period (`tables.progress_columns`).
    """
    shown = tuple(columns)
    return "".join(_project_row(bundle, project, page, shown, unit, with_progress) for bundle, project in rows)


def _progress_cells(b: PlanBundle, p: Project) -> str:
    """The 상태 cell (its word in a badge, sorted in the data format's order) and the 집행률 cell."""
    status, rate = progress.status_of(b, p.id), progress.project_rate(b, p)
    return (f'<td data-label="상태" data-sort="{progress.status_order(status)}">{progress.status_badge(status)}</td>'
            f'<td class="num" data-label="집행률" data-sort="{rate if rate is not None else -1}">{progress.pct_text(rate)}</td>')


def _optional_cell(b: PlanBundle, p: Project, column: str) -> str:
    """The text of an optional column (plan, unit or strategy node) for one project."""
    if column == "plan":
        return f"{b.org.name} {b.plan.year}"
    if column == "unit":
        u = b.unit_by_id.get(p.unit) if p.unit is not None else None
        return u.name if u else ""
    n = bundle_node(b, p.strategy)
    return n.title if n else ""


def _project_row(b: PlanBundle, p: Project, page: Page, columns: tuple[str, ...], unit: str, with_progress: bool) -> str:
    """One row: `data-*` for filtering, linked title, number, the optional columns, budget, period (then status, 집행률).

    Each data cell carries its column's name (`data-label`): on phones the rows are shown as cards (site.css).
    """
    before, after = _row_parts(b, p, columns, unit, with_progress)
    return f"{before}{page_href(page, project_path(b, p.id))}{after}"


# A project's row is the same in every table with the same columns (its plan's page, each strategy level above it,
# its unit's page, the all-projects page) but for the link: the parts around it are made once. Keyed by the objects'
# ids, each kept with its row so a reused id never matches; bounded, as `serve` renders again and again.
_ROWS: dict[tuple[int, int, tuple[str, ...], str, bool], tuple[PlanBundle, Project, tuple[str, str]]] = {}
_ROWS_MAX = 1 << 14


def _row_parts(b: PlanBundle, p: Project, columns: tuple[str, ...], unit: str, with_progress: bool) -> tuple[str, str]:
    """A project's row before and after its link's address, remembered."""
    key = (id(b), id(p), columns, unit, with_progress)
    known = _ROWS.get(key)
    if known is not None and known[0] is b and known[1] is p:
        return known[2]
    if len(_ROWS) >= _ROWS_MAX:
        _ROWS.clear()
    parts = _ROWS[key] = (b, p, _row_html(b, p, columns, unit, with_progress))
    return parts[2]


def _row_html(b: PlanBundle, p: Project, columns: tuple[str, ...], unit: str, with_progress: bool) -> tuple[str, str]:
    """A project's row, before and after its link's address (which depends on the page)."""
    total = project_total(p)
    d = tables.row_data(b, p)
    h = escape_html
    amount = money(total, unit) if total is not None else ("비예산" if is_non_budget(p) else "-")
    status = f' data-status="{h(progress.status_of(b, p.id))}"' if with_progress else ""
    cell = {c: f'<td data-label="{tables.OPTIONAL_COLUMNS[c]}">{h(_optional_cell(b, p, c))}</td>' for c in columns}
    number = f'<td data-label="번호" data-sort="{h(tables.natural_key(p.number))}">{h(p.number or "")}</td>'
    return (f'<tr data-plan="{h(d["plan"])}" data-unit="{h(d["unit"])}" data-node="{h(d["node"])}" data-budget="{d["budget"]}" '
            f'data-start="{d["start"]}" data-end="{d["end"]}"{status}><th scope="row"><a href="',
            f'">{h(p.title)}</a></th>'
            f'{cell.get("plan", "")}{number}{cell.get("unit", "")}{cell.get("node", "")}'
            f'<td class="num" data-label="예산({unit})" data-sort="{total if total is not None else -1}">{amount}</td>'
            f'<td data-label="사업기간" data-sort="{d["start"]}">{h(project_period(p) or "")}</td>'
            f'{_progress_cells(b, p) if with_progress else ""}</tr>')


def schedule_rows_html(rows: list[ScheduleRow], periods: Iterable[int], word: str, done: Collection[str]) -> str:
    """The `<tr>`s of a 추진계획 grid, as code: a cell per month of every activity on every project page.

    `periods`: the grid's period numbers; `word`: 월 or 분기; `done`: the activities a progress report lists as done.
    The 구분 column and the 기간 밖 column are there when any row has one.
    """
    grouped, outside, numbers = any(r.group for r in rows), any(r.mark_outside for r in rows), list(periods)
    return "".join(_schedule_row(r, numbers, word, r.label in done, grouped, outside) for r in rows)


_DONE_MARK = ' <span class="done-mark" aria-hidden="true">✓</span><span class="sr-only">(마침)</span>'
_OUTSIDE_MARK = '<span aria-hidden="true">■</span><span class="sr-only">기간 밖 표시</span>'


def _schedule_row(r: ScheduleRow, periods: list[int], word: str, done: bool, grouped: bool, outside: bool) -> str:
    """One activity: its 구분 and label (✓ when done), a cell per period (its text, or ■ when marked), the 기간 밖 cell."""
    cells = [f"<td>{escape_html(r.group or '')}</td>" if grouped else "",
             f'<th scope="row">{escape_html(r.label)}{_DONE_MARK if done else ""}</th>' if r.label else "<td></td>"]
    if r.texts:
        cells += [f'<td class="mark">{escape_html(r.texts[i] if i < len(r.texts) else "")}</td>' for i in range(len(periods))]
    else:
        cells += [f'<td class="mark"><span aria-hidden="true">■</span><span class="sr-only">{i}{word} 추진</span></td>' if i in r.marks
                  else '<td class="mark"></td>' for i in periods]
    if outside:
        cells.append(f'<td class="mark">{_OUTSIDE_MARK if r.mark_outside else ""}</td>')
    return "<tr>" + "".join(cells) + "</tr>"


def block_md(b: Any, default: str, table: Callable[[Any, str], str], level: int = 2) -> str:
    """A text block (goals, background …) as Markdown: heading, withheld notice, bullets, tables, sub-blocks ('' for none).

    Plan and project pages call it (it was a macro: seven macro calls a project page cost more than the blocks);
    `table` is the `table` macro of _macros.md.j2.
    """
    if not b:
        return ""
    heading = b.heading or default
    out = [f"{'#' * level} {heading_md(heading)}\n" if heading else "", "\n"]
    if b.withheld:
        out.append(f'<p class="withheld">{escape_html(redaction_mod.notice(b.withheld.ground))}</p>\n\n')
    if b.body:
        out.append(f"{bullet_html(b.body)}\n\n")
    out += [f"{table(t, heading_text(heading))}\n\n" for t in b.tables]
    out += [f"{block_md(sub, '', table, level + 1)}\n\n" for sub in b.blocks]
    return "".join(out)


def withheld_section(project: Any, name: str, label: str) -> str:
    """The heading and notice standing in for a withheld field of a published project ('' when the field is published)."""
    ground = redaction_mod.field_grounds(project).get(name)
    if not ground or project.withheld:
        return ""
    return f'## {escape_md(label)}\n\n<p class="withheld">{escape_html(redaction_mod.notice(ground))}</p>\n\n'


# Pages whose tables need the width: Material hides these sidebars for them (front matter `hide`), so at 1280 px a
# project table's budget and period columns fit beside its name. The all-projects table also gives up the navigation.
WIDE_PAGES: dict[str, tuple[str, ...]] = {
    "all_projects.md.j2": ("navigation", "toc"), "projects_index.md.j2": ("navigation", "toc"), "plan_table.md.j2": ("navigation", "toc"),
    "plan.md.j2": ("toc",), "node.md.j2": ("toc",),
    "unit.md.j2": ("toc",), "changes.md.j2": ("toc",), "quality.md.j2": ("toc",),
}


def _front_matter(page: Page, site: Any) -> str:
    """Front matter: title, breadcrumbs and page furniture for the theme, as JSON (which is YAML too), one entry a line.

    MkDocs reads front matter as YAML; JSON is a subset of it, and engine/hooks.py reads it as JSON, ~20 times faster.
    """
    # The theme prints these values into HTML as they are, so they are escaped here.
    out = [_entry("title", escape_html(page.title))]
    if hide := WIDE_PAGES.get(page.template):
        out.append(_entry("hide", hide))
    if page.crumbs:
        crumbs = ", ".join(_crumb(escape_html(c.title), page_href(page, c.path)) for c in page.crumbs)
        out.append(f'"breadcrumbs": [{crumbs}]')
    if description := page_description(page):  # Material prints it as <meta name="description">; main.html as og:description
        out.append(_entry("description", escape_html(description)))
    if ask := feedback_link(page, site):  # theme/main.html shows it in the page's footer box
        out += [_entry("ask", escape_html(ask)), _entry("ask_label", escape_html(site.feedback.label))]
    if page_feed_path(page):  # the page's own change feed sits beside it (outputs/feed.py)
        out.append(_entry("feed", FEED_NAME))
    if page.department:
        out.append(_entry("department", escape_html(page.department)))
    if page.phone:
        bundle = page.context.get("bundle")
        out.append(_entry("phone", escape_html(helpers.phone_text(page.phone, bundle.org.phone if bundle else None))))
    if page.context.get("updated"):
        out.append(_entry("updated", str(page.context["updated"])))  # YYYY-MM-DD from git (site_builder/git/lastmod.py)
    return "---\n{" + ",\n ".join(out) + "}\n---\n\n"


# Characters a YAML reader refuses raw or reads as line breaks inside a quoted string (JSON leaves them raw): written
# as `\uXXXX` escapes, which JSON and YAML read alike.
_YAML_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def json_yaml(value: Any) -> str:
    """A value as JSON text that a YAML reader reads as the same value."""
    return _YAML_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


@functools.lru_cache(maxsize=1 << 16)
def _entry(key: str, value: str | tuple[str, ...]) -> str:
    """`"key": value` of a front matter entry, remembered (titles and addresses recur on many pages)."""
    return f"{json_yaml(key)}: {json_yaml(value)}"


@functools.lru_cache(maxsize=1 << 16)
def _crumb(title: str, url: str) -> str:
    """One breadcrumb: `{"title": …, "url": …}`."""
    return f'{{"title": {json_yaml(title)}, "url": {json_yaml(url)}}}'


_ENVIRONMENTS: list[jinja2.Environment] = []
_COMPILED: list[jinja2.BytecodeCache | None] = []  # where this process's build keeps compiled templates


class _Environment(jinja2.Environment):
    """Jinja2's environment with plain-dict template globals (ours never change once the environment is made)."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """The environment's globals and the template's own in one dict.

        Jinja's ChainMap is copied key by key in Python into every page's context and every include's (~0.1 s at
        2,000 projects); a dict is copied in C.
        """
        return {**self.globals, **(d or {})}


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates in the build cache (`build/cache/templates`); a fresh build (`--full`) stores them, recalls none."""

    def __init__(self, cache: CacheDir) -> None:
        super().__init__(str(cache.folder / "templates"))
        self.recall = not cache.fresh

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Jinja's load, unless this build recalls nothing."""
        if self.recall:
            super().load_bytecode(bucket)


def keep_compiled_templates(cache: CacheDir | None) -> None:
    """Keep the templates compiled by this build in `cache` for the next (none: compile in every process, store nothing).

    Compiling our 20 templates took ~0.4 s of every build; Jinja keys each file by its source's checksum and Jinja's
    and Python's versions, so a changed template is compiled again.
    """
    compiled = None
    if cache is not None:
        with contextlib.suppress(OSError):  # a folder that cannot be made: compile, as without a cache
            (cache.folder / "templates").mkdir(parents=True, exist_ok=True)
            compiled = _CompiledTemplates(cache)
    _COMPILED[:] = [compiled]
    for env in _ENVIRONMENTS:
        env.bytecode_cache = compiled


def make_environment() -> jinja2.Environment:
    """The Jinja2 environment with the escaping filters and helpers."""
    env = _Environment(
        loader=jinja2.PackageLoader("site_builder.render", "templates"),
        autoescape=False,  # Markdown output: every data value goes through `h` or `md` explicitly
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED[0] if _COMPILED else None,  # keep_compiled_templates
    )
    env.filters.update(h=escape_html, md=escape_md, note=note_html, note_md=escape_note_md, heading=heading_md, heading_text=heading_text)
    env.tests["budgeted"] = lambda p: bool(project_total(p))
    env.globals.update(
        money=money, bullet_html=bullet_html, block_md=block_md, withheld_section=withheld_section,
        project_rows_html=project_rows_html, schedule_rows_html=schedule_rows_html, domain=domain, row_formats=ROW_FORMATS,
        portal_formats=portal_formats, portal_rows=PORTAL_ROWS, redaction=redaction_mod,
        node_path=node_path, project_path=project_path, project_page=project_page, unit_path=unit_path, page_href=page_href,
        plan_page=lambda kind, key: PLAN_PAGES[kind].path(key),
        **helpers.template_helpers(), **tables.template_helpers(), **progress.template_helpers(),
    )
    return env


def render_page(env: jinja2.Environment, page: Page, portal: Portal) -> str:
    """Render one page to Markdown with front matter."""
    template = env.get_template(page.template)
    # Per page, in the page's context (the macros are imported with it): table region names are unique per page, chart
    # ids count per page, so a page never depends on the pages rendered before it.
    context = {"portal": portal, "region_label": RegionLabels(), "chart": chart_maker(), **page.context}
    body = template.render(page=page, site=portal.site, link=page.link, **context)
    return _front_matter(page, portal.site) + _tidy(body)


def _tidy(body: str) -> str:
    r"""The body without white space at its ends, with one blank line wherever the templates left several.

    The same text as `re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"`: splitting at each three line breaks leaves
    the rest of a run at the start of the next piece, or a piece of line breaks only. A substring search and two
    copies instead of the regex engine stepping through all ~32 M characters (0.25 → 0.07 CPU s at 2,000 projects).
    """
    pieces = (piece.lstrip("\n") for piece in body.split("\n\n\n"))
    return "\n\n".join([piece for piece in pieces if piece]).strip() + "\n"




def _environment() -> jinja2.Environment:
    """The shared environment: compiled templates are kept (Jinja reloads a changed file), so `serve` regenerates fast."""
    if not _ENVIRONMENTS:
        _ENVIRONMENTS.append(make_environment())
    return _ENVIRONMENTS[0]


def _fresh_environment() -> jinja2.Environment:
    """The shared environment with every template compiled and up to date, not looked at again until the next call.

    Jinja would otherwise read each template file's mtime on every page, include and import (11,000 times at 2,000
    projects); once per rendering is enough for `serve`, which renders everything again after a change.
    """
    env = _environment()
    env.auto_reload = True
    for name in env.list_templates():
        env.get_template(name)
    env.auto_reload = False
    return env


def render_all(portal: Portal, pages: list[Page]) -> dict[str, str]:
    """Render every page; returns path → Markdown text."""
    env = _fresh_environment()
    return {page.path: render_page(env, page, portal) for page in pages}


def _render_here(portal: Portal, pages: list[Page], write: Writer | None) -> dict[str, str] | dict[str, bool]:
    """Render every page in this process: path → Markdown text, or with `write` each page put into the docs tree as it is made."""
    if write is None:
        return render_all(portal, pages)
    env = _fresh_environment()
    return {page.path: write(page.path, render_page(env, page, portal)) for page in pages}


# Pages render independently (chart ids and table labels restart on every page), so big portals are rendered by
# worker processes; the side jobs (downloads, search index) run in the same pool, first, so both cores stay busy
# to the end instead of the caller making them on a core the workers also want. The result is the same either way.
PARALLEL_MIN_PAGES = 400
_CHUNK = 40
SideJob = Callable[[Portal], Mapping[str, str | bytes]]
Writer = Callable[[str, str | bytes], bool]  # puts one file into the docs tree (path, content) → whether written (write.tree.update_file)


def worker_count(pages: int) -> int:
    """Worker processes worth starting for this many pages (0: render in this process).

    None for small portals, where forking is off (workers.can_fork) or with SITE_BUILDER_JOBS=1;
    otherwise one per core, at most 4.
    """
    jobs = configured_jobs(4)
    return jobs if pages >= PARALLEL_MIN_PAGES and jobs >= 2 and can_fork() else 0


def _render_chunk(span: tuple[int, int]) -> list[tuple[str, str | bool]]:
    """Render pages[start:stop] in a worker: (path, text), or (path, whether written) when the pages go straight to the docs tree."""
    portal, pages, _, write = inherited()
    env = _environment()
    rendered = ((page.path, render_page(env, page, portal)) for page in pages[span[0]:span[1]])
    return list(rendered) if write is None else [(path, write(path, text)) for path, text in rendered]


def _side_job(number: int) -> dict[str, str | bytes] | dict[str, bool]:
    """Run side job `number` in a worker (its files written straight to the docs tree when there is one)."""
    portal, _, side, write = inherited()
    return _written(side[number](portal), write)


def _written(files: Mapping[str, str | bytes], write: Writer | None) -> dict[str, str | bytes] | dict[str, bool]:
    """The files as they are, or each put into the docs tree by `write`: path → whether written."""
    if write is None:
        return dict(files)
    held = files.held if isinstance(files, Outputs) else frozenset()
    return {path: path not in held and write(path, content) for path, content in files.items()}


def _in_order(pages: dict[str, Any], side: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The pages, then each side job's files."""
    files: dict[str, Any] = dict(pages)
    for made in side:
        files.update(made)
    return files


def _streamed(pages: dict[str, Any], side: list[Mapping[str, Any]]) -> dict[str, bool]:
    """Path → whether written, of pages and side files written straight to the docs tree; a path made twice is a bug."""
    written: dict[str, bool] = dict(pages)
    for made in side:
        if doubled := written.keys() & made.keys():
            raise RuntimeError(f"generated twice: {sorted(doubled)[:3]}")  # two writers of one file: a bug, never bad data
        written.update(made)
    return written


@contextmanager
def rendering(portal: Portal, pages: list[Page], side: Sequence[SideJob] = ()) -> Iterator[Callable[[], dict[str, str | bytes]]]:
    """Start rendering every page and the side jobs; the yielded function waits for the files (pages in order, then each job's)."""
    with _rendering(portal, pages, side, None) as wait:
        yield wait


@contextmanager
def streaming(portal: Portal, pages: list[Page], write: Writer, side: Sequence[SideJob] = ()) -> Iterator[Callable[[], dict[str, bool]]]:
    """`rendering`, but every page and side file is put into the docs tree by `write` as soon as it is made.

    Each is written by the worker that made it (write.tree.update_file writes only changed bytes); the yielded
    function waits and gives path → whether written. Neither this process nor a worker holds all pages: at 100,000 projects they are gigabytes.
    """
    with _rendering(portal, pages, side, write) as wait:
        yield wait


@contextmanager
def _rendering(portal: Portal, pages: list[Page], side: Sequence[SideJob], write: Writer | None) -> Iterator[Callable[[], Any]]:
    """`rendering` (`write` None) or `streaming`."""
    join = _in_order if write is None else _streamed
    workers = worker_count(len(pages))
    if not workers:
        yield lambda: join(_render_here(portal, pages, write), [_written(job(portal), write) for job in side])
        return
    _fresh_environment()  # compiled once, before the fork, not once per worker
    # One process fewer than jobs: this one renders too, from the last chunk back, while waiting (every forked worker
    # would count the whole portal again in its memory, and dirty much of it).
    with forked(workers - 1, (portal, pages, side, write)) as pool:
        # Queued first, the longest (the search index) first: it starts at once. One side job per worker process at most:
        # the pool hands queued work to a worker before it is free (a queued job cannot be taken back), and a second
        # job queued behind the first would keep this process waiting at the end; it takes the rest itself (`_joined`).
        jobs = [pool.submit(_side_job, i) for i in range(min(len(side), workers - 1))]
        spans = [(i, min(i + _CHUNK, len(pages))) for i in range(0, len(pages), _CHUNK)]
        # Chunks with a portal-wide page (the all-projects table: megabytes of text) go to the workers first: what
        # rendering leaves in a process's heap leaves with a worker, but would stay in this one through MkDocs.
        order = sorted(range(len(spans)), key=lambda i: (all("/" in page.path for page in pages[spans[i][0]:spans[i][1]]), i))
        chunks = dict.fromkeys(order)
        for i in order:
            chunks[i] = pool.submit(_render_chunk, spans[i])
        yield lambda: _joined(join, jobs, chunks, spans, portal, pages, side, write)


def _joined(join: Callable[[dict[str, Any], list[Any]], Any], jobs: list[Any], chunks: dict[int, Any], spans: list[tuple[int, int]],
            portal: Portal, pages: list[Page], side: Sequence[SideJob], write: Writer | None) -> Any:
    """Every file: this process makes the side jobs no worker was given (`jobs`: the first ones), then renders pages beside the workers.

    With two cores the one worker makes the search index (~12 s at 10,000 projects) while this process makes the
    downloads (~3 s) and renders; before, the worker made both, and this process waited for the downloads at the end.
    """
    here = [_written(side[i](portal), write) for i in range(len(jobs), len(side))]
    pages_made = _render_alongside(chunks, spans, portal, pages, write)
    return join(pages_made, [job.result() for job in jobs] + here)


def _render_alongside(chunks: dict[int, Any], spans: list[tuple[int, int]], portal: Portal, pages: list[Page], write: Writer | None) -> dict[str, Any]:
    """The pages in order, rendered by this process and the workers together.

    `chunks`: the future of each span, in the order the workers take them. This process takes the chunks from the
    back that no worker has started, then waits for the rest.
    """
    env = _environment()
    here: dict[int, list[tuple[str, Any]]] = {}
    for i in reversed(list(chunks)):
        if not chunks[i].cancel():  # a worker has it (the ones before it too, or they are queued for a worker)
            continue
        rendered = ((page.path, render_page(env, page, portal)) for page in pages[spans[i][0]:spans[i][1]])
        here[i] = list(rendered) if write is None else [(path, write(path, text)) for path, text in rendered]
    return dict(pair for i in range(len(spans)) for pair in (here[i] if i in here else chunks[i].result()))
