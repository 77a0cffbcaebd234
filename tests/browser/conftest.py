"""Browser tests: build the real portal once, serve it on 127.0.0.1, drive Debian's chromium with Playwright.

Skipped when /usr/bin/chromium is missing, unless REQUIRE_BROWSER=1 (CI), which turns the skip into a failure.
Never downloads a browser: Playwright is pointed at the system chromium.
"""

from __future__ import annotations

import functools
import http.server
import os
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from site_builder.model.portal import Portal
from site_builder.pipeline.run import Paths, build, check

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def need(condition: bool, why: str) -> None:
    """Skip (or fail under REQUIRE_BROWSER=1) when a browser prerequisite is missing."""
    if condition:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {why}")
    pytest.skip(why)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder carries the `browser` marker."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@dataclass
class Site:
    """The built portal, where it is served, and its data."""

    root: Path
    url: str
    portal: Portal

    def at(self, path: str) -> str:
        """Absolute URL of a site path."""
        return self.url + path.lstrip("/")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    tmp = tmp_path_factory.mktemp("browser-site")
    checked, output = build(Paths(ROOT, build=tmp / "build"), tmp / "site")
    assert checked.portal is not None and not checked.problems, (checked.problems[:3], output[-500:])
    server, url = serve_folder(tmp / "site")
    yield Site(tmp / "site", url, checked.portal)
    server.shutdown()
    server.server_close()


def serve_folder(folder: Path) -> tuple[socketserver.ThreadingTCPServer, str]:
    """Serve a built site on a free port of 127.0.0.1 in a daemon thread; (server, base URL)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _built(tmp_path_factory: pytest.TempPathFactory, data: Path) -> Iterator[Site]:
    """A portal of test data built with the real content and theme, served while the session lasts."""
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    tmp = tmp_path_factory.mktemp("fixture-site")
    checked, output = build(Paths(ROOT, data=data, build=tmp / "build"), tmp / "site")
    assert checked.portal is not None and not checked.problems, (checked.problems[:3], output[-500:])
    server, url = serve_folder(tmp / "site")
    yield Site(tmp / "site", url, checked.portal)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def progress_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The fixture portal (tests/fixtures/data, with its progress reports): the real plans have none."""
    yield from _built(tmp_path_factory, ROOT / "tests" / "fixtures" / "data")


@pytest.fixture(scope="session")
def years_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The portal of one organisation with two years (tests/fixtures_multiyear)."""
    yield from _built(tmp_path_factory, ROOT / "tests" / "fixtures_multiyear" / "data")


@pytest.fixture(scope="session")
def browser(site: Site) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR", is_mobile=True, has_touch=True, device_scale_factor=2)
    pg = context.new_page()
    yield pg
    context.close()


def page_types(portal: Portal) -> dict[str, str]:
    """One URL path per page type, taken from the data (first plan with units and strategy)."""
    bundle = next((b for b in sorted(portal.plans, key=lambda b: b.key) if b.plan.units and b.projects), sorted(portal.plans, key=lambda b: b.key)[0])
    node = next(n for n, _, _ in bundle.nodes())
    project = bundle.projects[0]
    paths = {
        "home": "", "org": f"{bundle.org.id}/", "plan": f"{bundle.key}/", "node": f"{bundle.key}/strategy/{node.id}/",
        "project": f"{bundle.key}/projects/{project.id}/", "budget": f"{bundle.key}/budget/", "quality": f"{bundle.key}/quality/",
        "reference": "reference/data-format/", "search": "search/?q=%EB%8F%8C%EB%B4%84", "all-projects": "projects/",
        "downloads": "downloads/", "about": "about/", "changes": "changes/",
    }
    if bundle.plan.units:
        paths["unit"] = f"{bundle.key}/units/{bundle.plan.units[0].id}/"
    return paths


def data_portal() -> Portal:
    """The real portal (for expectations computed from data)."""
    portal = check(ROOT / "data").portal
    assert portal is not None
    return portal
