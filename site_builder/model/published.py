"""The published JSON of a whole plan (`downloads/<기관>-<연도>.json`): its format version and its JSON Schema.

The document is the redacted plan as the models dump it, so its schema is generated from the same models; others can
build on it and tell by `format_version` whether their reader still fits (a new field raises the second number, a
changed or removed one the first).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field

from .documents import Organisation, Plan, Project
from .parts import Strict
from .progress import ProgressReport

FORMAT_VERSION = "1.0"
SCHEMA_FILE = "plan-document.schema.json"  # in `schema/` (committed) and in the site's `downloads/` (published)


class PlanDocument(Strict):
    """One plan as published for reuse: the organisation, the plan, every project and every progress report (비공개 taken out)."""

    schema_ref: str | None = Field(None, alias="$schema", description="이 문서를 설명하는 JSON Schema의 주소 (누리집의 `downloads/plan-document.schema.json`).")
    format_version: Literal["1.0"] = Field(..., description="문서 형식의 판. 항목이 늘면 뒷자리가, 뜻이 바뀌거나 항목이 빠지면 앞자리가 오릅니다.")
    organisation: Organisation = Field(..., description="계획을 공개한 기관.")
    plan: Plan = Field(..., description="계획 (전략 체계, 부서, 목록, 원문 오류 기록).")
    projects: list[Project] = Field(..., description="계획의 모든 사업 (담당자 연락처는 싣지 않음).")
    progress: list[ProgressReport] = Field(..., description="진행 보고 (분기·반기 실적), 기준일 순.")


def document_schema() -> dict[str, Any]:
    """The JSON Schema of the published plan document, generated from the models."""
    schema = PlanDocument.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_FILE, **schema}


def document_schema_text() -> str:
    """The schema as the file text (stable key order, trailing newline), the same in `schema/` and in the site."""
    return json.dumps(document_schema(), ensure_ascii=False, indent=2) + "\n"
