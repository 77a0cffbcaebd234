"""Small lookups the templates use (kept out of templates so they stay declarative)."""

from __future__ import annotations

import html
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..base.problem import Finding
from ..model import Irregularity, Kpi, KpiTarget, Project, SiteConfig, SourceRef, StrategyNode
from ..model.money import format_in_unit
from ..model.portal import (
    PlanBundle,
    bundle_node,
    by_category,
    by_funding,
    by_node,
    by_unit,
    is_non_budget,
    node_projects,
    plan_total,
    project_period,
    project_title,
    project_total,
    sort_projects,
    sum_total,
)
from ..model.schema import reference_markdown
from ..plan.pages import Page, file_href, node_path, project_path
from ..publish.originals import plan_originals
from .chart import bar_chart

KIND_NAMES = {
    "typo": "오탈자", "title_variant": "제목 표기 차이", "count": "개수 불일치", "sum": "합계 불일치",
    "formula": "산출식 불일치", "year": "연도 불일치", "layout": "표·쪽 배치 어긋남", "missing": "빠진 내용",
    "placeholder": "채우지 않은 칸", "duplicate": "중복", "other": "기타",
}
# What each kind means, in plain words (the data-quality page's summary).
KIND_HELP = {
    "typo": "글자나 띄어쓰기가 잘못 찍힌 곳", "title_variant": "같은 사업·과제의 제목이 원문의 곳마다 조금씩 다르게 적힌 것",
    "count": "원문이 밝힌 개수와 실제로 실린 항목 수가 다른 것", "sum": "세부 금액을 더한 값과 원문의 합계가 다른 것",
    "formula": "산출 근거의 곱셈 결과와 적힌 금액이 다른 것", "year": "계획 연도와 다른 연도가 적힌 곳",
    "layout": "표의 칸이나 쪽 배치가 원문에서 어긋나 있는 곳", "missing": "있어야 할 내용이 원문에 없는 곳",
    "placeholder": "원문에 양식만 있고 내용을 채우지 않은 칸", "duplicate": "같은 내용이 원문에 두 번 실린 곳",
    "other": "그 밖에 원문을 옮기며 알아 둔 점",
}


def percent(part: int, whole: int) -> str:
    """`12.3%` (one decimal), or '-' when the whole is zero."""
    return f"{100 * part / whole:.1f}%" if whole else "-"


def irregularities(bundle: PlanBundle) -> list[tuple[Project | None, Irregularity]]:
    """Recorded irregularities of the plan and of its projects, with their owner."""
    rows: list[tuple[Project | None, Irregularity]] = [(None, r) for r in bundle.plan.irregularities]
    rows += [(p, r) for p in bundle.projects for r in p.irregularities]
    return rows


def finding_subject(bundle: PlanBundle, finding_id: str) -> tuple[str, str] | None:
    """(page path, title) of the project or strategy node a finding is about, read from its id (`formula:<project>:3`)."""
    parts = finding_id.split(":")
    return subject(bundle, parts[1]) if len(parts) > 1 else None


def subject(bundle: PlanBundle, key: str) -> tuple[str, str] | None:
    """(page path, title) of the project or strategy node with this id, None for neither."""
    project = bundle.project_by_id.get(key)
    if project is not None:
        return project_path(bundle, key), project.title
    node = bundle.node_by_id.get(key)
    return (node_path(bundle, key), node.title) if node is not None else None


def kind_summary(findings: list[Finding], rows: list[tuple[Project | None, Irregularity]]) -> list[tuple[str, str, str, int, int]]:
    """(kind, name, meaning, automatic findings, recorded irregularities) for every kind present, most frequent first."""
    counts: dict[str, list[int]] = {}
    for f in findings:
        counts.setdefault(f.kind, [0, 0])[0] += 1
    for _, r in rows:
        counts.setdefault(r.kind, [0, 0])[1] += 1
    ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), list(KIND_NAMES).index(kv[0]) if kv[0] in KIND_NAMES else 99))
    return [(k, KIND_NAMES.get(k, k), KIND_HELP.get(k, ""), auto, recorded) for k, (auto, recorded) in ordered]


def project_titles(bundle: PlanBundle | None) -> dict[str, str]:
    """Project title (spaces normalised) → page path: reproduced source tables link the cells naming a project."""
    if bundle is None:
        return {}
    return {" ".join(p.title.split()): project_path(bundle, p.id) for p in bundle.projects}


def kpi_columns(kpis: list[Kpi]) -> list[tuple[int, KpiTarget]]:
    """The years of a KPI table in order, each with the first target given for it (its label and kind head the column)."""
    first: dict[int, KpiTarget] = {}
    for kpi in kpis:
        for target in kpi.targets:
            first.setdefault(target.year, target)
    return sorted(first.items(), key=lambda pair: pair[0])


def kpi_cells(kpi: Kpi, columns: list[tuple[int, KpiTarget]]) -> list[KpiTarget | None]:
    """One indicator's target per column year (its first for that year), None where it has none."""
    own: dict[int, KpiTarget] = {}
    for target in kpi.targets:
        own.setdefault(target.year, target)
    return [own.get(year) for year, _ in columns]


def linked_levels(bundle: PlanBundle) -> list[str]:
    """Names of the strategy levels the plan's projects are linked to, top first (what the document sorts them by)."""
    depth = {n.id: d for n, d, _ in bundle.nodes()}
    used = sorted({depth[p.strategy] for p in bundle.projects if p.strategy in depth})
    return [bundle.plan.levels[d].name for d in used if d < len(bundle.plan.levels)]


def nearest_with_projects(bundle: PlanBundle, parents: list[StrategyNode]) -> tuple[StrategyNode, str] | None:
    """The closest ancestor that has projects, with its level name (None when no ancestor has any)."""
    for depth in range(len(parents) - 1, -1, -1):
        if node_projects(bundle, parents[depth]):
            level = bundle.plan.levels[depth].name if depth < len(bundle.plan.levels) else ""
            return parents[depth], level
    return None


def siblings(bundle: PlanBundle, node: StrategyNode, parents: list[StrategyNode]) -> list[StrategyNode]:
    """The other nodes under the same parent (the other top nodes for a top node), in the document's order."""
    pool = parents[-1].children if parents else bundle.plan.strategy
    return [n for n in pool if n.id != node.id]


def chart_maker() -> Any:
    """A chart maker that numbers its charts so ids stay unique on a page."""
    count = {"n": 0}

    def chart(title: str, rows: list[tuple[str, int]], unit: str) -> str:
        count["n"] += 1
        return bar_chart(title, rows, unit, f"chart-{count['n']}")

    return chart


_EXTENSION = re.compile(r"^[0-9]{3,5}$")  # `4032`: an extension, which no one outside can dial alone


def phone_text(phone: str | None, main: str | None) -> str:
    """`내선 4032 (대표 063-280-4000)`, `내선 4032` when the body's main number is not known, or the number as written."""
    if not phone:
        return ""
    if _EXTENSION.match(phone.strip()):
        return f"내선 {phone.strip()}" + (f" (대표 {main})" if main else "")
    return phone


def phone_html(phone: str | None, main: str | None) -> str:
    """`phone_text` as HTML: numbers one can dial are `tel:` links (escaped text throughout)."""
    if not phone:
        return ""
    if _EXTENSION.match(phone.strip()):
        dial = f' (대표 {_tel(main)})' if main else ""
        return f"내선 {html.escape(phone.strip())}{dial}"
    return _tel(phone)


def _tel(number: str) -> str:
    """A `tel:` link when the text holds a whole number (9 digits or more), else the escaped text."""
    digits = re.sub(r"[^0-9]", "", number.split(",")[0])
    return f'<a href="tel:{digits}">{html.escape(number)}</a>' if len(digits) >= 9 else html.escape(number)


EOK = 100_000_000  # 1억원


def amount_text(won: int | None, unit: str) -> str:
    """One reading rule for headline amounts: `11.6억원 (1,158,165천원)` from 1억원 up, else `31,600천원` as the plan prints it.

    Tables and downloads keep the exact figure in the plan's unit (sortable, summable); this is for sentences and cards.
    """
    if won is None:
        return "-"
    exact = f"{format_in_unit(won, unit)}{unit}"
    if won < EOK:
        return exact
    eok = (Decimal(won) / EOK).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{eok:,}억원 ({exact})"


def total_text(projects: list[Project], unit: str) -> str:
    """`amount_text` of the projects' total, saying how many projects it leaves out for lack of a stated amount."""
    missing = sum(1 for p in projects if p.withheld is None and project_total(p) is None and not is_non_budget(p))
    return amount_text(sum_total(projects), unit) + (f" (금액 미기재 {missing}건 제외)" if missing else "")


def file_size(size: int) -> str:
    """`1.2MB`, `340KB`: how big a download is before one taps it on a phone."""
    return f"{size / (1024 * 1024):.1f}MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))}KB"


def source_ref(bundle: PlanBundle, site: SiteConfig, page: Page, ref: SourceRef) -> str:
    """`원문 위치: 1836-1935줄` as an HTML paragraph, with a link to the published official file it cites."""
    published = [o for o in plan_originals(bundle, site) if o.path]
    cited = next((o for o in published if o.name == ref.document), None) or next((o for o in published if o.kind == "텍스트"), None)
    cited = cited or (published[0] if published else None)
    fragment = f"#page={ref.page}" if ref.page and cited and cited.kind == "PDF" else ""
    link = f' · <a href="{html.escape(file_href(page, cited.path) + fragment)}">원문 파일에서 보기</a>' if cited else ""
    where = f"{ref.page}쪽, " if ref.page else ""
    # Raw HTML, not a Markdown paragraph with attributes: the page stays an outline (engine/outline.py).
    return f'<p class="source-ref">원문 위치: {html.escape(where + ref.lines)}줄{link}</p>'


def template_helpers() -> dict[str, Any]:
    """Everything the templates may call."""
    return {
        "amount_text": amount_text, "total_text": total_text, "phone_html": phone_html, "source_ref": source_ref, "plan_originals": plan_originals, "file_size": file_size,
        "bundle_node": bundle_node, "project_title": project_title, "project_period": project_period,
        "sort_projects": sort_projects, "percent": percent, "irregularities": irregularities,
        "sum_total": sum_total, "plan_total": plan_total, "node_projects": node_projects,
        "by_unit_rows": lambda b: [(name, won) for name, won, _ in by_unit(b)],
        "by_node_rows": lambda b, d: [(n.title, won) for n, won, _ in by_node(b, d)],
        "by_funding": by_funding, "by_category": by_category,
        "finding_kind": lambda k: KIND_NAMES.get(k, k), "reference_markdown": reference_markdown,
        "kpi_columns": kpi_columns, "kpi_cells": kpi_cells,
        "linked_levels": linked_levels, "nearest_with_projects": nearest_with_projects, "siblings": siblings,
        "finding_subject": finding_subject, "subject": subject, "project_titles": project_titles, "kind_summary": kind_summary,
    }
