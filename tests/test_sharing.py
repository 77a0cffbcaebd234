"""A real deployment: where the site lives (site_url), a Korean 404 with the way on, shared links and followable changes."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from site_builder.pipeline.run import Paths, build
from tests.conftest import FIXTURE_DATA, ROOT, git, run_cli

SITE_URL = "https://example.github.io/plans/"


def _data(tmp: Path, site_url: str | None) -> Path:
    data = tmp / "data"
    shutil.copytree(FIXTURE_DATA, data)
    if site_url:
        site = data / "site.yaml"
        site.write_text(f"site_url: {site_url}\nfeedback: {{url: 'mailto:ask@example.go.kr'}}\n" + site.read_text(encoding="utf-8"), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture portal built with a site_url under a sub-path (as GitHub Pages serves a project site)."""
    tmp = tmp_path_factory.mktemp("published")
    data = _data(tmp, SITE_URL)
    git(tmp, "init", "-q", "-b", "main")
    git(tmp, "add", "data")
    git(tmp, "commit", "-q", "-m", "처음 올림", date="2024-01-10T10:00:00+09:00")
    checked, output = build(Paths(ROOT, data, tmp / "build"), tmp / "site")
    assert not checked.problems, output
    return tmp / "site"


def test_validate_warns_without_site_url_and_not_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _data(tmp_path / "a", None)
    _data(tmp_path / "b", SITE_URL)
    without, with_url = run_cli("validate", "--data", "a/data"), run_cli("validate", "--data", "b/data")
    assert without.code == with_url.code == 0
    assert "알림: site.yaml에 site_url(공개 주소" in without.err and "site_url" not in with_url.err
    github = run_cli("validate", "--format", "github", "--data", "a/data")
    assert "::warning file=a/data/site.yaml,line=1,col=1::site.yaml에 site_url" in github.out


def test_404_is_korean_with_search_and_styled_under_the_sub_path(published: Path) -> None:
    page = (published / "404.html").read_text(encoding="utf-8")
    assert "<h1>찾는 페이지가 없습니다</h1>" in page and "Not found" not in page
    assert re.search(r'<form[^>]*action="/plans/search/"', page) and 'name="q"' in page
    assert re.search(r'href="/plans/assets/stylesheets/main\.[0-9a-f]+\.min\.css"', page)


def test_sitemap_lists_every_page_with_its_address(published: Path) -> None:
    pages = [p for p in published.rglob("index.html")]
    locs = re.findall(r"<loc>([^<]+)</loc>", (published / "sitemap.xml").read_text(encoding="utf-8"))
    assert len(locs) == len(pages) and all(loc.startswith(SITE_URL) for loc in locs)


def test_pages_describe_themselves_for_shared_links(published: Path) -> None:
    page = (published / "demo-org/2024/projects/p1/index.html").read_text(encoding="utf-8")
    description = re.search(r'<meta name="description" content="([^"]+)"', page)
    assert description and description.group(1) == "시험군 2024년 행정과 업무계획의 사업 · 가팀 · 예산 2,300천원"
    assert f'<meta property="og:description" content="{description.group(1)}">' in page
    assert '<meta property="og:title" content="첫 사업 &lt;script&gt;' in page  # escaped data, as everywhere
    assert f'<meta property="og:url" content="{SITE_URL}demo-org/2024/projects/p1/">' in page
    assert f'class="permalink">{SITE_URL}demo-org/2024/projects/p1/<' in page


def test_every_page_points_feed_readers_at_the_change_feed(published: Path) -> None:
    for path in (published / "index.html", published / "demo-org/2024/index.html"):
        assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+: 최근 변경" href="[./]*feed\.xml">',
                         path.read_text(encoding="utf-8")), path
    assert "변경 소식 받아보기" in (published / "changes/index.html").read_text(encoding="utf-8")


def test_project_pages_offer_a_prefilled_way_to_ask(published: Path) -> None:
    page = (published / "demo-org/2024/projects/p2/index.html").read_text(encoding="utf-8")
    link = re.search(r'<p class="feedback">[^<]*<a href="([^"]+)">묻기·오류 신고</a>', page)
    assert link, "no feedback link on a project page"
    href = html.unescape(link.group(1))
    assert href.startswith("mailto:ask@example.go.kr?subject=") and quote("[둘째 사업] 묻기·오류 신고") in href
    assert quote(f"페이지: {SITE_URL}demo-org/2024/projects/p2/") in href
    assert 'class="feedback"' not in (published / "demo-org/2024/index.html").read_text(encoding="utf-8")  # projects only


def test_feedback_targets_fill_in_title_and_address() -> None:
    from site_builder.model import SiteConfig
    from site_builder.plan.pages import Page
    from site_builder.render.feedback import feedback_link

    page = Page("o/2024/projects/p1.md", "project.md.j2", "돌봄 & 사업", [], {"project": object()})
    site = SiteConfig(title="t", operator="o", site_url="https://x.go.kr/", feedback={"url": "https://issues.example/new?title={title}&body={url}"})
    assert feedback_link(page, site) == "https://issues.example/new?title=%EB%8F%8C%EB%B4%84%20%26%20%EC%82%AC%EC%97%85&body=https%3A%2F%2Fx.go.kr%2Fo%2F2024%2Fprojects%2Fp1%2F"
    assert feedback_link(page, SiteConfig(title="t", operator="o")) == ""


def test_extensions_say_so_and_whole_numbers_can_be_dialled() -> None:
    from site_builder.render.helpers import phone_html, phone_text

    assert phone_text("4032", None) == "내선 4032" and phone_text("4032", "063-280-4000") == "내선 4032 (대표 063-280-4000)"
    assert phone_html("4032", "063-280-4000") == '내선 4032 (대표 <a href="tel:0632804000">063-280-4000</a>)'
    assert phone_html("043)533-8897, 532-8897", None) == '<a href="tel:0435338897">043)533-8897, 532-8897</a>'
    assert phone_html("<b>", None) == "&lt;b&gt;"
