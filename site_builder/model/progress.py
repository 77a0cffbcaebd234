"""Progress reports (분기·반기 실적): dated files staff add through the year, beside the plan, which stays as published.

One file per report: `data/<org>/<year>/progress/<name>.yaml` with its as-of date and, per project id, the status,
progress, spending to date, finished schedule items and KPI results. The newest report that names a project gives
its current state; every report stays in the record (plan vs actual over time).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator

from .parts import Id, MoneyField, Strict, refuse_bool

STATUSES = ("예정", "추진 중", "완료", "지연", "보류", "취소")
Status = Literal["예정", "추진 중", "완료", "지연", "보류", "취소"]


class SourceSpending(Strict):
    """Spending to date from one funding source."""

    source: str = Field(..., description="재원 (예: `국비`, `도비`, `시비`, `군비`, `자체`).")
    amount: MoneyField = Field(..., description="이 재원의 집행액 (기준일까지 누계). 숫자(원) 또는 `13,200천원`처럼.")


class KpiResult(Strict):
    """The result of one performance indicator as of the report's date."""

    indicator: str = Field(..., description="성과지표 이름: 사업 파일 `kpis`의 `indicator`와 글자 그대로 같아야 합니다.")
    value: str = Field(..., description="실적 값 그대로 (예: `3회`, `85%`).")
    note: str | None = Field(None, description="설명 (예: `상반기 실적`).")


class ProjectProgress(Strict):
    """How one project stands on the report's date."""

    status: Status = Field(..., description="추진 상태: `예정`, `추진 중`, `완료`, `지연`, `보류`, `취소` 가운데 하나.")
    progress_pct: Decimal | None = Field(None, ge=0, le=100, description="진척률(%), 0–100.")
    executed: MoneyField | None = Field(None, description="집행액 (기준일까지 누계). 숫자(원) 또는 `13,200천원`처럼.")
    executed_by_source: list[SourceSpending] = Field(default_factory=list, description="재원별 집행액 (알 때만).")
    over_budget_reason: str | None = Field(None, description="집행액이 예산보다 많을 때 그 까닭 (없으면 검사가 멈춥니다).")
    done: list[str] = Field(default_factory=list, description="마친 추진계획 항목: 사업 파일 `schedule`의 활동 이름 그대로.")
    kpi_results: list[KpiResult] = Field(default_factory=list, description="성과지표 실적.")
    summary: str | None = Field(None, description="추진 실적 한두 문장 (시민이 읽는 글).")
    delay_reason: str | None = Field(None, description="지연·보류·취소의 까닭.")

    _progress_is_a_number = field_validator("progress_pct", mode="before")(refuse_bool)


class ProgressReport(Strict):
    """One dated progress report of a plan (분기·반기 실적)."""

    schema_ref: str | None = Field(None, alias="$schema", description="편집기용 JSON Schema 경로.")
    as_of: datetime.date = Field(..., description="기준일 (예: `2024-06-30`): 계획 연도 안이거나 그 뒤여야 합니다.")
    title: str | None = Field(None, description="보고 이름 (예: `2024년 상반기 실적`).")
    projects: dict[Id, ProjectProgress] = Field(..., min_length=1, description="사업 id마다 그 사업의 진행 상황.")
