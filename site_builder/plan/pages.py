"""Plan stage: decide every page (path, template, context) before anything is rendered."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from typing import Any

from ..check.findings import plan_findings
from ..git.history import History
from ..model import Project, StrategyNode
from ..model.portal import PlanBundle, Portal
from .directory import plan_directory
from .plan_pages import PLAN_PAGES
from .portal_pages import portal_page
from .years import other_years


@dataclass(frozen=True)
class Crumb:
    """One breadcrumb: title and page path (Markdown, relative to the docs root)."""

    title: str
    path: str


@dataclass
class Page:
    """One page to render: where it goes, which template, with what."""

    path: str
    template: str
    title: str
    crumbs: list[Crumb]
    context: dict[str, Any] = field(default_factory=dict)
    department: str | None = None
    phone: str | None = None

    def link(self, target: str) -> str:
        """Relative Markdown link from this page to another page path."""
        return posixpath.relpath(target, posixpath.dirname(self.path) or ".")


def plan_root(bundle: PlanBundle) -> str:
    """Folder of a plan's pages: `<org>/<year>`."""
    return f"{bundle.org.id}/{bundle.plan.year}"


def project_page(plan_key: str, project_id: str) -> str:
    """Page path of a project of the plan `<org>/<year>` (the address scheme is declared in `plan_pages.PLAN_PAGES`)."""
    return PLAN_PAGES["project"].path(plan_key, project_id)


def page_url(path: str) -> str:
    """Directory-style URL of a Markdown page path ('' for the home page)."""
    if path == "index.md":
        return ""
    return path[: -len("index.md")] if path.endswith("/index.md") else path[:-3] + "/"


def page_href(page: Page, target: str) -> str:
    """Relative URL from a page to another page, as the browser resolves it."""
    rel = _relative_url(page_url(target), page_url(page.path))
    return rel + "/" if rel else "./"


def file_href(page: Page, target: str) -> str:
    """Relative URL from a page to a file of the docs tree (an original document, a download)."""
    return _relative_url(target, page_url(page.path))


@functools.lru_cache(maxsize=1 << 16)
def _parts(url: str) -> tuple[str, ...]:
    """The folders of a site URL (`a/b/` → `a`, `b`)."""
    return tuple(part for part in posixpath.normpath(url or ".").split("/") if part != ".")


def _relative_url(target: str, base: str) -> str:
    """`posixpath.relpath` of two site URLs without touching the file system (relpath asks for the cwd)."""
    to, start = _parts(target), _parts(base)
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + list(to[common:]))


def project_url(plan_key: str, project_id: str) -> str:
    """Address of a project's page relative to the site root (`<org>/<year>/projects/<id>/`)."""
    return PLAN_PAGES["project"].url(plan_key, project_id)


def project_path(bundle: PlanBundle, project_id: str) -> str:
    """Page path of a project."""
    return project_page(plan_root(bundle), project_id)


def node_path(bundle: PlanBundle, node_id: str) -> str:
    """Page path of a strategy node."""
    return PLAN_PAGES["node"].path(plan_root(bundle), node_id)


def unit_path(bundle: PlanBundle, unit_id: str) -> str:
    """Page path of a unit."""
    return PLAN_PAGES["unit"].path(plan_root(bundle), unit_id)


def _plan_crumbs(bundle: PlanBundle) -> list[Crumb]:
    """Breadcrumbs down to a plan overview."""
    return [
        Crumb("홈", "index.md"),
        Crumb(bundle.org.name, f"{bundle.org.id}/index.md"),
        Crumb(f"{bundle.plan.year}년 {bundle.plan.title}", f"{plan_root(bundle)}/index.md"),
    ]


def _node_crumbs(bundle: PlanBundle, parents: list[StrategyNode]) -> list[Crumb]:
    """Breadcrumbs down to a node's parent."""
    return _plan_crumbs(bundle) + [Crumb(p.title, node_path(bundle, p.id)) for p in parents]


def _project_page(bundle: PlanBundle, project: Project, parents: dict[str, list[StrategyNode]], nodes: dict[str, StrategyNode]) -> Page:
    """The page of one project, under its strategy node when it has one."""
    crumbs = _plan_crumbs(bundle)
    if project.strategy in nodes:
        node = nodes[project.strategy]
        crumbs = _node_crumbs(bundle, parents[node.id]) + [Crumb(node.title, node_path(bundle, node.id))]
    unit = bundle.unit_by_id.get(project.unit) if project.unit is not None else None
    phone = next((c.phone for c in project.contacts if c.phone), None)
    return Page(project_path(bundle, project.id), PLAN_PAGES["project"].template, project.title, crumbs,
                {"project": project, "unit": unit, "node": nodes.get(project.strategy or "")},
                department=unit.name if unit else bundle.org.name, phone=phone)


def plan_pages(bundle: PlanBundle) -> list[Page]:
    """Every page of one plan."""
    root, base = plan_root(bundle), {"bundle": bundle}
    nodes = {n.id: n for n, _, _ in bundle.nodes()}
    parents = {n.id: ps for n, _, ps in bundle.nodes()}
    depth = {n.id: d for n, d, _ in bundle.nodes()}
    crumbs = _plan_crumbs(bundle)
    title = f"{bundle.plan.year}년 {bundle.plan.title}"
    kinds = PLAN_PAGES
    pages = [
        Page(kinds["plan"].path(root), kinds["plan"].template, title, crumbs[:-1], base),
        Page(kinds["budget"].path(root), kinds["budget"].template, f"{title} 예산", crumbs, base),
        Page(kinds["quality"].path(root), kinds["quality"].template, f"{title} 원문 점검", crumbs, {**base, "findings": plan_findings(bundle)}),
    ]
    for node in nodes.values():
        level = bundle.plan.levels[depth[node.id]].name
        pages.append(Page(node_path(bundle, node.id), kinds["node"].template, node.title, _node_crumbs(bundle, parents[node.id]),
                          {**base, "node": node, "level": level, "depth": depth[node.id], "parents": parents[node.id]}))
    for unit in bundle.plan.units:
        pages.append(Page(unit_path(bundle, unit.id), kinds["unit"].template, unit.name, crumbs, {**base, "unit": unit}, department=unit.name))
    pages += [_project_page(bundle, p, parents, nodes) for p in bundle.projects]
    for page in pages:
        page.context.setdefault("bundle", bundle)
    return pages


def _add_years_and_history(pages: list[Page], portal: Portal, history: History) -> None:
    """Give every project page its other years and its change history."""
    related = other_years(portal)
    for page in pages:
        if page.template == "project.md.j2":
            key = f"{page.context['bundle'].key}/{page.context['project'].id}"
            page.context.update(other_years=related.get(key, []), project_changes=history.of(key))


def registered(path: str, crumbs: list[Crumb], context: dict[str, Any], title: str | None = None, split: bool = False) -> Page:
    """A portal-wide page as `portal_pages.PORTAL_PAGES` declares it (template, title unless given; `split`: its index template)."""
    kind = portal_page(path)
    assert kind.template is not None, path  # hand-written pages are not rendered
    template = kind.split.index if split and kind.split else kind.template
    return Page(path, template, title or kind.title, crumbs, context)


def portal_pages(portal: Portal, history: History | None = None, plans: bool = True) -> list[Page]:
    """Every generated page of the portal, in a stable order (history: from git, may be empty).

    Without `plans`, only the portal-wide ones (home, reference, changes): none under an organisation's folder.
    """
    home = [Crumb("홈", "index.md")]
    pages = [registered("index.md", [], {"portal": portal, "directory": plan_directory(portal.plans)}, title=portal.site.title)]
    for org_id in sorted({b.org.id for b in portal.plans}) if plans else []:
        bundles = sorted((b for b in portal.plans if b.org.id == org_id), key=lambda b: -b.plan.year)
        pages.append(Page(f"{org_id}/index.md", "org.md.j2", bundles[0].org.name, home, {"org": bundles[0].org, "bundles": bundles}))
    for bundle in portal.plans if plans else []:
        pages += plan_pages(bundle)
    pages.append(registered("reference/data-format.md", home + [Crumb("직원 안내서", "guide/index.md")], {}))
    history = history or History()
    _add_years_and_history(pages, portal, history)
    live = {f"{b.key}/{p.id}" for b in portal.plans for p in b.projects}
    plan_names = {b.key: f"{b.org.name} {b.plan.year}년" for b in portal.plans}
    pages.append(registered("changes.md", home, {"history": history, "recent": history.recent(), "live": live, "plan_names": plan_names}))
    return pages
