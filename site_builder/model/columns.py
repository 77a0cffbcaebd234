"""The columns of the open-data project rows (CSV, XLSX, JSON) with their meaning: the published data dictionary."""

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
    ("url", "사업 페이지 주소. 누리집 공개 주소(`site_url`)가 정해져 있으면 `https://`로 시작하는 전체 주소, 아니면 누리집 첫 페이지 기준 상대 경로"),
]
# The heading of each column in the CSV and XLSX files, for readers who open them in a spreadsheet; the JSON rows and
# the data dictionary keep the machine names above (the dictionary gives both).
HEADINGS: dict[str, str] = {
    "plan": "계획 식별자", "organisation": "기관", "year": "연도", "project_id": "사업 식별자", "number": "사업 번호",
    "title": "사업명", "unit": "담당 부서", "strategy_id": "전략 식별자", "strategy": "전략", "period": "사업기간",
    "budget_won": "예산(원)", "stated_budget_won": "원문 소요예산(원)", "non_budget": "비예산", "url": "사업 페이지 주소",
}
NUMERIC = {"year", "budget_won", "stated_budget_won"}  # every other column is text, codes included (`001` stays `001`)
