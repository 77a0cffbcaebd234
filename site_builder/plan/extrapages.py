"""Portal-wide pages for citizens: the all-projects table (split by plan in big portals), the search page and the downloads page."""

from __future__ import annotations

from collections.abc import Callable

from ..model.columns import COLUMNS, HEADINGS, KPI_COLUMNS, KPI_HEADINGS, TYPE_NAMES, column_type
from ..model.portal import PlanBundle, PlanOutline, Portal
from .directory import PLAN_PAGE_SIZE, DirectoryPage, plan_directory
from .pages import Crumb, Page, registered
from .portal_pages import portal_page, splits

HOME = [Crumb("홈", "index.md")]


def citizen_pages(portal: Portal, parts: bool = True) -> list[Page]:
    """Pages that span every plan (stable paths: /projects/, /search/, /downloads/), with each plan's table page in a big portal (unless not `parts`)."""
    bundles = sorted(portal.plans, key=lambda b: b.key)
    rows = portal.project_count()
    split = portal_page("projects.md").split if splits(rows) else None
    part, directory = split.path if split else None, plan_directory(bundles)
    pages = [
        registered("projects.md", HOME, {"bundles": bundles, "rows": rows, "part": part, "directory": directory}, split=split is not None),
        registered("search.md", HOME, {"bundles": bundles, "lazy": bool(directory)}),  # very many plans: the filter lists come with plans/all.json
        registered("downloads.md", HOME, {"bundles": bundles, "columns": _columns(), "kpi_columns": _columns(KPI_COLUMNS, KPI_HEADINGS),
                                          "rows": rows, "split": split is not None, "directory": directory}),
    ]
    pages += directory_pages(directory, len(bundles), part)
    return pages + (plan_table_pages(portal, bundles, rows) if split and parts else [])


def directory_pages(directory: list[DirectoryPage], plans: int, part: Callable[[str], str] | None) -> list[Page]:
    """The plan directory's pages (`plans/<n>.md`: none below PLAN_LIST_MAX plans), each with the pages beside it."""
    pages = []
    for i, entry in enumerate(directory):
        beside = [("이전", "prev", directory[i - 1] if i else None), ("다음", "next", directory[i + 1] if i + 1 < len(directory) else None)]
        context = {"entry": entry, "neighbours": [(w, rel, d) for w, rel, d in beside if d is not None], "plans": plans,
                   "size": PLAN_PAGE_SIZE, "part": part}
        pages.append(Page(entry.path, "plan_list.md.j2", entry.title, HOME, context))
    return pages


def plan_table_pages(portal: Portal, bundles: list[PlanBundle], rows: int) -> list[Page]:
    """Each plan's part of the split all-projects table (`<org>/<year>/all-projects.md`), with the way back and to the plans beside it."""
    index = portal_page("projects.md")
    assert index.split is not None
    outline = portal.whole()  # a shard's pages link to other organisations' plans too
    where = {o.key: i for i, o in enumerate(outline)}
    crumbs = HOME + [Crumb(index.title, index.path)]
    pages = []
    for bundle in bundles:
        i = where[bundle.key]
        beside = [("이전", "prev", outline[i - 1] if i else None), ("다음", "next", outline[i + 1] if i + 1 < len(outline) else None)]
        neighbours = [(word, rel, o, index.split.path(o.key)) for word, rel, o in beside if o is not None]
        context = {"bundle": bundle, "neighbours": neighbours, "index": index.path, "rows_total": rows, "position": (i + 1, len(outline))}
        pages.append(Page(index.split.path(bundle.key), index.split.part, plan_table_title(outline[i]), crumbs, context))
    return pages


def plan_table_title(plan: PlanOutline) -> str:
    """`시험군 2024년 사업 표`: the title of a plan's part of the split all-projects table."""
    return f"{plan.org_name} {plan.year}년 사업 표"


def _columns(columns: list[tuple[str, str]] = COLUMNS, headings: dict[str, str] = HEADINGS) -> list[tuple[str, str, str, str]]:
    """(column, Korean heading, meaning, type) rows of a data dictionary (the project rows' unless told)."""
    return [(name, headings[name], text, TYPE_NAMES[column_type(name)]) for name, text in columns]
