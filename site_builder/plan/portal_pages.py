"""The portal-wide pages (not of one plan): the one place each one's path, title, template, sidebar entry and shard stand-in are declared."""

from __future__ import annotations

from dataclasses import dataclass

# From this many projects on, the portal-wide pages and files that grow with every project are split by plan
# (organisation and year): the all-projects table becomes an index of one table page per plan, and the all-projects
# XLSX (which cannot be streamed) gives way to the per-plan XLSX files; the portal-wide CSV and JSON stay whole.
# Below it nothing changes: one table keeps filtering across every plan (all delayed projects at once).
# Why 2,000 (measured at 10,000 projects, docs/performance.md): a table row is ~670 bytes of HTML, so the page stays
# near 1.5 MB (7.6 MB at 10,000 rows). On a phone (chromium at 390 px, CPU slowed 4×, a busy 2-core host) a table is
# ready in ~5 ms a row and sorts in ~3 ms a row: 2,000 rows ~10 s and ~6 s, 10,000 rows ~43 s and ~27 s, a plan's
# own page (~50 rows) 1.4 s and 0.5 s. 2,000 bounds a phone's wait there at ~10 s while portals of up to ~40 plans
# of 50 projects keep the one table (lower it if phones matter more than the cross-plan view). MkDocs is not what
# limits it (the raw-HTML hooks convert even the 6 MB page in 0.1 s, 2 s without them); the all-projects XLSX takes
# ~0.2 s per 1,000 rows and is the one download a spreadsheet must open whole.
PORTAL_TABLE_MAX_ROWS = 2_000


def splits(rows: int) -> bool:
    """Whether a portal of this many projects splits its growing pages and XLSX by plan (`PORTAL_TABLE_MAX_ROWS`)."""
    return rows >= PORTAL_TABLE_MAX_ROWS


@dataclass(frozen=True)
class Split:
    """How a portal-wide page splits in a portal of `PORTAL_TABLE_MAX_ROWS` projects or more: an index and a page per plan."""

    index: str  # the template of the portal-wide page then: an index of the plans' pages
    part: str  # the template of each plan's page
    name: str  # each plan's page is `<org>/<year>/<name>.md`: under the plan's folder, so the organisation's shard renders it

    def path(self, plan_key: str) -> str:
        """The page of the plan `<org>/<year>`."""
        return f"{plan_key}/{self.name}.md"


@dataclass(frozen=True)
class PortalPage:
    """A page of the whole portal; `template` None: a hand-written page of content/."""

    path: str
    title: str
    template: str | None = None
    nav: bool = True  # in the sidebar's fixed entries (after the plans), in this registry's order
    staff: bool = False  # a page for staff (guide, data format): in the staff menu of staff pages, never in the public sidebar
    stub: str = ""  # what a shard writes in its place (assemble builds the real page); "" = the title as a heading
    split: Split | None = None  # how the page splits by plan at `PORTAL_TABLE_MAX_ROWS` projects (None: it never grows with them)


# Sidebar order. The home page's title is the site's title; its sidebar entry (`홈`) comes first (engine/config.py).
PORTAL_PAGES: tuple[PortalPage, ...] = (
    PortalPage("index.md", "홈", "home.md.j2", nav=False),
    PortalPage("search.md", "검색", "search.md.j2"),
    PortalPage("projects.md", "전체 사업 표", "all_projects.md.j2", split=Split("projects_index.md.j2", "plan_table.md.j2", "all-projects")),
    PortalPage("downloads.md", "데이터 내려받기", "downloads.md.j2", stub="# 데이터 내려받기\n\n## 열 설명 { #columns }\n"),
    PortalPage("changes.md", "최근 변경", "changes.md.j2"),
    PortalPage("about.md", "정보공개 안내"),
    PortalPage("accessibility.md", "웹 접근성"),
    PortalPage("guide/index.md", "직원 안내서", staff=True),
    PortalPage("reference/data-format.md", "데이터 형식 안내", "reference.md.j2", staff=True),
)
# The hand-written staff guide: every page of content/guide/ is a staff page (its index is registered above).
STAFF_FOLDER = "guide/"
_BY_PATH = {page.path: page for page in PORTAL_PAGES}


def portal_page(path: str) -> PortalPage:
    """The registered portal-wide page at this path."""
    return _BY_PATH[path]


def stand_ins() -> dict[str, str | bytes]:
    """A shard's stand-ins for the generated portal-wide pages: the targets of its pages' links and sidebar."""
    return {p.path: p.stub or f"# {p.title}\n" for p in PORTAL_PAGES if p.template}


def nav_entries() -> list[tuple[str, str]]:
    """(title, path) of the public sidebar's fixed entries after the plans (no staff page)."""
    return [(p.title, p.path) for p in PORTAL_PAGES if p.nav and not p.staff]


def staff_entries() -> list[tuple[str, str]]:
    """(title, path) of the staff menu shown on staff pages, in this registry's order."""
    return [(p.title, p.path) for p in PORTAL_PAGES if p.staff]


def plan_parts() -> list[Split]:
    """How each portal-wide page that splits by plan at `PORTAL_TABLE_MAX_ROWS` projects does it (its plans' pages: `Split.path`)."""
    return [p.split for p in PORTAL_PAGES if p.split is not None]
