"""Portal-wide pages for citizens: the all-projects table, the search page and the downloads page."""

from __future__ import annotations

from ..model.columns import COLUMNS, HEADINGS, NUMERIC
from ..model.portal import Portal
from .pages import Crumb, Page, registered


def citizen_pages(portal: Portal) -> list[Page]:
    """Pages that span every plan (stable paths: /projects/, /search/, /downloads/)."""
    home = [Crumb("홈", "index.md")]
    bundles = sorted(portal.plans, key=lambda b: b.key)
    return [
        registered("projects.md", home, {"bundles": bundles}),
        registered("search.md", home, {"bundles": bundles}),
        registered("downloads.md", home, {"bundles": bundles, "columns": _columns()}),
    ]


def _columns() -> list[tuple[str, str, str, str]]:
    """(column, Korean heading, meaning, type) rows of the data dictionary."""
    return [(name, HEADINGS[name], text, "정수" if name in NUMERIC else "글자") for name, text in COLUMNS]
