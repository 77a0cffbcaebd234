"""Progress on the pages: the plan's summary, the project's state and history, the table columns, several years."""

from __future__ import annotations

import shutil
from pathlib import Path

from site_builder.model.portal import Portal
from site_builder.pipeline.run import check
from site_builder.plan.pages import portal_pages
from site_builder.render.markdown import render_all
from tests.conftest import FIXTURE_DATA, ROOT, TESTS

NO_REPORTS = "이 계획에는 아직 진행 상황 보고가 없습니다."
NO_PROJECT_REPORT = "<dt>진행 상황</dt><dd>보고 없음</dd>"


def _portal(data: Path) -> Portal:
    checked = check(data)
    assert checked.portal is not None, [p.format() for p in checked.problems]
    return checked.portal


def _pages(data: Path) -> dict[str, str]:
    portal = _portal(data)
    return render_all(portal, portal_pages(portal))


def test_a_plan_without_reports_says_so_and_shows_no_progress_columns(data_copy: Path) -> None:
    shutil.rmtree(data_copy / "demo-org/2024/progress")
    pages = _pages(data_copy)
    plan = pages["demo-org/2024/index.md"]
    assert NO_REPORTS in plan
    assert "집행률" not in plan and "data-status" not in plan and "status-" not in plan
    for name in ("p1", "p2", "p3"):
        assert NO_PROJECT_REPORT in pages[f"demo-org/2024/projects/{name}.md"]
    assert "✓" not in pages["demo-org/2024/projects/p1.md"]


def test_the_real_plans_have_no_reports_and_nothing_is_invented() -> None:
    portal = _portal(ROOT / "data")
    assert all(not b.reports for b in portal.plans)
    pages = {k: v for k, v in render_all(portal, [p for p in portal_pages(portal) if p.template in ("plan.md.j2",)]).items()}
    assert len(pages) == len(portal.plans)
    for text in pages.values():
        assert NO_REPORTS in text and "집행률" not in text and "status-" not in text


def test_plan_summary_counts_statuses_spending_kpis_and_delays() -> None:
    plan = _pages(FIXTURE_DATA)["demo-org/2024/index.md"]
    summary = plan[plan.index("## 진행 상황"):plan.index("## 미션")]  # before the long text
    assert "사업 3건 가운데 예정 1건, 완료 1건, 지연 1건입니다." in summary
    assert "2024-06-30 기준으로 예산 3,800천원 가운데 2,300천원(60.5%)을 집행했습니다 (집행액을 보고한 사업 2건)." in summary
    assert summary.count("<svg") == 1 and "<title id=" in summary and "<desc id=" in summary and "progress-spending" in summary
    assert "목표 달성 1개, 목표에 못 미침 0개" in summary
    assert "업체 선정이 늦어졌습니다." in summary and summary.count("<li>") == 1


def test_project_tables_gain_status_and_execution_rate() -> None:
    plan = _pages(FIXTURE_DATA)["demo-org/2024/index.md"]
    assert '<th scope="col" data-sort-method="number">상태</th><th scope="col" data-sort-method="number">집행률</th>' in plan
    assert 'data-status="지연"' in plan and '<span class="status status-delayed">지연</span></td><td class="num" data-label="집행률" data-sort="39.1">39.1%</td>' in plan


def test_project_page_shows_state_history_done_marks_and_kpi_results() -> None:
    pages = _pages(FIXTURE_DATA)
    p1, p3 = pages["demo-org/2024/projects/p1.md"], pages["demo-org/2024/projects/p3.md"]
    assert '<dt>진행 상황</dt><dd><span class="status status-delayed">지연</span> 진척률 40% (2024-06-30 기준' in p1
    assert "<dt>집행액</dt><dd>900천원 (예산의 39.1%)</dd>" in p1 and "<dt>지연 까닭</dt><dd>업체 선정이 늦어졌습니다.</dd>" in p1
    history = p1[p1.index("진행 상황 보고 이력 (2건, 오래된 것부터)"):]
    assert history.index("2024-03-31") < history.index("2024-06-30")
    assert '계획 수립 <span class="done-mark" aria-hidden="true">✓</span><span class="sr-only">(마침)</span>' in p1
    assert '<th scope="row">실행</th>' in p1  # not done: no mark
    assert ('<td data-label="연도">2024년</td><td data-label="목표">50%</td><td data-label="실적">62% (2024-06-30 기준, 상반기 실적)</td>'
            '<td data-label="판단">목표 달성</td>') in p3


def test_several_years_compare_budget_by_node_and_kpis_and_link_projects() -> None:
    pages = _pages(TESTS / "fixtures_multiyear" / "data")
    plan = pages["town/2024/index.md"]
    years = plan[plan.index("## 연도별 비교"):]
    assert '<th scope="row">살기 좋은 마을</th><td class="num">12,000</td><td class="num">10,000</td>' in years
    assert '<th scope="row">전략 미지정</th><td class="num">0</td><td class="num">3,000</td>' in years
    assert '<th scope="row">이용자 만족도</th><td>목표 80</td><td>목표 85</td>' in years
    assert '앞선 사업 — <a href="../../../2023/projects/walk/">2023년: 걷기 좋은 길</a>' in pages["town/2024/projects/trail.md"]
    assert '이어지는 사업 — <a href="../../../2024/projects/trail/">2024년: 둘레길 조성</a>' in pages["town/2023/projects/walk.md"]
    assert "## 연도별 비교" not in _pages(FIXTURE_DATA)["demo-org/2024/index.md"]  # one year: nothing to compare


def test_kpi_judgement_reads_numbers_and_direction() -> None:
    from site_builder.render.progress import judge

    assert judge("참여율", "50%", "62%") == "목표 달성"
    assert judge("참여율", "1,200명", "900명") == "목표에 못 미침"
    assert judge("처리 기간", "10일 이내", "12일") == "목표에 못 미침"
    assert judge("민원 감소", "30건", "20건") == "목표 달성"
    assert judge("만족도", "높음", "80점") == "비교할 수 없음"
