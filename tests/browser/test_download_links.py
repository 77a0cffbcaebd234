"""Every download link of the plan pages and of the downloads page answers, with the right content."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from tests.browser.conftest import Site


def _links(page: Any, selector: str) -> list[str]:
    return [urljoin(page.url, h) for h in page.eval_on_selector_all(selector, "as => as.map(a => a.getAttribute('href'))")]


def test_plan_and_downloads_pages_link_working_files(page: Any, site: Site) -> None:
    seen = set()
    for bundle in site.portal.plans:
        page.goto(site.at(f"{bundle.key}/"))
        links = _links(page, "#downloads ~ ul a[href*='downloads/']")
        assert len([u for u in links if "/downloads/" in u and u.rsplit(".", 1)[-1] in {"csv", "xlsx", "json"}]) == 9, links  # rows ×4, KPI results ×3, plan JSON, its schema
        seen.update(links)
    page.goto(site.at("downloads/"))
    seen.update(u for u in _links(page, "table.downloads a") if not u.endswith("/"))
    for url in sorted(seen):
        if url.endswith("/") or "#" in url:
            continue
        response = page.request.get(url)
        assert response.ok, url
        body = response.body()
        if url.endswith("-excel.csv"):
            assert body.startswith(b"\xef\xbb\xbf")
        elif url.endswith(".xlsx"):
            assert body.startswith(b"PK")
        elif url.endswith(".json"):
            assert body.lstrip()[:1] in (b"[", b"{")
