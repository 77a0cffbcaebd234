"""Outline pages converted directly (engine/outline.py) come out as Python-Markdown and MkDocs would make them."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import markdown
import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import File, Files
from pymdownx.slugs import slugify

from site_builder.engine import outline
from site_builder.engine.hooks import _WHOLE_PLACEHOLDER, TOKEN, stash_blocks
from tests.conftest import TESTS

ROOT = TESTS.parent
PAGES = sorted((TESTS / "golden").rglob("*.md")) + sorted((ROOT / "content").rglob("*.md"))
EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc"]
CONFIG = MkDocsConfig()
CONFIG.load_dict({"site_name": "t", "docs_dir": str(ROOT / "content")})
assert CONFIG.validate()[0] == []
FILES = Files([])


def _markdown(extra: tuple[str, ...] = ()) -> tuple[Any, dict[str, Any]]:
    """A Markdown instance set up as MkDocs sets one up for a page (mkdocs.yml's extensions, MkDocs' four processors)."""
    toc = {"permalink": "#", "permalink_title": "이 제목의 주소", "slugify": slugify(case="lower")}
    md = markdown.Markdown(extensions=[*EXTENSIONS, *extra], extension_configs={"toc": toc})
    file = File("a/b.md", "/docs", "/site", use_directory_urls=True)
    processors = {
        "raw": mkdocs_pages._RawHTMLPreprocessor(),
        "anchors": mkdocs_pages._ExtractAnchorsTreeprocessor(file, FILES, CONFIG),
        "links": mkdocs_pages._RelativePathTreeprocessor(file, FILES, CONFIG),
        "title": mkdocs_pages._ExtractTitleTreeprocessor(),
    }
    for processor in processors.values():
        processor._register(md)
    return md, processors


def _result(md: Any, processors: dict[str, Any], html: str) -> dict[str, Any]:
    """Everything MkDocs reads after converting a page."""
    return {
        "html": html, "toc": getattr(md, "toc_tokens", []), "title": processors["title"].title,
        "anchors": processors["anchors"].present_anchor_ids | processors["raw"].present_anchor_ids,
        "links": {f.src_uri: links for f, links in processors["links"].links_to_anchors.items()},
    }


def _both_ways(text: str, extra: tuple[str, ...] = ()) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """What Python-Markdown makes of the text (None: it fails), and what the outline path makes of it (None: it declines)."""
    md, processors = _markdown(extra)
    try:
        slow = _result(md, processors, md.convert(text))
    except AssertionError:  # the standard library's HTML parser on some `<!…` (MkDocs feeds it every page): not ours
        slow = None
    md, processors = _markdown(extra)
    html = outline.convert(md, text, _WHOLE_PLACEHOLDER)
    return slow, None if html is None else _result(md, processors, html)


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_page_is_declined_or_the_same(path: Path):
    slow, fast = _both_ways(stash_blocks(_body(path))[0])
    assert fast is None or fast == slow


def test_generated_unit_pages_take_the_outline_path():
    slow, fast = _both_ways(stash_blocks(_body(TESTS / "golden/demo-org/2024/units/team-a.md"))[0])
    assert slow and fast == slow and len(slow["toc"]) == 1 and slow["title"] and slow["anchors"]


# Heading text: mostly what an outline may hold (Hangul, letters, digits, spaces, punctuation, backslash escapes),
# now and then any character Markdown may read as markup.
PLAIN = [*"사업목표 계획abcXYZ019  ()\".-+|~^=/'%;@,?$:", "\\(", "\\)", "\\.", "\\#", "\\*", "\\_", "\\[", "\\\\", "\\|"]
WILD = [*"\\`*_[]!<>&{}#", "\\>", "\\a", "&amp;", "<b>", "\t", "{: #x }"]


def _heading(rng: random.Random) -> str:
    """A heading line: its level (7 is not one), the space after the hashes, its text, what ends it."""
    alphabet = PLAIN + (WILD if rng.random() < 0.3 else [])
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
    level = rng.choice([1, 2, 2, 2, 3, 3, 4, 5, 6] * 3 + [7])
    end = rng.choice([""] * 12 + [" #", " ", " { #가 }", " { #a-1 }", " {#b}", " { #c }"])
    return "#" * level + rng.choice([" "] * 12 + ["  ", ""]) + text + end


def _random_outline(rng: random.Random) -> str:
    """A page of random headings and placeholders, now and then with another kind of paragraph or spacing."""
    chunks = []
    for i in range(rng.randint(1, 8)):
        kind = rng.random()
        if kind < 0.5:
            chunks.append(_heading(rng))
        elif kind < 0.95:
            chunks.append(f"{TOKEN}{i}x")
        else:
            chunks.append(rng.choice(["그냥 문단", "- 목록", "[TOC]", f"{TOKEN}1x\n{{: .a }}", "    들여쓴 줄", "---", "사업\n===="]))
    return rng.choice(["", "\n"]) + rng.choice(["\n\n"] * 8 + ["\n\n\n", "\n \n"]).join(chunks) + rng.choice(["", "\n"])


def test_random_outlines_are_declined_or_the_same():
    rng, taken = random.Random(20261203), 0
    for _ in range(3000):
        text = _random_outline(rng)
        slow, fast = _both_ways(text)
        assert fast is None or fast == slow, text
        taken += fast is not None
    assert taken > 600  # not a vacuous pass: the outline path takes a good share of them


def test_repeated_headings_get_numbered_ids_as_the_toc_extension_gives():
    slow, fast = _both_ways("# 가\n\n## 가\n\n## 가\n\n### 가\\_1\n")
    assert slow and fast == slow and [t["id"] for t in slow["toc"][0]["children"]] == ["가_1", "가_2"]


def test_an_id_given_further_down_is_not_taken_by_an_earlier_heading():
    slow, fast = _both_ways("# a\n\n## 나 { #a }\n")
    assert slow and fast == slow and slow["toc"][0]["id"] == "a_1"


@pytest.mark.parametrize("extra", [("nl2br",), ("smarty",), ("footnotes",), ("abbr",)])
def test_another_extension_sends_every_page_the_long_way(extra: tuple[str, ...]):
    assert _both_ways("# 제목\n\n## 사업목표\n", extra)[1] is None


@pytest.mark.parametrize("heading", [
    "# 가 _나_ 다", "# 가 *나* 다", "# 가 __나__", "# `코드`", "# [링크](a.md)", "# 가 <b>나</b>", "# 가 & 나", "# 가 &amp; 나",
    "# 가 {: #x }", "# 가 { .y }", "# 가 > 나", "# 가 \\> 나", "# 가 !나", "# 가 #", "# 가 \\a", "#가", "#  가", "####### 가",
    "# 가  나", "# 가\t나", "# 가 { #a }", "# 가 { #a } #", "# 가 {: #a }", "# 가 { #a .b }", "# 가 { #1 }", "# 가\\# { #a }",
    "# \\(수정 1\\)", "# 가\\_나\\_다", "# [TOC]", "# 가 ~~나~~ ==다==",
])
def test_markup_in_headings_is_declined_or_the_same(heading: str):
    slow, fast = _both_ways(f"{heading}\n\n{TOKEN}0x\n")
    assert fast is None or fast == slow
