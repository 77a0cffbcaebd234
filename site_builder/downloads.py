"""Open-data downloads: per plan and portal-wide JSON and CSV of projects with exact totals."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .findings import is_non_budget, project_total, stated_budget
from .helpers import bundle_node, project_period
from .validation import PlanBundle, Portal

COLUMNS: list[tuple[str, str]] = [
    ("plan", "계획 식별자 (`<기관>/<연도>`)"),
    ("organisation", "기관 이름"),
    ("year", "계획 연도"),
    ("project_id", "사업 식별자 (주소에 쓰임)"),
    ("number", "원문의 사업 번호"),
    ("title", "사업명 (원문 그대로)"),
    ("unit", "담당 부서"),
    ("strategy_id", "연결된 전략 노드 식별자"),
    ("strategy", "연결된 전략 노드 이름"),
    ("period", "사업기간 (원문 그대로)"),
    ("budget_won", "예산(원, 정수). 예산 내역이 있으면 그 합계, 없으면 원문 소요예산. 비예산은 0"),
    ("stated_budget_won", "원문 소요예산(원, 정수). 밝히지 않았으면 빈 칸"),
    ("non_budget", "비예산 사업이면 `예`"),
    ("url", "사업 쪽 주소 (사이트 기준 상대 경로)"),
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix text cells that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def project_rows(bundle: PlanBundle) -> list[dict[str, Any]]:
    """One flat row per project of a plan."""
    units = {u.id: u.name for u in bundle.plan.units}
    rows = []
    for p in bundle.projects:
        node = bundle_node(bundle, p.strategy)
        rows.append({
            "plan": bundle.key, "organisation": bundle.org.name, "year": bundle.plan.year,
            "project_id": p.id, "number": p.number or "", "title": p.title, "unit": units.get(p.unit or "", ""),
            "strategy_id": p.strategy or "", "strategy": node.title if node else "", "period": project_period(p) or "",
            "budget_won": project_total(p) or 0, "stated_budget_won": stated_budget(p) if stated_budget(p) is not None else "",
            "non_budget": "예" if is_non_budget(p) else "", "url": f"{bundle.key}/projects/{p.id}/",
        })
    return rows


def to_csv(rows: list[dict[str, Any]], bom: bool = False) -> bytes:
    """CSV bytes (UTF-8; with BOM for Excel), formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c for c, _ in COLUMNS], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def plan_json(bundle: PlanBundle) -> bytes:
    """The plan, its organisation and every project as JSON (money kept as original text)."""
    doc = {
        "organisation": bundle.org.model_dump(mode="json", by_alias=True, exclude={"schema_ref"}),
        "plan": bundle.plan.model_dump(mode="json", by_alias=True, exclude={"schema_ref"}),
        "projects": [p.model_dump(mode="json", by_alias=True, exclude={"schema_ref", "contacts"}) for p in bundle.projects],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def dictionary_csv() -> bytes:
    """The data dictionary: every column of the project tables with its meaning."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["column", "설명"])
    writer.writerows(COLUMNS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def download_files(portal: Portal) -> dict[str, str | bytes]:
    """Every download file, keyed by its path in the docs tree."""
    files: dict[str, str | bytes] = {"downloads/columns.csv": dictionary_csv()}
    all_rows: list[dict[str, Any]] = []
    for bundle in portal.plans:
        rows = project_rows(bundle)
        all_rows += rows
        base = f"downloads/{bundle.org.id}-{bundle.plan.year}"
        files[f"{base}-projects.csv"] = to_csv(rows)
        files[f"{base}-projects-excel.csv"] = to_csv(rows, bom=True)
        files[f"{base}.json"] = plan_json(bundle)
    files["downloads/all-projects.csv"] = to_csv(all_rows)
    files["downloads/all-projects-excel.csv"] = to_csv(all_rows, bom=True)
    return files
