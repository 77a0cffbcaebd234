"""MkDocs hooks (part of the seam): our finished raw-HTML blocks skip Python-Markdown's HTML parser.

Generated pages are mostly raw HTML blocks (tables, lists, definition lists) between Markdown headings.
Python-Markdown passes such blocks through unchanged, but finds their ends by running `html.parser` over
them: about 60% of MkDocs' time per page. Here each complete top-level block is swapped for a placeholder
paragraph before conversion and put back afterwards, so the page HTML is the same, only sooner. Headings
stay Markdown (the table of contents and anchors come from them). A block is swapped only when it is
certainly raw HTML to Python-Markdown: it starts with a block-level tag at the start of a paragraph,
ends with that tag's closing tag, has as many openings as closings and asks for no Markdown inside.

A large site is also built by several MkDocs processes at once (engine/seam.py): the process given
`SITE_BUILDER_PART=i/n` renders only the i-th of n consecutive runs of the pages and marks the others
excluded (MkDocs then neither converts nor writes them, and links to them are only notes, not warnings).
An incremental build (engine/incremental.py) marks excluded, the same way, every file of the docs tree that is
not listed in the file named by `SITE_BUILDER_ONLY`: those are taken from the previous site.

Speed-ups that leave every byte of the site as it was (`SITE_BUILDER_MKDOCS_SPEEDUPS=0` turns them off;
tests/test_mkdocs_speedups.py builds the fixture portals both ways and compares every file):
- one `markdown.Markdown` per build, reset between pages, instead of a new one for each page (its extensions and
  their processors are built once), on which the placeholder paragraphs skip the inline patterns;
- theme fragments that many pages share are rendered once per key: the sidebar navigation of a page outside the
  navigation (project pages are never in it: no item is active, so only where its links point from the page
  changes it), a page's table of contents (by its headings), Material's `config` script and its stylesheet, font
  and script tags (by the page's depth); Material's theme strings module (`lang`) once, each string once;
- Material's header once per depth, each page's title put in where the template shows it (`titled`); our footer
  once per set of addresses its links get from the page (`_footer_key`); the back-to-top button and (when there is
  none) the analytics fragment once per build;
- the docs tree's own static files (search index, feeds, downloads) hard-linked into the site, not copied (`_linking`);
- a page that is only headings and placeholders is converted without Python-Markdown's pipeline (engine/outline.py);
- front matter written as JSON (render/markdown.py) is read as JSON, not by the YAML reader (`_json_first`);
  A key holds every input its fragment reads; what is the same for the whole build (config, nav titles, theme
  strings) needs none, as each build starts with empty memos;
- a converted page is held with its placeholders and its blocks are read again from the docs file when its
  template renders, instead of its whole HTML zlib-packed.

MkDocs loads this file by path (`hooks:` in build/mkdocs.yml, see engine/config.py); it imports MkDocs only while
MkDocs runs it (seam.py imports this file for its constants).
"""

from __future__ import annotations

import json
import os
import re
import types
import zlib
from collections.abc import Callable, Iterator
from typing import Any

# Python-Markdown's block-level elements that our templates start blocks with (a raw block must start with one).
BLOCK_TAGS = ("div", "table", "dl", "ul", "ol", "figure", "section", "details", "nav", "aside", "form", "p", "blockquote")
TOKEN = "sbrawblock"  # placeholder word: plain letters and digits, which no Markdown rule touches
_START = re.compile(r"<(" + "|".join(BLOCK_TAGS) + r")[\s>]")
_PLACEHOLDER = re.compile(r"(<p>)?" + TOKEN + r"(\d+)x(?:</p>)?")
_WHOLE_PLACEHOLDER = re.compile(TOKEN + r"\d+x")
_blocks: dict[str, list[str]] = {}  # page source path → its blocks, between the two hooks
_packed: dict[str, bytes] = {}  # page source path → its HTML, zlib-packed, from conversion until its template is rendered
_spans: dict[str, tuple[list[tuple[int, int]], int, int]] = {}  # with the speed-ups: the blocks' places, the Markdown's length and CRC
_held: dict[str, tuple[str, list[tuple[int, int]], int, int]] = {}  # … and the converted page with placeholders, until rendered
PART_ENV = "SITE_BUILDER_PART"
ONLY_ENV = "SITE_BUILDER_ONLY"  # an incremental build (engine/incremental.py): a JSON file listing the docs files to render
PAGE_COST = 8_000  # a page's fixed cost (theme, writing) in bytes of Markdown: evens out the parts' seconds
SPEEDUPS_ENV = "SITE_BUILDER_MKDOCS_SPEEDUPS"  # "0": MkDocs renders every page in full (the tests compare both ways)
# Where Material's `config` block points (its search worker, a file under assets/): a page's relative address of it is
# that of every file in that folder, so this stands for the real file name, which changes with Material's version.
WORKER = "assets/javascripts/workers/search.js"


def raw_block(chunk: str) -> bool:
    """Whether a paragraph is one whole raw-HTML block that Python-Markdown would copy unchanged."""
    start = _START.match(chunk)
    if not start or "markdown" in chunk:  # `markdown="1"` asks for Markdown inside: leave it to Python-Markdown
        return False
    tag = start.group(1)
    opened = len(re.findall(rf"<{tag}[\s>]", chunk))
    return chunk.endswith(f"</{tag}>") and opened == chunk.count(f"</{tag}>")


def stash_spans(markdown: str) -> tuple[str, list[tuple[int, int]]]:
    """The Markdown with each run of whole raw-HTML paragraphs replaced by a placeholder, and where the runs are in it."""
    # The page mentions the placeholder word, or has code fences (with a fence extension their HTML-looking
    # paragraphs are code to escape, not blocks): convert it the slow way.
    if TOKEN in markdown or "```" in markdown or "~~~" in markdown:
        return markdown, []
    spans: list[tuple[int, int]] = []
    kept: list[str] = []
    follows, start = False, 0  # the previous paragraph was a block: this one joins its placeholder
    for chunk in markdown.split("\n\n"):
        block = chunk.rstrip("\n")  # the page's last paragraph keeps its final newline outside the block
        if not raw_block(block):
            kept.append(chunk)
            follows = False
        elif follows:
            # Python-Markdown puts one empty line between two top-level raw blocks, as restore_blocks does after a
            # placeholder paragraph: a run of blocks is one placeholder (fewer paragraphs to parse and scan)
            spans[-1] = (spans[-1][0], start + len(block))
            kept[-1] += chunk[len(block):]
        else:
            kept.append(f"{TOKEN}{len(spans)}x" + chunk[len(block):])
            spans.append((start, start + len(block)))
            follows = True
        start += len(chunk) + 2
    return "\n\n".join(kept), spans


def stash_blocks(markdown: str) -> tuple[str, list[str]]:
    """The Markdown with each run of whole raw-HTML paragraphs replaced by a placeholder, and the runs in order."""
    text, spans = stash_spans(markdown)
    return text, [markdown[a:b] for a, b in spans]


def restore_blocks(html: str, blocks: list[str]) -> str:
    """The converted page with every placeholder paragraph replaced by its block again."""
    if not blocks:
        return html
    def block(match: re.Match[str]) -> str:
        # Python-Markdown follows a top-level raw block with an empty line unless it ends the page.
        gap = "\n" if match.group(1) and match.end() < len(html) else ""
        return blocks[int(match.group(2))] + gap

    return _PLACEHOLDER.sub(block, html)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """MkDocs event: stash the page's raw-HTML blocks before conversion (with the speed-ups: only where they are)."""
    text, spans = stash_spans(markdown)
    if speedups_on() and page.file.abs_src_path:
        _spans[page.file.src_uri] = (spans, len(markdown), zlib.crc32(markdown.encode("utf-8", "surrogatepass")))
    else:
        _blocks[page.file.src_uri] = [markdown[a:b] for a, b in spans]
    return text


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    """MkDocs event: hold the converted page compactly until it is written, its raw-HTML blocks put back then.

    MkDocs converts every page before it writes any, so each page's Markdown and HTML would stay in memory until
    the end (~30 KB a page: text with Hangul takes two bytes a character). The Markdown is read by nothing after
    this. With the speed-ups the converted page is kept with placeholders (~2 KB) and its blocks are read again
    from the docs file when the page is written (cheaper than packing: reading a file is ~0.04 ms, zlib ~0.2 ms);
    without them the whole HTML is kept zlib-packed (~5 KB).
    """
    page.markdown = ""
    source = page.file.src_uri
    if source in _spans:
        _held[source] = (html, *_spans.pop(source))
    else:
        _packed[source] = zlib.compress(restore_blocks(html, _blocks.pop(source, [])).encode("utf-8", "surrogatepass"), 1)
    return ""


def on_page_context(context: Any, page: Any, **kwargs: Any) -> Any:
    """MkDocs event, just before a page's template is rendered: its HTML whole again."""
    held = _held.pop(page.file.src_uri, None)
    if held is not None:
        html, spans, length, crc = held
        page.content = restore_blocks(html, _read_blocks(page, spans, length, crc) if spans else [])
    packed = _packed.pop(page.file.src_uri, None)
    if packed is not None:
        page.content = zlib.decompress(packed).decode("utf-8", "surrogatepass")
    return context


def _read_blocks(page: Any, spans: list[tuple[int, int]], length: int, crc: int) -> list[str]:
    """The page's raw-HTML blocks, from its docs file read again as MkDocs reads it (its Markdown is the file's end)."""
    with open(page.file.abs_src_path, encoding="utf-8-sig", errors="strict") as handle:
        markdown = handle.read()[-length:]
    if len(markdown) != length or zlib.crc32(markdown.encode("utf-8", "surrogatepass")) != crc:
        raise RuntimeError(f"MkDocs가 읽는 동안 문서 파일이 바뀌었습니다: {page.file.src_uri} (빌드를 다시 하세요)")
    return [markdown[a:b] for a, b in spans]


def on_post_page(output: str, page: Any, **kwargs: Any) -> str:
    """MkDocs event, once the page is rendered: its HTML is not needed any more."""
    page.content = ""
    return output


def part_bounds(weights: list[int], part: int, parts: int) -> tuple[int, int]:
    """First and past-last page index of part `part` (0-based) of `parts` consecutive runs of about equal weight."""
    total, edges, running = sum(weights), [0], 0
    for i, weight in enumerate(weights):
        running += weight
        while len(edges) < parts and running * parts >= total * len(edges):
            edges.append(i + 1)
    edges += [len(weights)] * (parts + 1 - len(edges))
    return edges[part], edges[part + 1]


def on_files(files: Any, config: Any, **kwargs: Any) -> Any:
    """MkDocs event: in a part build, mark the pages and docs files of the other parts excluded.

    Pages go to parts in consecutive runs (which keeps the sitemap's order); the docs tree's other files go with the
    page whose output folder they are in (a page's feed), or else (search index, downloads, content assets) are
    dealt out the same way by count, so each is copied by one part only: joining the parts then moves whole
    folders, not files one by one out of folders both parts made (at 10,000 projects 6,000 such folders were left to
    delete). Theme files are copied by every part (the join checks they are the same).
    """
    if speedups_on():
        files.copy_static_files = _linking(files, os.path.abspath(config["docs_dir"]))
    if os.environ.get(ONLY_ENV):
        return _only_listed(files, config, os.environ[ONLY_ENV])
    spec = os.environ.get(PART_ENV)
    if not spec:
        return files
    part, parts = (int(x) for x in spec.split("/"))
    pages = files.documentation_pages()
    start, end = part_bounds([os.path.getsize(f.abs_src_path) + PAGE_COST for f in pages], part - 1, parts)
    ours = {}  # the output folder of each page → whether this part renders it
    for i, file in enumerate(pages):
        ours[os.path.dirname(file.dest_uri)] = start <= i < end
        if not start <= i < end:
            file.inclusion = type(file.inclusion).EXCLUDED
    docs = os.path.abspath(config["docs_dir"])
    others = [f for f in files if not f.is_documentation_page() and f.src_dir and os.path.abspath(f.src_dir) == docs]
    # A file in a page's output folder (a page's feed) goes with the page: the joined parts then share few folders.
    with_page = {id(f): ours.get(os.path.dirname(f.dest_uri)) for f in others}
    dealt = [f for f in others if with_page[id(f)] is None]
    start, end = part_bounds([1] * len(dealt), part - 1, parts)
    with_page.update((id(f), start <= i < end) for i, f in enumerate(dealt))
    for file in others:
        if not with_page[id(file)]:
            file.inclusion = type(file.inclusion).EXCLUDED
    return files


def _linking(files: Any, docs: str) -> Callable[..., None]:
    """The Files' `copy_static_files`, but the docs tree's own files are hard-linked into the site, not copied (~1 s a part at 10,000 projects).

    The generator replaces a docs file by renaming a new one over it, never writes into it, and a site is swapped in
    whole: a shared file never changes under the other name (write/tree.py `link_or_copy`, which copies where
    links fail). `serve --dirty` (which copies only what changed) and theme files go MkDocs' way.
    """
    from site_builder.write.tree import link_or_copy  # noqa: PLC0415 (MkDocs' process: this file is loaded by path)

    copy = files.copy_static_files

    def copy_static_files(dirty: bool = False, *, inclusion: Callable[[Any], bool] | None = None) -> None:
        if dirty:
            return copy(dirty, inclusion=inclusion) if inclusion else copy(dirty)
        made: set[str] = set()
        for file in files:
            if file.is_documentation_page() or not (inclusion(file.inclusion) if inclusion else file.inclusion.is_included()):
                continue
            if file.generated_by is None and file.abs_src_path is not None and os.path.abspath(file.src_dir) == docs:
                _linked(link_or_copy, file.abs_src_path, file.abs_dest_path, made)
            else:
                file.copy_file(dirty)
        return None

    return copy_static_files


def _linked(link: Callable[[str, str], None], source: str, target: str, made: set[str]) -> None:
    """Hard-link (or copy) one file into the site, making its folder once (`made`: folders made or seen)."""
    folder = os.path.dirname(target)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    link(source, target)


def _only_listed(files: Any, config: Any, listing: str) -> Any:
    """Mark excluded every docs-tree file (page or static) not listed: an incremental build renders and copies only those."""
    with open(listing, encoding="utf-8") as handle:
        wanted = set(json.load(handle))
    docs = os.path.abspath(config["docs_dir"])
    for file in files:
        if file.src_dir and os.path.abspath(file.src_dir) == docs and file.src_uri not in wanted:  # theme files are always copied
            file.inclusion = type(file.inclusion).EXCLUDED
    return files


def speedups_on() -> bool:
    """Whether this MkDocs process uses the speed-ups (off with SITE_BUILDER_MKDOCS_SPEEDUPS=0)."""
    return os.environ.get(SPEEDUPS_ENV, "1") != "0"


def on_config(config: Any, **kwargs: Any) -> Any:
    """MkDocs event, at the start of every build (also each rebuild of `serve`): a fresh Markdown instance for it."""
    import markdown  # noqa: PLC0415 (MkDocs runs this file, so both are loaded already)
    import mkdocs.structure.pages as pages  # noqa: PLC0415

    pages.markdown = _reusing(markdown) if speedups_on() else markdown  # type: ignore[attr-defined]  # a process may build both ways
    import mkdocs.utils.meta as meta  # noqa: PLC0415

    original = getattr(meta.get_data, "yaml_reader", meta.get_data)  # a process may build both ways
    meta.get_data = _json_first(original) if speedups_on() else original  # type: ignore[assignment]
    return config


# What a YAML reader reads differently from a JSON one in a JSON text: raw characters it refuses or reads as line
# breaks, tabs, the `\/` escape, surrogate escapes (JSON pairs them), and numbers (YAML 1.1 reads `1e3` as text).
_NOT_JSON_ALIKE = re.compile("[\t\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\\\\/|\\\\u[dD][89abAB]")


def _json_first(read_yaml: Callable[[str], tuple[str, dict[str, Any]]]) -> Callable[[str], tuple[str, dict[str, Any]]]:
    """MkDocs' front matter reader, but front matter in JSON (as render/markdown.py writes it) is read as JSON.

    JSON is YAML, and both read the same value from it but for what `_NOT_JSON_ALIKE` finds and numbers; those, and
    anything that is not a JSON object, go to MkDocs' YAML reader. libyaml builds a page's front matter in ~0.11 ms,
    `json` in ~0.006 ms.
    """
    from mkdocs.utils.meta import YAML_RE  # noqa: PLC0415 (where MkDocs' reader takes its front matter to end)

    def read(doc: str) -> tuple[str, dict[str, Any]]:
        found = YAML_RE.match(doc) if doc.startswith("---") else None
        if found is None or not found.group(1).startswith("{") or _NOT_JSON_ALIKE.search(found.group(1)):
            return read_yaml(doc)
        try:
            data = json.loads(found.group(1), parse_int=_no_number, parse_float=_no_number, parse_constant=_no_number,
                              object_pairs_hook=_short_keys)
        except ValueError:
            return read_yaml(doc)
        return (doc[found.end():].lstrip("\n"), data) if isinstance(data, dict) else read_yaml(doc)

    read.yaml_reader = read_yaml  # type: ignore[attr-defined]
    return read


def _short_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; a long key is left to YAML (a YAML reader refuses a key of over 1,024 characters)."""
    if any(len(key) > 1000 for key, _ in pairs):
        raise ValueError("a long key")
    return dict(pairs)


def _no_number(text: str) -> Any:
    raise ValueError(f"a number: {text}")  # YAML 1.1 reads some JSON numbers otherwise: MkDocs' reader decides


def _reusing(markdown: Any) -> Any:
    """Python-Markdown's module as MkDocs' pages see it, with one `markdown.Markdown` for the build, reset before each page.

    `Page.render` builds a new instance per page (all extensions and their processors: ~0.2 ms) and registers its
    own four processors on it; on a reused one they replace the previous page's (same names). `reset()` is what
    Python-Markdown documents between documents: it clears the stash, the references and each extension's state.
    """
    original = markdown.Markdown
    held: list[Any] = []  # [instance, extensions, their configs] of this build

    def instance(*, extensions: Any, extension_configs: Any) -> Any:
        if held and held[1] == extensions and held[2] == extension_configs:  # MkDocs passes `configs or {}`: a new {} each time
            return held[0].reset()
        md = original(extensions=extensions, extension_configs=extension_configs)
        md.treeprocessors.register(_AtomicPlaceholders(markdown.util.AtomicString), "site_builder_placeholders", 25)
        md.convert = _outline_first(md, md.convert)
        held[:] = [md, extensions, extension_configs]
        return md

    proxy = types.ModuleType(markdown.__name__)
    proxy.__dict__.update(vars(markdown))
    proxy.Markdown = instance  # type: ignore[attr-defined]
    return proxy


def _outline_first(md: Any, convert: Callable[[str], str]) -> Callable[[str], str]:
    """Python-Markdown's `convert`, but a page that is only headings and placeholders is converted directly (engine/outline.py)."""
    from site_builder.engine import outline  # noqa: PLC0415 (MkDocs' process: this file is loaded by path)

    def convert_page(text: str) -> str:
        html = outline.convert(md, text, _WHOLE_PLACEHOLDER)
        return convert(text) if html is None else html

    return convert_page


class _AtomicPlaceholders:
    """A Python-Markdown treeprocessor run before the inline one: a placeholder paragraph's text is left alone.

    The inline processor tries each of its ~17 patterns on every text; a placeholder is letters and digits, which
    none of them changes, so marking it atomic (Python-Markdown's own way to skip a text) changes no output.
    """

    def __init__(self, atomic: type[str]) -> None:
        self.atomic = atomic

    def run(self, root: Any) -> None:
        """Mark each paragraph that is a placeholder alone atomic."""
        for paragraph in root.iter("p"):
            if paragraph.text and len(paragraph) == 0 and _WHOLE_PLACEHOLDER.fullmatch(paragraph.text):
                paragraph.text = self.atomic(paragraph.text)


def on_env(env: Any, config: Any, files: Any, **kwargs: Any) -> Any:
    """MkDocs event, after every page is read and before any is rendered: memoize the theme fragments pages share."""
    if speedups_on() and config.theme.name == "material":  # the keys are those of Material's templates
        # Jinja looks every include up in an LRU cache, whose bookkeeping (a lock, a queue) costs more than the
        # lookup; the theme has a few dozen templates, none changes during a build: a plain dict holds them.
        env.cache = dict(env.cache.items())
        nav = env.get_template("partials/nav.html")
        nav.root_render_func = memoized(nav.root_render_func, _NavKey())
        toc = env.get_template("partials/toc.html")
        toc.root_render_func = memoized(toc.root_render_func, _toc_key)
        header = env.get_template("partials/header.html")
        header.root_render_func = titled(header.root_render_func)
        top = env.get_template("partials/top.html")  # the back-to-top button: the config's icon and a theme string
        top.root_render_func = memoized(top.root_render_func, _same_everywhere)
        analytics = env.get_template("partials/integrations/analytics.html")
        analytics.root_render_func = memoized(analytics.root_render_func, _no_analytics)
        footer = env.get_template("partials/gov-footer.html") if "partials/gov-footer.html" in env.list_templates() else None
        if footer is not None:  # our theme's (a bare Material has none)
            footer.root_render_func = memoized(footer.root_render_func, _footer_key)
        base = env.get_template("base.html")  # its blocks, not main.html's: theirs call super(), which finds them by identity
        base.blocks["config"] = memoized(base.blocks["config"], _config_key)
        for name in ASSET_BLOCKS:
            base.blocks[name] = memoized(base.blocks[name], _assets_key)
        language = env.get_template("partials/language.html")
        language.make_module = _one_module(language.make_module, config)
    return env


def _one_module(make_module: Callable[..., Any], config: Any) -> Callable[..., Any]:
    """Material's theme strings (`lang`, imported with the page's context) made once per build, each string once.

    base.html imports partials/language.html for every page; its macro `t(key)` reads only the config's language
    and the strings' files, so the module and every string it gives are the same on every page of the build.
    """
    held: list[Any] = []

    def module(vars: Any = None, shared: bool = False, locals: Any = None) -> Any:
        if not vars or vars.get("config") is not config:  # another context than a page's of this build: as Jinja does
            return make_module(vars, shared, locals)
        if not held:
            held.append(make_module(vars, shared, locals))
            held[0].t = _remembered(held[0].t)
        return held[0]

    return module


def _remembered(macro: Callable[[str], Any]) -> Callable[[str], Any]:
    """A one-argument macro whose result for each argument is kept."""
    results: dict[str, Any] = {}

    def call(key: str) -> Any:
        if key not in results:
            results[key] = macro(key)
        return results[key]

    return call


def memoized(render: Callable[..., Iterator[str]], key_of: Callable[[Any], Any]) -> Callable[..., Iterator[str]]:
    """A template's render function (an included template's root or a block) run once per key; a None key: every time."""
    memo: dict[Any, str] = {}

    def render_once(context: Any, *args: Any, **kwargs: Any) -> Iterator[str]:
        key = key_of(context)
        if key is None:
            yield from render(context, *args, **kwargs)
            return
        html = memo.get(key)
        if html is None:
            html = memo[key] = "".join(render(context, *args, **kwargs))
        yield html

    return render_once


# Stand-in titles of a memoized header: no data text holds a NUL (load/fast.py CONTROL), and `<`, `&` show whether the
# template changes the title (escapes it) anywhere, which replacing the stand-in would then get wrong.
TITLE_SLOTS = ("\x00<sb-title-1>&\x00", "\x00<sb-title-2>&\x00")


def titled(render: Callable[..., Iterator[str]]) -> Callable[..., Iterator[str]]:
    """Material's header (partials/header.html) rendered once per page depth (`_assets_key`), the page's title put in.

    The header shows the page only by its title (`page.meta.title`, else `page.title`) and where its links point
    from the page (`url`: the home page, the logo under assets/). It is rendered for two stand-in pages titled with
    TITLE_SLOTS; when the first shows its title exactly once and replacing it gives the second, each page's title
    (as `{{ }}` writes it) replaces the slot. Otherwise the header is rendered in full on every page.
    """
    memo: dict[Any, str | None] = {}

    def render_header(context: Any) -> Iterator[str]:
        page = context.get("page")
        key = _assets_key(context) if page is not None else None
        if key is not None and key not in memo:
            first, second = ("".join(render(context.derived({"page": _StandIn(page, slot)}))) for slot in TITLE_SLOTS)
            memo[key] = first if first.count(TITLE_SLOTS[0]) == 1 and first.replace(*TITLE_SLOTS) == second else None
        html = memo.get(key) if key is not None else None
        if html is None:
            yield from render(context)
            return
        yield html.replace(TITLE_SLOTS[0], _title_text(context, page))

    return render_header


class _StandIn:
    """A page as the header template reads it, but titled `title` (with no `meta` title)."""

    meta = None

    def __init__(self, page: Any, title: str) -> None:
        self._page, self.title = page, title

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)


def _title_text(context: Any, page: Any) -> str:
    """The page's title as header.html writes it: `{{ page.meta.title }}` when the page has one, else `{{ page.title }}`."""
    env = context.environment
    meta = env.getattr(page, "meta")
    meta_title = env.getattr(meta, "title") if meta else None
    return str(meta_title if meta_title else env.getattr(page, "title"))


class _NavKey:
    """What Material's sidebar navigation (partials/nav.html) shows differently on a page; None: the page is in it.

    For a page outside the navigation no item is active or the current page, so the items' state is the same on
    every such page; what differs is where their links point from the page (the `url` filter: relative to it). A
    link's relative address depends on the path the page and its target share; when the page's first folder is no
    target's (project pages of a portal whose sidebar lists no plans), they share none, and every link is the way
    up to the root (`base_url`, the page's depth) and down again: the key is the depth alone.
    """

    def __init__(self) -> None:
        self.nav: Any = None
        self.items: list[Any] = []
        self.targets: list[str] = []
        self.firsts: set[str] | None = None  # the relative targets' first folders; None: a target that is not plain

    def __call__(self, context: Any) -> Any:
        """The key of this page's navigation."""
        page, nav = context.get("page"), context.get("nav")
        if page is None or nav is None or page.parent is not None or page in nav.pages:
            return None
        if nav is not self.nav:
            self._learn(nav, context["config"])
        if any(getattr(item, "active", False) for item in self.items):
            return None
        if self.firsts is not None and _plain(page.url) and page.url.split("/", 1)[0] not in self.firsts:
            return "depth", context.get("base_url")
        url = context.environment.filters["url"]
        return context.get("base_url"), tuple(url(context, target) for target in self.targets)

    def _learn(self, nav: Any, config: Any) -> None:
        """The navigation's items and every address its links and logo go to."""
        self.nav, self.items = nav, list(_nav_items(nav.items))
        targets = [item.url for item in self.items if getattr(item, "url", None) is not None]
        homes = (nav.homepage.url if nav.homepage else None, config.extra.get("homepage"), config.theme.get("logo"))
        self.targets = targets + [t for t in homes if t]
        relative = [t for t in self.targets if not re.match(r"[a-z][a-z0-9+.-]*:|/|#", t)]  # absolute ones are kept as they are
        self.firsts = {t.split("/", 1)[0] for t in relative} if all(map(_plain, relative)) else None


def _plain(path: str) -> bool:
    """Whether an address is a plain relative path: no `.` or `..` parts, backslashes, empty parts, queries."""
    parts = path.split("/")
    return not any(part in (".", "..") or "\\" in part or "?" in part for part in parts) and "" not in parts[:-1]


def _nav_items(items: list[Any]) -> Iterator[Any]:
    """Every item of the navigation tree: sections, pages and links."""
    for item in items:
        yield item
        yield from _nav_items(getattr(item, "children", None) or [])


def _toc_key(context: Any) -> Any:
    """What a page's table of contents (partials/toc.html) shows: its headings (level, id, title, sub-headings).

    As the template does, a first heading of level 1 (the page title) stands for its sub-headings alone: pages whose
    titles differ share the rest.
    """
    page = context.get("page")
    if page is None:
        return None
    first = next(iter(page.toc), None)
    return ("h1", _anchors(first.children)) if first and first.level == 1 else _anchors(page.toc)


def _anchors(items: Any) -> tuple[Any, ...]:
    # Each item's every attribute: a plugin that adds one (Material's typeset) changes what the key holds.
    return tuple((tuple(sorted((k, v) for k, v in vars(item).items() if k != "children")), _anchors(item.children)) for item in items)


# base.html's blocks that read only the config and where the theme's files are from the page (the `url` and `script_tag`
# filters on paths under assets/): the stylesheets, polyfills, fonts and scripts.
ASSET_BLOCKS = ("styles", "libs", "fonts", "scripts")


def _assets_key(context: Any) -> Any:
    """What the asset blocks show differently on a page: its depth; and its address when it is itself under assets/.

    A link from a page to `assets/…` is the way up to the root and down again unless the page's own address starts
    with `assets/` (then they share a folder): such a page is its own key.
    """
    page = context.get("page")
    url = getattr(page, "url", None)
    return context.get("base_url"), url if isinstance(url, str) and url.split("/", 1)[0] == "assets" else None


def _same_everywhere(context: Any) -> Any:
    """The key of a fragment that reads only the config and theme strings: one for the whole build."""
    return "build"


def _no_analytics(context: Any) -> Any:
    """Material's analytics fragment, which without `extra.analytics` in the config shows nothing on any page; with it, rendered each time."""
    config = context.get("config")
    return None if config is None or config.extra.get("analytics") else "none"


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")


def _footer_key(context: Any) -> Any:
    """Our footer (theme/partials/gov-footer.html) shows the page only by where its links point from it (`url`).

    The key is every link's address as the `url` filter gives it from this page, of the address as written and as
    the template cleans it (`../` and `./` dropped); or, when the page's first folder is none of theirs (as `_NavKey`),
    its depth alone: pages that get the same addresses get the same footer.
    """
    page, config = context.get("page"), context.get("config")
    if page is None or config is None:
        return None
    links = (config.extra.get("furniture") or {}).get("links") or []
    hrefs = [str(link.get("url", "")) if isinstance(link, dict) else "" for link in links]
    targets = [t for h in hrefs for t in (h, h.replace("../", "").replace("./", ""))]
    relative = [t for t in targets if not _SCHEME.match(t)]  # `https:`, `mailto:`, `tel:`: the same from every page
    if all(map(_plain, relative)) and _plain(page.url) and page.url.split("/", 1)[0] not in {t.split("/", 1)[0] for t in relative}:
        return "depth", context.get("base_url")
    url = context.environment.filters["url"]
    return context.get("base_url"), tuple(url(context, t) for t in targets)


def _config_key(context: Any) -> Any:
    """Material's `config` script: the page's depth (`base_url`) and its address of the search worker."""
    return context.get("base_url"), context.environment.filters["url"](context, WORKER)
