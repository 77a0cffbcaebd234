"""Golden files: the generated Markdown of the fixture portal, page by page.

Update after an intended change with `make golden` (UPDATE_GOLDEN=1), then review `git diff tests/golden`.
"""

from __future__ import annotations

import os
import shutil

import pytest

from site_builder.pipeline.run import check
from site_builder.plan.pages import portal_pages
from site_builder.render.markdown import render_all
from tests.conftest import FIXTURE_DATA, TESTS

GOLDEN = TESTS / "golden"
SKIP = {"reference/data-format.md"}  # generated from the models; covered by test_schema


def _rendered() -> dict[str, str]:
    checked = check(FIXTURE_DATA)
    assert checked.portal is not None, [p.format() for p in checked.problems]
    return {k: v for k, v in render_all(checked.portal, portal_pages(checked.portal)).items() if k not in SKIP}


RENDERED = _rendered()


def _update() -> None:
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for rel, text in RENDERED.items():
        path = GOLDEN / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


if os.environ.get("UPDATE_GOLDEN"):
    _update()


def test_same_set_of_pages():
    on_disk = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")}
    assert on_disk == set(RENDERED), "run `make golden` after adding or removing pages"


@pytest.mark.parametrize("rel", sorted(RENDERED))
def test_page_matches_golden(rel: str):
    expected = (GOLDEN / rel).read_text(encoding="utf-8")
    assert RENDERED[rel] == expected, f"{rel} differs from tests/golden; run `make golden` if intended"


def test_data_text_is_escaped():
    page = RENDERED["demo-org/2024/projects/p1.md"]
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>" not in RENDERED["demo-org/2024/strategy/task1-1.md"]


def test_personal_names_hidden_by_default():
    assert "김철수" not in RENDERED["demo-org/2024/projects/p1.md"]
    assert "홍길동" not in RENDERED["demo-org/2024/units/team-a.md"]
