"""The built site of data/: no broken internal link or anchor in any HTML page, byte-identical rebuilds, dates from git.

MkDocs strict checks only Markdown links; the raw HTML we emit (tables, cards, breadcrumbs) is checked here
by parsing every built page and resolving each href/src and #fragment against the built files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_builder.pipeline.run import Paths, build
from tests.conftest import ROOT, git

LINK_ATTRS = {"href", "src", "action", "poster", "data"}


class _Page(HTMLParser):
    """Ids (anchors) and link targets of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in LINK_ATTRS and not (tag in ("meta", "object") and name == "data"):
                self.links.append(value)
            elif name == "srcset":
                self.links += [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _target(site: Path, page: Path, url: str) -> tuple[Path | None, str]:
    """The built file a local URL points at (None when it does not exist) and its fragment."""
    parts = urlsplit(url)
    rel = unquote(parts.path)
    base = site if rel.startswith("/") else page.parent
    path = (base / rel.lstrip("/")).resolve() if rel else page
    if path.is_dir():
        path = path / "index.html"
    return (path if path.is_file() else None), unquote(parts.fragment)


def broken_links(site: Path) -> tuple[list[str], int]:
    """Every broken local link or anchor of the built site, and how many local links were checked."""
    pages = {p.resolve(): _parse(p) for p in sorted(site.rglob("*.html"))}
    broken, checked = [], 0
    for path, page in pages.items():
        for url in page.links:
            scheme = urlsplit(url).scheme
            if scheme in ("http", "https", "mailto", "tel", "data"):
                continue
            assert scheme == "", f"{path.relative_to(site.resolve())}: unexpected URL scheme in {url!r}"
            checked += 1
            target, fragment = _target(site.resolve(), path, url)
            where = f"{path.relative_to(site.resolve())} → {url}"
            if target is None or not target.resolve().is_relative_to(site.resolve()):
                broken.append(where)
            elif fragment and target.suffix == ".html" and fragment not in pages.get(target.resolve(), _Page()).ids:
                broken.append(where + " (없는 앵커)")
    return broken, checked


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("real")
    checked, output = build(Paths(ROOT, ROOT / "data", tmp / "build"), tmp / "site")
    assert not checked.problems, [p.format() for p in checked.problems] + [output]
    return tmp / "site"


def test_no_broken_internal_links_or_anchors(real_site: Path):
    broken, checked = broken_links(real_site)
    assert checked > 1000
    assert broken == []
    print(f"internal links and anchors checked: {checked} on {len(list(real_site.rglob('*.html')))} pages")


def test_checker_finds_a_broken_link_and_anchor(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text('<h2 id="x">x</h2><a href="../b/">b</a><a href="#x">x</a>', encoding="utf-8")
    (tmp_path / "index.html").write_text('<a href="a/#x">ok</a><a href="a/#nope">bad</a><img src="img/none.png">', encoding="utf-8")
    broken, checked = broken_links(tmp_path)
    assert checked == 5
    assert broken == ["a/index.html → ../b/", "index.html → a/#nope (없는 앵커)", "index.html → img/none.png"]


def test_real_data_builds_byte_identical_in_any_time_zone(real_site: Path, tmp_path: Path):
    # A second build in another process, clock date shifted by the time zone (UTC+14 vs the first build's zone):
    # any date taken from the clock instead of git would make the two trees differ.
    cmd = [sys.executable, "-m", "site_builder", "build", "--site-dir", str(tmp_path / "site"), "--build-dir", str(tmp_path / "build")]
    env = {**os.environ, "TZ": "Etc/GMT-14"}
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    first, second = _tree(real_site), _tree(tmp_path / "site")
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_dates_on_pages_come_from_git_not_the_clock(tmp_path: Path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    git(repo, "init", "-q")
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "plans", date="2021-03-04T12:00:00+09:00")
    checked, output = build(Paths(ROOT, repo / "data", tmp_path / "build"), tmp_path / "site")
    assert not checked.problems, output
    dates: set[str] = set()
    for page in (tmp_path / "site").rglob("*.html"):
        dates |= set(re.findall(r'<time datetime="([0-9-]+)"', page.read_text(encoding="utf-8")))
    assert dates == {"2021-03-04"}
    sitemap = (tmp_path / "site/sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([0-9-]+)</lastmod>", sitemap)) <= {"2024-01-01"}  # SOURCE_DATE_EPOCH, fixed
