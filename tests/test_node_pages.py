"""Strategy node pages: every node shows its projects, or says why it has none and links onward."""

from __future__ import annotations

from pathlib import Path

from site_builder.pipeline.run import check
from site_builder.plan.pages import portal_pages
from site_builder.render.markdown import render_all

EMPTY_TASK = "      - id: task1-3\n        code: 1-3\n        title: 빈 과제\n"


def _rendered(data: Path) -> dict[str, str]:
    checked = check(data)
    assert checked.portal is not None, [p.format() for p in checked.problems]
    return render_all(checked.portal, portal_pages(checked.portal))


def test_parents_are_links(data_copy: Path) -> None:
    page = _rendered(data_copy)["demo-org/2024/strategy/task1-1.md"]
    assert '상위: <a href="../goal1/">소통하는 행정</a>' in page


def test_node_without_projects_says_why_and_links_onward(data_copy: Path) -> None:
    plan = data_copy / "demo-org/2024/plan.yaml"
    text = plan.read_text(encoding="utf-8")
    anchor = "        title: 조직 운영\n"
    plan.write_text(text.replace(anchor, anchor + EMPTY_TASK), encoding="utf-8")
    page = _rendered(data_copy)["demo-org/2024/strategy/task1-3.md"]
    assert "이 이행과제에 연결된 사업은 원문에 없습니다." in page
    assert '사업은 상위 전략목표 <a href="../goal1/">소통하는 행정</a>에 있습니다: 3개 사업' in page
    assert '<a href="../task1-1/">열린 인사</a>' in page and '<a href="../task1-2/">조직 운영</a>' in page
    assert "상위 전략목표 「소통하는 행정」의 사업 (3건" in page
    assert page.count('href="../../projects/') == 3
