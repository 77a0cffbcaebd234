"""The columns of the open-data rows (CSV, XLSX, JSON) with their meaning: the published data dictionary.

Two tables: the project rows (one per project, with how it stands in the newest progress report) and the KPI rows
(one per project indicator and year: target and result).
"""

from __future__ import annotations

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
    ("status", "추진 상태: 이 사업을 적은 가장 최근 진행 보고(분기·반기 실적)의 상태 (`예정`, `추진 중`, `완료`, `지연`, `보류`, `취소`). 보고가 없으면 빈 칸"),
    ("status_as_of", "상태 기준일: 그 진행 보고의 기준일 (`YYYY-MM-DD`). 보고가 없으면 빈 칸"),
    ("progress_pct", "진척률(%, 0–100): 그 보고에 적힌 값. 적지 않았으면 빈 칸"),
    ("executed_won", "집행액(원, 정수): 기준일까지 쓴 돈의 누계. 적지 않았거나 예산이 비공개면 빈 칸"),
    ("execution_rate_pct", "집행률(%): 집행액 ÷ 예산(`budget_won`) × 100, 소수 첫째 자리까지 반올림. 예산이나 집행액이 없으면 빈 칸. 100보다 크면 예산보다 많이 쓴 것"),
    ("executed_by_source", "재원별 집행액: `국비 52,100,000원; 시비 52,100,000원`처럼 재원마다 원 단위로. 적지 않았으면 빈 칸"),
    ("over_budget_reason", "예산보다 많이 쓴 까닭 (진행 보고에 적힌 그대로)"),
    ("delay_reason", "지연·보류·취소의 까닭 (진행 보고에 적힌 그대로)"),
    ("progress_summary", "추진 실적 요약 (진행 보고에 적힌 그대로)"),
    ("url", "사업 페이지 주소. 누리집 공개 주소(`site_url`)가 정해져 있으면 `https://`로 시작하는 전체 주소, 아니면 누리집 첫 페이지 기준 상대 경로"),
]
# The heading of each column in the CSV and XLSX files, for readers who open them in a spreadsheet; the JSON rows and
# the data dictionary keep the machine names above (the dictionary gives both).
HEADINGS: dict[str, str] = {
    "plan": "계획 식별자", "organisation": "기관", "year": "연도", "project_id": "사업 식별자", "number": "사업 번호",
    "title": "사업명", "unit": "담당 부서", "strategy_id": "전략 식별자", "strategy": "전략", "period": "사업기간",
    "budget_won": "예산(원)", "stated_budget_won": "원문 소요예산(원)", "non_budget": "비예산",
    "status": "추진 상태", "status_as_of": "상태 기준일", "progress_pct": "진척률(%)", "executed_won": "집행액(원)",
    "execution_rate_pct": "집행률(%)", "executed_by_source": "재원별 집행액", "over_budget_reason": "예산 초과 사유",
    "delay_reason": "지연·보류·취소 사유", "progress_summary": "추진 실적", "url": "사업 페이지 주소",
}

# The KPI rows (`downloads/<기관>-<연도>-kpis.csv`, `.json`): one row per project indicator and year.
KPI_COLUMNS: list[tuple[str, str]] = [
    ("plan", "계획 식별자 (`<기관>/<연도>`)"),
    ("project_id", "사업 식별자 (사업 목록의 `project_id`와 같음)"),
    ("project", "사업명 (원문 그대로)"),
    ("indicator", "성과지표 이름 (원문 그대로)"),
    ("unit", "성과지표 단위 (예: `명`, `%`). 없으면 빈 칸"),
    ("year", "연도"),
    ("target", "그 해 목표 (원문 그대로). 없으면 빈 칸"),
    ("result", "그 해 실적: 계획 연도는 그 지표를 적은 가장 최근 진행 보고의 값, 다른 해는 원문에 적힌 실적. 없으면 빈 칸"),
    ("result_note", "실적 설명 (진행 보고에 적힌 그대로)"),
    ("as_of", "실적 기준일: 진행 보고의 기준일 (`YYYY-MM-DD`). 원문에 적힌 실적이거나 실적이 없으면 빈 칸"),
]
KPI_HEADINGS: dict[str, str] = {
    "plan": "계획 식별자", "project_id": "사업 식별자", "project": "사업명", "indicator": "성과지표", "unit": "단위", "year": "연도",
    "target": "목표", "result": "실적", "result_note": "실적 설명", "as_of": "실적 기준일",
}
NUMERIC = {"year", "budget_won", "stated_budget_won", "executed_won"}  # whole numbers; every other column but DECIMAL is text (`001` stays `001`)
DECIMAL = {"progress_pct", "execution_rate_pct"}  # numbers that may have a fraction (`12.5`)


def column_type(name: str) -> str:
    """The JSON type of a column in the data dictionary: `integer`, `number` or `string`."""
    return "integer" if name in NUMERIC else "number" if name in DECIMAL else "string"


TYPE_NAMES = {"integer": "정수", "number": "숫자", "string": "글자"}  # the same types in Korean (the downloads page)
