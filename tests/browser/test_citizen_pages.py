"""The citizen pages of the real portal read as pages, not as markup: built HTML scanned as text, and a browser look."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tests.browser.conftest import Site

# Text inside these elements is code (or not text): a backtick there is meant.
_CODE = {"code", "pre", "kbd", "samp", "script", "style", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The text a reader sees of one page (code elements and scripts left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not _CODE.intersection(self.open):
            self.parts.append(data)


def page_text(path: Path) -> str:
    """Visible text of a built page outside code elements."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def _pages(site: Site) -> list[Path]:
    return sorted(site.root.rglob("*.html"))


def _where(site: Site, pattern: str) -> dict[str, int]:
    """Pages (site paths) whose text matches, with the number of matches."""
    rx = re.compile(pattern)
    found = {p.relative_to(site.root).as_posix(): len(rx.findall(page_text(p))) for p in _pages(site)}
    return {k: v for k, v in found.items() if v}


def test_no_literal_backtick_outside_code(site: Site) -> None:
    assert _where(site, "`") == {}


def test_no_doubled_list_marker(site: Site) -> None:
    # `- ◆ 목표` of the text export shows the document's ◆ once, never a hyphen before it.
    assert _where(site, r"(?m)(?:^|\n)\s*[-–]\s*[◆◇▣□■○●※]") == {}
    doubled = re.compile(r'<span class="doc-marker"[^>]*>[-–·•]</span>\s*[◆◇▣□■○●※]')
    assert [p.name for p in _pages(site) if doubled.search(p.read_text(encoding="utf-8"))] == []


def test_angle_bracket_headings_read_as_words(site: Site) -> None:
    headings = re.compile(r"<h[1-6][^>]*>\s*(?:&lt;|<)\s")
    assert [p.relative_to(site.root).as_posix() for p in _pages(site) if headings.search(p.read_text(encoding="utf-8"))] == []


def test_every_strategy_page_lists_projects_and_links_its_parents(site: Site) -> None:
    empty = []
    for bundle in site.portal.plans:
        for node, _, parents in bundle.nodes():
            html = (site.root / bundle.key / "strategy" / node.id / "index.html").read_text(encoding="utf-8")
            if not re.search(r'<table class="data-table projects[^>]*>.*?<a href="\.\./\.\./projects/[^"]+/">', html, re.S):
                empty.append(f"{bundle.key}/{node.id}")
            for parent in parents:
                assert f'<a href="../{parent.id}/">' in html, (node.id, parent.id)
    assert empty == []


def test_a_node_without_own_projects_leads_to_them(page: Any, site: Site) -> None:
    from site_builder.model.portal import node_projects

    bundle, node = next((b, n) for b in site.portal.plans for n, _, _ in b.nodes() if not node_projects(b, n))
    page.goto(site.at(f"{bundle.key}/strategy/{node.id}/"))
    assert "연결된 사업은 원문에 없습니다" in page.inner_text(".node-empty")
    links = page.locator("table.projects tbody th a")
    assert links.count() > 0
    links.first.click()
    page.wait_for_load_state()
    assert "/projects/" in page.url


def test_public_menu_has_no_staff_page(site: Site) -> None:
    for citizen in ("index.html", "about/index.html", "projects/index.html"):
        html = (site.root / citizen).read_text(encoding="utf-8")
        assert "직원 안내서" not in html and "데이터 형식 안내" not in html, citizen
        assert not re.search(r'href="[^"]*(?:guide|reference)/', html), citizen
        assert 'aria-label="직원용 메뉴"' not in html
    staff = (site.root / "guide" / "errors" / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="직원용 메뉴"' in staff and "데이터 형식 안내" in staff


def test_reference_page_has_no_english_sentence(site: Site) -> None:
    text = page_text(site.root / "reference" / "data-format" / "index.html")
    assert re.findall(r"[A-Za-z][A-Za-z'’-]*(?:[ ,.;:()/]+[A-Za-z][A-Za-z'’-]*){3,}", text) == []


def test_korean_of_public_websites(site: Site) -> None:
    """Material's 콘텐츠로 이동 is 본문 바로가기; 쪽, 거르기, 불규칙 read as translated (페이지, 필터, 오류·불일치)."""
    translated = re.compile(r"콘텐츠로 이동|거르기|원문 불규칙|·불규칙|불규칙 기록|기록한 불규칙|(?:이|각|한|모든|사업|노드) 쪽|쪽(?:마다|씩)|점검\W* 쪽")
    citizen = [p for p in _pages(site) if not p.relative_to(site.root).as_posix().startswith(("guide/", "reference/"))]
    assert {p.relative_to(site.root).as_posix(): translated.findall(page_text(p)) for p in citizen if translated.search(page_text(p))} == {}
    assert translated.findall((site.root / "assets" / "tables.js").read_text(encoding="utf-8")) == []
    home = (site.root / "index.html").read_text(encoding="utf-8")
    assert re.search(r'class="md-skip">\s*본문 바로가기\s*</a>', home)


def test_page_title_leads_and_chart_labels_do_not_outgrow_text(page: Any, site: Site) -> None:
    bundle = sorted(site.portal.plans, key=lambda b: b.key)[0]
    page.goto(site.at(f"{bundle.key}/budget/"))
    weight = page.evaluate("s => getComputedStyle(document.querySelector(s)).fontWeight", "article h1")
    h2 = page.evaluate("s => getComputedStyle(document.querySelector(s)).fontWeight", "article h2")
    assert int(weight) >= int(h2) >= 600
    color = page.evaluate("s => getComputedStyle(document.querySelector(s)).color", "article h1")
    body = page.evaluate("s => getComputedStyle(document.querySelector(s)).color", "article p")
    assert color == body
    # The label's size on screen: its size in the SVG's units times the SVG's scale (drawn width / viewBox width).
    label = page.evaluate("""() => { const svg = document.querySelector('figure.chart svg');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return parseFloat(getComputedStyle(svg.querySelector('text')).fontSize) * scale; }""")
    text = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    assert 11 <= label <= text
