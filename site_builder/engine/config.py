"""The per-build MkDocs configuration: inherits mkdocs.yml and adds what comes from data/site.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..model.portal import Portal
from ..plan.portal_pages import STAFF_FOLDER, nav_entries, staff_entries
from ..render.markdown import escape_html as escape

# MkDocs' theme templates print config values without escaping (`{{ config.site_name }}`, our footer partial),
# so every value that comes from data/site.yaml or org.yaml is HTML-escaped here.

# Fixed pages after the plans: generated ones (search, all projects, downloads, changes, reference) and content/.
FIXED_PAGES = nav_entries()


# Every page carries the whole navigation, so beyond this many organisations the sidebar would grow with the
# portal (and every page with it): then the home page's table of plans is the way in, and the sidebar stays fixed.
NAV_MAX_ORGS = 8


def _nav(portal: Portal) -> list[Any]:
    """Navigation: home, one entry per plan overview (never per project) for a few organisations, then the fixed pages."""
    fixed = [{title: path} for title, path in FIXED_PAGES]
    if len({b.org.id for b in portal.plans}) > NAV_MAX_ORGS:
        return [{"홈": "index.md"}] + fixed
    plans = []
    for org_id in sorted({b.org.id for b in portal.plans}):
        bundles = sorted((b for b in portal.plans if b.org.id == org_id), key=lambda b: -b.plan.year)
        plans.append({escape(bundles[0].org.name): [{f"{b.plan.year}년 계획": f"{b.key}/index.md"} for b in bundles]})
    return [{"홈": "index.md"}, {"계획": plans}] + fixed


def _staff(root: Path) -> dict[str, Any]:
    """What the theme needs for staff pages: their source paths (the staff guide folder and the registered ones) and the staff menu."""
    guide = sorted(f"{STAFF_FOLDER}{p.name}" for p in (root / "content" / STAFF_FOLDER).glob("*.md"))
    menu = staff_entries()
    pages = list(dict.fromkeys(guide + [path for _, path in menu]))
    return {"pages": pages, "menu": [{"title": title, "url": _page_url(path)} for title, path in menu]}


def _page_url(path: str) -> str:
    """Site-relative directory URL of a docs page (`guide/index.md` → `guide/`)."""
    return path.removesuffix("index.md") if path.endswith("index.md") else path.removesuffix(".md") + "/"


def config_text(portal: Portal, root: Path, relaxed: bool = False) -> str:
    """YAML text of the per-build config; absolute paths let the build directory live anywhere.

    `relaxed` (a shard, an assembly): links into other shards are checked after assembly instead of by MkDocs.
    """
    site = portal.site
    config: dict[str, Any] = {
        "INHERIT": str((root / "mkdocs.yml").resolve()),
        "site_name": escape(site.title),
        "docs_dir": "docs",
        "theme": {"name": "material", "custom_dir": str((root / "theme").resolve()), "language": "ko"},
        "nav": _nav(portal),
        # Our raw-HTML blocks skip Python-Markdown's HTML parser (same HTML, MkDocs about twice as fast): engine/hooks.py
        "hooks": [str(Path(__file__).with_name("hooks.py").resolve())],
        "extra": {"furniture": {
            "operator": escape(site.operator), "phone": escape(site.operator_phone) or None, "license": site.license,
            "links": [{"title": escape(link.title), "url": escape(link.url)} for link in site.footer_links],
        }, "staff": _staff(root)},
    }
    if site.description:
        config["site_description"] = escape(site.description)
    if site.site_url:
        config["site_url"] = site.site_url
    if relaxed:
        config["validation"] = {"links": {"not_found": "info"}, "nav": {"not_found": "info"}}
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
