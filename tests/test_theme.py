"""Public-site furniture in the built HTML: 공공누리 type from site.yaml, footer links at any depth, one footer, search."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_builder.pipeline.run import Paths, build
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("theme")
    data = tmp / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "data", data)
    config = data / "site.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "footer_links:\n", "license: kogl-3\nfooter_links:\n  - title: 웹 접근성\n    url: ../accessibility/\n")
    config.write_text(text, encoding="utf-8")
    checked, output = build(Paths(ROOT, data, tmp / "build"), tmp / "site")
    assert not checked.problems, output
    return tmp / "site"


def test_licence_type_follows_site_yaml(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-license="kogl-3"' in html and "공공누리 제3유형" in html and "변경금지" in html


@pytest.mark.parametrize("page", ["index.html", "demo-org/2024/projects/p1/index.html"])
def test_relative_footer_links_resolve_from_every_depth(site: Path, page: str) -> None:
    html = (site / page).read_text(encoding="utf-8")
    href = re.search(r'<li><a href="([^"]+)">웹 접근성</a>', html)
    assert href, page
    target = (site / page).parent / href.group(1) / "index.html"
    assert target.resolve() == (site / "accessibility" / "index.html").resolve()


def test_one_footer_and_no_material_search(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert html.count("<footer") == 1
    assert not (site / "search" / "search_index.json").exists()
    assert (site / "search" / "data" / "meta.json").exists()
    assert (site / "assets" / "vendor" / "tablesort" / "LICENCE.txt").exists()


def test_theme_templates_use_no_python_methods() -> None:
    """Zensical's template engine (MiniJinja) has no Python string or dict methods: `.get(…)`, `.startswith(…)` and the like."""
    method = re.compile(r"\.(get|startswith|endswith|items|keys|values|format|split|join|lower|upper|strip|replace)\(")
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in sorted((ROOT / "theme").rglob("*.html")) for m in method.finditer(p.read_text(encoding="utf-8"))]
    assert not found, found
