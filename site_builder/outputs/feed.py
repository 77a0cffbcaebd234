"""Atom feeds of changes: the portal's (`feed.xml`), and one beside each plan, unit and project page (`…/feed.xml`).

A citizen follows what they care about: one project, a department's projects, a whole plan, or everything.
Dates come from commits only, so the same data gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..git.history import Change, History
from ..model.portal import PlanBundle
from ..plan.pages import Page, page_url, project_url

FEED_EPOCH = "2024-01-01T00:00:00+00:00"  # `updated` of an empty feed: fixed, never the build time
FEED_NAME = "feed.xml"
PAGE_FEED_LIMIT = 50  # entries of one page's feed (a project rarely has more)


@dataclass(frozen=True)
class Feed:
    """What one feed is about: its title, the page it follows and where it lives (paths relative to the site root)."""

    title: str
    page: str  # directory-style URL of the page it follows ('' for the home page)
    path: str  # the feed file's path
    ident: str  # stable id when the site URL is unknown


def _feed_entry(change: Change, base: str, live: set[str]) -> str:
    """One Atom `<entry>`; hrefs are absolute when the site URL is known, else site-root paths."""
    page = project_url(change.plan_key, change.project_id) if change.key in live else "changes/"
    ident = f"{base}{page}#{change.commit[:12]}" if base else f"urn:site-builder:{change.key}:{change.commit}"
    summary = "; ".join(change.messages)
    return (f"  <entry>\n    <title>{escape(change.title)} ({change.plan_key.rsplit('/', 1)[1]}년): {escape(change.messages[0])}"
            f"{escape(f' 외 {len(change.messages) - 1}건') if len(change.messages) > 1 else ''}</title>\n"
            f"    <id>{escape(ident)}</id>\n    <updated>{change.when.isoformat()}</updated>\n"
            f"    <link href=\"{escape(base + page)}\"/>\n    <summary type=\"text\">{escape(summary)}</summary>\n  </entry>\n")


def feed_text(feed: Feed, changes: list[Change], site_title: str, site_url: str | None, live: set[str]) -> str:
    """One Atom feed of `changes` (newest first)."""
    base = (site_url.rstrip("/") + "/") if site_url else ""
    updated = changes[0].when.isoformat() if changes else FEED_EPOCH
    # Without the site URL, links are site-root paths: xml:base takes a feed below the root back up to it.
    up = "../" * feed.path.count("/")
    root = f' xml:base="{up}"' if up and not base else ""
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ko"{root}>\n'
            f"  <title>{escape(feed.title)}</title>\n"
            f"  <id>{escape(base + feed.page) if base else feed.ident}</id>\n"
            f"  <updated>{updated}</updated>\n  <link rel=\"alternate\" href=\"{escape(base + feed.page)}\"/>\n"
            f"  <link rel=\"self\" href=\"{escape(base + feed.path)}\"/>\n  <author><name>{escape(site_title)}</name></author>\n")
    return head + "".join(_feed_entry(c, base, live) for c in changes) + "</feed>\n"


def atom_feed(history: History, site_title: str, site_url: str | None, live: set[str], limit: int = 50) -> str:
    """The portal's feed of recent changes (feed.xml at the docs root)."""
    feed = Feed(f"{site_title} 최근 변경", "changes/", FEED_NAME, "urn:site-builder:changes")
    return feed_text(feed, history.recent(limit), site_title, site_url, live)


def page_feed_path(page: Page) -> str | None:
    """Where the feed of a plan, unit or project page lives (`<page folder>/feed.xml`), None for other pages."""
    return page_url(page.path) + FEED_NAME if page.template in ("plan.md.j2", "unit.md.j2", "project.md.j2") else None


def page_feeds(pages: Iterable[Page], history: History, site_title: str, site_url: str | None, live: set[str]) -> dict[str, str]:
    """The feed of every plan, unit and project page among `pages`."""
    out = {}
    by_plan: dict[str, list[str]] = {}  # every project file's key with history, by plan (deleted ones included)
    for key in history.by_project:
        by_plan.setdefault(key.rsplit("/", 1)[0], []).append(key)
    for page in pages:
        path = page_feed_path(page)
        if path is not None:
            feed = Feed(f"{page.title} 변경 소식", page_url(page.path), path, f"urn:site-builder:{path}")
            out[path] = feed_text(feed, _changes_of(page, history, by_plan), site_title, site_url, live)
    return out


def _changes_of(page: Page, history: History, by_plan: dict[str, list[str]]) -> list[Change]:
    """The changes a page's feed lists: its project's, its unit's projects', or its plan's (newest first)."""
    bundle: PlanBundle = page.context["bundle"]
    if (project := page.context.get("project")) is not None:
        keys = [f"{bundle.key}/{project.id}"]
    elif (unit := page.context.get("unit")) is not None:
        keys = [f"{bundle.key}/{p.id}" for p in bundle.projects if p.unit == unit.id]
    else:  # the plan: every project file of it, deleted ones included (grouped once, not scanned per plan)
        keys = by_plan.get(bundle.key, [])
    changes = [c for key in keys for c in history.of(key)]
    return sorted(changes, key=lambda c: (-c.when.timestamp(), c.key))[:PAGE_FEED_LIMIT]
