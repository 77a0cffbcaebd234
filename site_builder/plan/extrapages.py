"""Portal-wide pages for citizens: the all-projects table, the search page and the downloads page."""

from __future__ import annotations

from ..model.columns import COLUMNS, HEADINGS, KPI_COLUMNS, KPI_HEADINGS, TYPE_NAMES, column_type
from ..model.portal import Portal
from .pages import Crumb, Page, registered


def citizen_pages(portal: Portal) -> list[Page]:
    """Pages that span every plan (stable paths: /projects/, /search/, /downloads/)."""
    home = [Crumb("홈", "index.md")]
    bundles = sorted(portal.plans, key=lambda b: b.key)
    return [
        registered("projects.md", home, {"bundles": bundles}),
        registered("search.md", home, {"bundles": bundles}),
        registered("downloads.md", home, {"bundles": bundles, "columns": _columns(), "kpi_columns": _columns(KPI_COLUMNS, KPI_HEADINGS)}),
    ]


def _columns(columns: list[tuple[str, str]] = COLUMNS, headings: dict[str, str] = HEADINGS) -> list[tuple[str, str, str, str]]:
    """(column, Korean heading, meaning, type) rows of a data dictionary (the project rows' unless told)."""
    return [(name, headings[name], text, TYPE_NAMES[column_type(name)]) for name, text in columns]
