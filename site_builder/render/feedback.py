"""The 「묻기·오류 신고」 link of a project page: the site's configured target, pre-filled with the project and its address."""

from __future__ import annotations

from urllib.parse import quote

from ..model import SiteConfig
from ..plan.pages import Page, page_url


def feedback_link(page: Page, site: SiteConfig | None) -> str:
    """The link's address for a project page ('' for other pages or when the site configures no target)."""
    if site is None or site.feedback is None or page.context.get("project") is None:
        return ""
    address = f"{site.site_url.rstrip('/')}/{page_url(page.path)}" if site.site_url else f"/{page_url(page.path)}"
    url = site.feedback.url
    if url.lower().startswith("mailto:"):  # a mail opens with what it is about already written
        subject = f"[{page.title}] {site.feedback.label}"
        body = f"사업: {page.title}\n페이지: {address}\n\n묻고 싶은 점이나 바로잡을 내용:\n"
        return f"{url}{'&' if '?' in url else '?'}subject={quote(subject)}&body={quote(body)}"
    return url.replace("{title}", quote(page.title)).replace("{url}", quote(address, safe=""))
