"""The Atom feed of the portal's newest changes (feed.xml)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..git.history import Change, History
from ..plan.pages import project_url

FEED_EPOCH = "2024-01-01T00:00:00+00:00"  # `updated` of an empty feed: fixed, never the build time


def _feed_entry(change: Change, base: str, live: set[str]) -> str:
    """One Atom `<entry>`; hrefs are absolute when the site URL is known, else relative to feed.xml."""
    page = project_url(change.plan_key, change.project_id) if change.key in live else "changes/"
    ident = f"{base}{page}#{change.commit[:12]}" if base else f"urn:site-builder:{change.key}:{change.commit}"
    summary = "; ".join(change.messages)
    return (f"  <entry>\n    <title>{escape(change.title)} ({change.plan_key.rsplit('/', 1)[1]}년): {escape(change.messages[0])}"
            f"{escape(f' 외 {len(change.messages) - 1}건') if len(change.messages) > 1 else ''}</title>\n"
            f"    <id>{escape(ident)}</id>\n    <updated>{change.when.isoformat()}</updated>\n"
            f"    <link href=\"{escape(base + page)}\"/>\n    <summary type=\"text\">{escape(summary)}</summary>\n  </entry>\n")


def atom_feed(history: History, site_title: str, site_url: str | None, live: set[str], limit: int = 50) -> str:
    """The Atom feed of recent changes (feed.xml at the docs root); dates come from commits only."""
    base = (site_url.rstrip("/") + "/") if site_url else ""
    changes = history.recent(limit)
    updated = changes[0].when.isoformat() if changes else FEED_EPOCH
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ko">\n'
            f"  <title>{escape(site_title)} 최근 변경</title>\n"
            f"  <id>{escape(base + 'changes/') if base else 'urn:site-builder:changes'}</id>\n"
            f"  <updated>{updated}</updated>\n  <link rel=\"alternate\" href=\"{escape(base)}changes/\"/>\n"
            f"  <link rel=\"self\" href=\"{escape(base)}feed.xml\"/>\n  <author><name>{escape(site_title)}</name></author>\n")
    return head + "".join(_feed_entry(c, base, live) for c in changes) + "</feed>\n"
