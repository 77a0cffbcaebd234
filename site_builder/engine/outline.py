"""Pages that are only headings and placeholders, converted without Python-Markdown's whole pipeline (part of the seam).

Once engine/hooks.py has swapped a generated page's raw-HTML blocks for placeholders, most pages of a portal are
an outline: ATX headings of plain text and placeholder paragraphs, nothing else. For such a page Python-Markdown's
result is known in advance (each heading with its id and permalink as the toc extension makes them, each
placeholder as a paragraph), yet its full pipeline (block parser, ~17 inline patterns, the toc extension's
serialising of every heading and of a table of contents MkDocs never reads, the serializer) is most of MkDocs'
time for the page. Here such a page is converted directly, with the toc extension's own settings and functions
(slugify, unique ids, nesting), and MkDocs' own tree processors (anchors, links, title) run on the same tree.
Anything else (any character Markdown could read as markup, a paragraph of text, a list, attributes other than a
heading's `{ #id }`, an extension this module does not know) returns None and the page goes through Python-Markdown
as before. tests/test_mkdocs_outline.py checks that both ways give the same HTML, table of contents, title, anchors
and links, on every page of the fixtures and on random outlines.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

# Loaded in MkDocs' process only (engine/hooks.py imports this module when MkDocs runs it), where both are loaded.
from markdown.extensions.toc import nest_toc_tokens, unique
from markdown.serializers import _escape_attrib_html, _escape_cdata

# Heading text that no inline pattern, attribute list or closing-hash rule of Python-Markdown touches: no
# character that starts markup (backslash, backtick, emphasis, brackets, `!`, `<`, `>`, `&`, attr_list's braces,
# `#`) and no control or tab character; backslash escapes of punctuation that stays plain once
# unescaped (not `>`: it is escaped again after unescaping in one place and not in another).
_PLAIN = r"[^\\`*_\[\]!<>&{}#\x00-\x1f\x7f]"
_ESCAPE = r"\\[()\.\-+#!*_\[\]{}`\\|]"
# … and an id given the attr_list way, as our templates write it (`## 진행 상황 { #progress }`).
_HEADING = re.compile(
    rf"(#{{1,6}}) ((?:{_PLAIN}|{_ESCAPE})*(?:[^\s\\`*_\[\]!<>&{{}}#\x00-\x1f\x7f]|{_ESCAPE}))(?: \{{ #([A-Za-z][A-Za-z0-9_-]*) \}})?")
_UNESCAPE = re.compile(r"\\(.)")
_GAP = re.compile(r"\n\n+")
# Every processor this module knows the effect of on an outline: Python-Markdown's own, those of the extensions
# our mkdocs.yml names and MkDocs adds by default (toc, tables, fenced_code, attr_list, md_in_html), MkDocs' four
# and ours. A site that adds an extension (its own inline pattern, a tree processor) converts every page the long way.
KNOWN = {
    "preprocessors": {"normalize_whitespace", "fenced_code_block", "html_block", "mkdocs_raw_html"},
    "parser.blockprocessors": {
        "empty", "indent", "code", "hashheader", "setextheader", "hr", "olist", "ulist", "quote", "reference",
        "paragraph", "table", "markdown_block",
    },
    "inlinePatterns": {
        "backtick", "escape", "reference", "link", "image_link", "image_reference", "short_reference", "short_image_ref",
        "autolink", "automail", "linebreak", "html", "entity", "em_strong", "em_strong2", "not_strong",
    },
    "treeprocessors": {
        "inline", "prettify", "unescape", "toc", "attr_list", "mkdocs_extract_anchors", "relpath", "mkdocs_extract_title",
        "site_builder_placeholders",
    },
    "postprocessors": {"amp_substitute", "raw_html", "unescape"},
}


def convert(md: Any, text: str, placeholder: re.Pattern[str]) -> str | None:
    """The page's HTML as Python-Markdown and MkDocs' processors would make it, if it is an outline; else None."""
    toc = _plain_toc(md)
    if toc is None or "\r" in text:
        return None
    items = _items(text, placeholder)
    if items is None:
        return None
    root = _tree(items, toc)
    _run_mkdocs_processors(md, root)
    md.toc_tokens = _tokens(root, toc)
    return "\n".join(_html(element) for element in root)


Item = tuple[int, str, str | None]  # a heading's level, its text unescaped and the id it gives; (0, placeholder, None)


def _items(text: str, placeholder: re.Pattern[str]) -> list[Item] | None:
    """Each paragraph as a heading or a placeholder; None: a paragraph of another kind."""
    items: list[Item] = []
    for chunk in _GAP.split(text.strip("\n")):
        if placeholder.fullmatch(chunk):
            items.append((0, chunk, None))
            continue
        heading = _HEADING.fullmatch(chunk)
        if heading is None or heading.group(2).lstrip() != heading.group(2):
            return None
        items.append((len(heading.group(1)), _UNESCAPE.sub(r"\1", heading.group(2)), heading.group(3)))
    return items


def _plain_toc(md: Any) -> Any:
    """The toc extension's processor when the pipeline is one this module reproduces; else None."""
    if "toc" not in md.treeprocessors or not all(_names(md, stage) <= known for stage, known in KNOWN.items()):
        return None
    toc = md.treeprocessors["toc"]
    plain = not toc.use_anchors and not toc.permalink_leading and toc.base_level == 0  # base_level: the shift added to each level
    return toc if plain and toc.use_permalinks not in (False, None, True) else None


def _names(md: Any, stage: str) -> set[str]:
    """The names registered at one stage of a Markdown instance (`parser.blockprocessors`: a dotted path)."""
    registry = md
    for part in stage.split("."):
        registry = getattr(registry, part)
    return set(registry._data)


def _tree(items: list[Item], toc: Any) -> etree.Element:
    """The document tree as Python-Markdown leaves it after the toc extension: headings with ids and permalinks."""
    root = etree.Element("div")
    used = {given for _, _, given in items if given}  # the toc extension keeps given ids and numbers its own around them
    counters: dict[str, int] = {}
    for level, text, given in items:
        if not level:
            etree.SubElement(root, "p").text = text
            continue
        heading = etree.SubElement(root, f"h{level}")
        heading.text = text
        name = " ".join(text.split())
        # The toc extension slugs the name HTML-unescaped: an outline's text has no `&`, so it is the name itself.
        heading.set("id", given or unique(toc.slugify(name, toc.sep), used, counters))
        link = etree.SubElement(heading, "a")
        link.text = toc.use_permalinks
        link.set("href", "#" + heading.get("id", ""))
        link.set("class", toc.permalink_class)
        if toc.permalink_title:
            link.set("title", toc.permalink_title)
    return root


def _run_mkdocs_processors(md: Any, root: etree.Element) -> None:
    """MkDocs' own tree processors on the finished tree: present anchors, links to anchors, the page title."""
    for name in ("mkdocs_extract_anchors", "mkdocs_extract_title", "relpath"):
        if name in md.treeprocessors:
            md.treeprocessors[name].run(root)


def _tokens(root: etree.Element, toc: Any) -> list[dict[str, Any]]:
    """The toc extension's nested tokens (MkDocs builds the page's table of contents from them)."""
    flat = []
    for element in root:
        level = int(element.tag[1:]) if element.tag[0] == "h" else 0
        if level and toc.toc_top <= level <= toc.toc_bottom:
            name = " ".join((element.text or "").split())
            inner = (element.text or "").strip()
            flat.append({"level": level, "id": element.get("id"), "name": name, "html": inner, "data-toc-label": ""})
    return nest_toc_tokens(flat)


def _html(element: etree.Element) -> str:
    """One top-level element as Python-Markdown's serializer writes it (attributes in lexical order)."""
    if element.tag == "p":
        return f"<p>{element.text}</p>"  # a placeholder: letters and digits
    link = element[0]
    attributes = "".join(f' {key}="{_escape_attrib_html(value)}"' for key, value in sorted(link.items()))
    opening = f'<{element.tag} id="{_escape_attrib_html(element.get("id", ""))}">'
    return f"{opening}{_escape_cdata(element.text)}<a{attributes}>{_escape_cdata(link.text)}</a></{element.tag}>"
