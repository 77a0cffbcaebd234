"""axe-core on the fictional demo portal (examples/data): its plan pages and a project page for every progress status.

The demo has what the real data lacks so far (two years, quarterly progress, every status, overspending, KPI results),
so the progress parts of the pages are checked here; it is built and served once for this module.
"""

from __future__ import annotations

import functools
import socketserver
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from site_builder.pipeline.run import Paths, build
from tests.browser.conftest import AXE, CHROMIUM, ROOT, _Quiet, need
from tests.conftest import DEMO_DATA

PAGES = {
    "plan-2024": "demo-city/2024/", "plan-2025": "demo-city/2025/",
    "done-over-budget": "demo-city/2024/projects/park/", "delayed": "demo-city/2024/projects/sidewalk/",
    "on-hold": "demo-city/2024/projects/child-care/", "cancelled": "demo-city/2024/projects/meal/",
    "in-progress": "demo-city/2024/projects/open-data/", "continued": "demo-city/2025/projects/sidewalk-2/",
    "planned-then-held": "demo-city/2025/projects/smart-bus/", "unit": "demo-city/2024/units/welfare/", "downloads": "downloads/",
}


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo portal, built once and served on 127.0.0.1."""
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    tmp = tmp_path_factory.mktemp("demo-site")
    checked, output = build(Paths(ROOT, DEMO_DATA, tmp / "build"), tmp / "site")
    assert checked.portal is not None and not checked.problems, (checked.problems[:3], output[-500:])
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp / "site")))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def demo_browser(browser: Any, demo_url: str) -> Any:
    """The session's browser: a second Playwright in the same process refuses to start while the first runs."""
    return browser


def _violations(browser: Any, url: str, width: int) -> list[dict[str, Any]]:
    """axe-core's violations on one page at one viewport width (page errors fail the test too)."""
    need(AXE.exists(), f"{AXE} is missing (make setup runs npm ci)")
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    page, errors = context.new_page(), []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        assert page.goto(url).ok, url
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    finally:
        context.close()
    assert not errors, errors
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in found]


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_axe_finds_nothing_on_the_demo(demo_browser: Any, demo_url: str, kind: str) -> None:
    assert _violations(demo_browser, demo_url + PAGES[kind], 1280) == []


@pytest.mark.parametrize("kind", ["plan-2024", "done-over-budget"])
def test_axe_finds_nothing_on_the_demo_at_phone_width(demo_browser: Any, demo_url: str, kind: str) -> None:
    assert _violations(demo_browser, demo_url + PAGES[kind], 390) == []
