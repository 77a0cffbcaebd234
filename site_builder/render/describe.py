"""One-sentence page descriptions: what a search engine or a shared link shows under the title.

Made from the (redacted) data the page shows, never from anything else: a withheld project's amount is not in it.
"""

from __future__ import annotations

from ..model.money import format_in_unit
from ..model.portal import PlanBundle, plan_total, project_total
from ..plan.pages import Page


def plan_name(bundle: PlanBundle) -> str:
    """`진천군 2022년 복지행정국 행정지원과 업무계획`: the plan's title with the words of its body's name it lacks, once each."""
    title = bundle.plan.title
    missing = [word for word in bundle.org.name.split() if word not in title]
    return " ".join([*missing, f"{bundle.plan.year}년", title])


def page_description(page: Page) -> str:
    """`진천군 2022년 복지행정국 행정지원과 업무계획의 사업 · 총무팀 · 예산 12,000천원`, or '' (the site's description stands)."""
    bundle = page.context.get("bundle")
    if not isinstance(bundle, PlanBundle):
        return ""
    plan = plan_name(bundle)
    unit = bundle.plan.money_unit
    if (project := page.context.get("project")) is not None:
        parts = [f"{plan}의 사업", page.department or ""]
        total = None if project.withheld is not None else project_total(project)
        parts.append(f"예산 {format_in_unit(total, unit)}{unit}" if total is not None else "")
        return " · ".join(p for p in parts if p)
    if (node := page.context.get("node")) is not None:
        return f"{plan} · {page.context.get('level', '전략')} {node.title}"
    if (unit_ := page.context.get("unit")) is not None:
        count = sum(1 for p in bundle.projects if p.unit == unit_.id)
        return f"{plan} · {unit_.name}의 사업 {count}건"
    return f"{plan}: 사업 {len(bundle.projects)}건, 예산 합계 {format_in_unit(plan_total(bundle), unit)}{unit}"
