"""The MkDocs hooks that let raw-HTML blocks skip Python-Markdown: the page HTML must not change."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from pymdownx.slugs import slugify

from site_builder.engine.hooks import TOKEN, raw_block, restore_blocks, stash_blocks
from tests.conftest import TESTS

ROOT = TESTS.parent
PAGES = sorted((TESTS / "golden").rglob("*.md")) + sorted((ROOT / "content").rglob("*.md"))


def _convert(text: str, extra: tuple[str, ...] = ()) -> str:
    """Python-Markdown with the extensions of mkdocs.yml (and `extra` ones)."""
    toc = {"permalink": "#", "permalink_title": "이 제목의 주소", "slugify": slugify(case="lower")}
    return markdown.Markdown(extensions=["attr_list", "md_in_html", "tables", "toc", *extra], extension_configs={"toc": toc}).convert(text)


def _both_ways(text: str, extra: tuple[str, ...] = ()) -> tuple[str, str]:
    """The HTML without the hooks and with them."""
    stashed, blocks = stash_blocks(text)
    return _convert(text, extra), restore_blocks(_convert(stashed, extra), blocks)


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_page_converts_to_the_same_html(path: Path):
    plain, hooked = _both_ways(_body(path))
    assert hooked == plain


def test_generated_pages_mostly_skip_the_html_parser():
    stashed, blocks = stash_blocks(_body(TESTS / "golden/demo-org/2024/projects/p1.md"))
    assert blocks and len(stashed) < sum(map(len, blocks)) / 2


def test_a_run_of_blocks_is_one_placeholder():
    stashed, blocks = stash_blocks("# T\n\n<div>a</div>\n\n<div>b</div>\n\n## U\n\n<div>c</div>\n")
    assert stashed == f"# T\n\n{TOKEN}0x\n\n## U\n\n{TOKEN}1x\n"
    assert blocks == ["<div>a</div>\n\n<div>b</div>", "<div>c</div>"]


@pytest.mark.parametrize("chunk", [
    "<div>one</div>",
    '<div class="a"><div>nested</div></div>',
    "<table>\n<tr><td>x</td></tr>\n</table>",
    "<ul><li>a</li></ul>",
])
def test_whole_blocks_are_stashed(chunk: str):
    assert raw_block(chunk)


@pytest.mark.parametrize("chunk", [
    "<div>open only",  # its end lies after a blank line: Python-Markdown decides
    "<div><div>inner</div>",  # unbalanced
    '<div markdown="1">*md*</div>',  # asks for Markdown inside
    "<span>inline</span>",  # not block-level: a paragraph
    "<divider>x</divider>",  # only a tag name that starts like one
    "text <div>x</div>",
])
def test_other_paragraphs_are_left_to_markdown(chunk: str):
    assert not raw_block(chunk)


@pytest.mark.parametrize("text", [
    "# T\n\n<div>a</div>\n\n<div>b\n\nc</div>\n\n## U\n\n<table><tr><td>1</td></tr></table>\n",
    "<div>first</div>\n\ntext\n\n<dl><dt>a</dt><dd>b</dd></dl>",
    "<div>\n<div>\n\n<table><tr><td>in an open block</td></tr></table>\n\n</div>\n</div>\n",
    f"# {TOKEN}0x mentioned\n\n<div>x</div>\n",
    '<div markdown="1">\n*emphasis*\n</div>\n\n<div>raw *not emphasis*</div>\n',
    "- item\n\n<ol><li>x</li></ol>\n\n    <div>indented code</div>\n",
    # runs of blocks (one placeholder each): in the middle, at the end, with the page's last newline, spaced wider
    "# T\n\n<div>a</div>\n\n<div>b</div>\n\n## U\n\n<div>c</div>\n\n<dl><dt>d</dt></dl>\n\n<ul><li>e</li></ul>\n",
    "<div>a</div>\n\n<div>b</div>\n\n<table><tr><td>c</td></tr></table>",
    "<div>a</div>\n\n\n<div>b</div>\n\n\n\n<div>c</div>\n\ntext\n",
    "- item\n\n<div>a</div>\n\n<div>b</div>\n\n    <div>indented code</div>\n\n<div>c</div>\n",
])
def test_edge_cases_convert_to_the_same_html(text: str):
    plain, hooked = _both_ways(text)
    assert hooked == plain


@pytest.mark.parametrize("text", [
    "```html\n<div>code, not a block</div>\n\n<table><tr><td>still code</td></tr></table>\n\n```\n\n<div>a block</div>\n",
    "~~~\n<ul><li>code</li></ul>\n\n<ul><li>code</li></ul>\n\n~~~\n",
])
def test_html_inside_code_fences_stays_code(text: str):
    """Should a fence extension be switched on in mkdocs.yml, HTML-looking paragraphs in fences are code, not blocks."""
    plain, hooked = _both_ways(text, ("fenced_code",))
    assert hooked == plain and "&lt;" in hooked
