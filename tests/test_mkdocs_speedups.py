"""The MkDocs speed-ups of engine/hooks.py (one Markdown instance, memoized theme fragments) change no byte of the site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from mkdocs.utils.templates import url_filter

from site_builder.engine import config as engine_config
from site_builder.engine import hooks
from site_builder.engine import seam as mkdocs_seam
from site_builder.engine.hooks import SPEEDUPS_ENV
from site_builder.pipeline.run import Paths, build
from tests.conftest import DEMO_DATA, FIXTURE_DATA, ROOT


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("data", "nav_max_orgs"), [
    (FIXTURE_DATA, engine_config.NAV_MAX_ORGS),  # plans in the sidebar: pages in the navigation and pages below them
    (FIXTURE_DATA, 0),  # the sidebar of a big portal: home and the fixed pages only
    (DEMO_DATA, engine_config.NAV_MAX_ORGS),  # two years, progress reports, staff pages
], ids=["fixture", "fixture-small-nav", "demo"])
def test_the_site_is_the_same_without_the_speedups(data: Path, nav_max_orgs: int, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engine_config, "NAV_MAX_ORGS", nav_max_orgs)
    paths = Paths(ROOT, shutil.copytree(data, tmp_path / "data"), tmp_path / "build")
    checked, output = build(paths, tmp_path / "site")  # MkDocs with the speed-ups (the default)
    assert not checked.problems, [p.format() for p in checked.problems] + [output]
    monkeypatch.setenv(SPEEDUPS_ENV, "0")
    ok, output = mkdocs_seam.build_site(paths.config, tmp_path / "plain", parts=1)
    assert ok, output
    fast, plain = _tree(tmp_path / "site"), _tree(tmp_path / "plain")
    assert sorted(fast) == sorted(plain)
    assert [name for name in plain if fast[name] != plain[name]] == []
    assert sum(name.endswith(".html") for name in plain) > 20
    linked = {name for name in fast if _same_file(tmp_path / "site" / name, paths.docs_dir / name)}  # the docs tree's own files
    assert linked and all(not name.endswith(".html") for name in linked) and "feed.xml" in linked
    assert not any(_same_file(tmp_path / "plain" / name, paths.docs_dir / name) for name in plain)  # copied


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (a hard link)."""
    return b.exists() and a.samefile(b)


def test_no_state_crosses_pages_on_the_reused_markdown_instance(tmp_path: Path):
    """A reference link defined on one page does not resolve on the next one (Python-Markdown keeps them until reset)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\n[r]: https://example.org/\n\n## 가\n", encoding="utf-8")
    (docs / "b.md").write_text("# B\n\n[링크][r]\n\n## 가\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\nhooks: [{Path(mkdocs_seam.__file__).with_name('hooks.py')}]\ntheme: material\nmarkdown_extensions: [toc]\n", encoding="utf-8")
    pages = {}
    for speedups in ("1", "0"):
        env = {**mkdocs_seam.tool_env(), SPEEDUPS_ENV: speedups}
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "mkdocs.yml"),
                               "-d", str(tmp_path / speedups)], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        pages[speedups] = (tmp_path / speedups / "b/index.html").read_text(encoding="utf-8")
    assert "example.org" not in pages["1"]
    assert pages["1"] == pages["0"]


def _page(path: Path) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=path.name, abs_src_path=str(path)), markdown="", content="")


def test_blocks_are_read_again_from_the_docs_file_and_a_changed_file_fails(tmp_path: Path):
    body = "# 제목\n\n<div>가</div>\n\n<div>나</div>\n\n## 다\n\n<table><tr><td>1</td></tr></table>\n"
    path = tmp_path / "p.md"
    path.write_text("---\ntitle: 제목\n---\n\n" + body, encoding="utf-8")
    page = _page(path)
    stashed = hooks.on_page_markdown(body, page)
    hooks.on_page_content(f"<h1>제목</h1>\n<p>{hooks.TOKEN}0x</p>\n<h2>다</h2>\n<p>{hooks.TOKEN}1x</p>", page)
    assert hooks.TOKEN in stashed and page.content == ""
    hooks.on_page_context({}, page)
    assert page.content == "<h1>제목</h1>\n<div>가</div>\n\n<div>나</div>\n\n<h2>다</h2>\n<table><tr><td>1</td></tr></table>"
    hooks.on_page_markdown(body, page)
    hooks.on_page_content(f"<p>{hooks.TOKEN}0x</p>", page)
    path.write_text("---\ntitle: 제목\n---\n\n" + body.replace("가", "라"), encoding="utf-8")  # same length, other text
    with pytest.raises(RuntimeError, match="문서 파일이 바뀌었습니다"):
        hooks.on_page_context({}, page)


def test_a_page_under_assets_is_its_own_key_for_the_asset_tags():
    """Its links to the theme's files share its first folder: they are not those of other pages of its depth."""
    key = hooks._assets_key
    page = {"base_url": "../..", "page": SimpleNamespace(url="org/2024/")}
    assert key(page) == key({"base_url": "../..", "page": SimpleNamespace(url="guide/x/")})
    assert key({"base_url": "../..", "page": SimpleNamespace(url="assets/x/")}) not in (key(page), key({**page, "page": SimpleNamespace(url="assets/y/")}))


HEADER = ('<a href="{{ "" | url }}">{{ config.site_name }}</a><span>{% if page.meta and page.meta.title %}{{ page.meta.title }}'
          '{% else %}{{ page.title }}{% endif %}</span><img src="{{ "assets/logo.png" | url }}">')


@pytest.mark.parametrize("autoescape", [False, True])
def test_a_memoized_header_shows_each_page_its_own_title(autoescape: bool):
    """hooks.titled: rendered once per depth with a stand-in title, the page's own put in, as the template writes it."""
    env = jinja2.Environment(autoescape=autoescape)
    env.filters["url"] = url_filter
    template = env.from_string(HEADER)
    plain = template.root_render_func
    template.root_render_func = hooks.titled(plain)
    pages = [SimpleNamespace(url=url, title=title, meta=meta) for url, title, meta in [
        ("a/", "가 & <나>", {}), ("b/", "다", {"title": "메타 제목 \"인용\""}), ("c/", None, None), ("d/e/", "깊은 쪽", {"title": ""}),
        ("assets/x/", "assets 아래", {}), ("", "첫 쪽", {})]]
    for page in pages:
        context = {"page": page, "base_url": "../" * page.url.count("/") or ".", "config": {"site_name": "누리집"}}
        assert "".join(template.root_render_func(template.new_context(context))) == "".join(plain(template.new_context(context)))


@pytest.mark.parametrize("shown", ["{{ page.title }}{{ page.title }}", "{{ page.title }}{{ page.title | e }}", "{{ page.title | e }}",
                                   "{{ page.title | upper }}"])
def test_a_header_that_changes_or_repeats_the_title_is_rendered_in_full(shown: str):
    template = jinja2.Environment().from_string(f"<h1>{shown}</h1>")
    plain = template.root_render_func
    template.root_render_func = hooks.titled(plain)
    for title in ("가 & <나>", "다"):
        context = {"page": SimpleNamespace(url="a/", title=title, meta={}), "base_url": ".."}
        assert "".join(template.root_render_func(template.new_context(context))) == "".join(plain(template.new_context(context)))
