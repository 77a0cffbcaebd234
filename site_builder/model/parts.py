"""The building blocks of the plan documents: ids, money fields, links, text blocks, tables, budgets, schedules, indicators, withholding marks."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from .money import Money, MoneyError, parse_money

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
# An id names a folder and files (`.<id>.md.tmp` while written): far below the 255-byte limit of file names.
MAX_ID_LENGTH = 100

# A whole number that YAML wrote as a number: `true` is not 1 (pydantic would take it, so `ground: true` became 제1호),
# and `"5"` is not 5 (a quoted value is text).
Whole = Annotated[int, Field(strict=True)]


def _validate_money(value: Any) -> Money:
    """Pydantic hook: read money text or numbers, raising a typed error on failure."""
    try:
        money = parse_money(value)
    except MoneyError as exc:
        raise ValueError(f"money:{exc}") from exc
    if money.won is not None and not 0 <= money.won <= MAX_WON:
        raise ValueError(f"money_range:{money.won}")
    return money


# No amount in a plan is negative or above 10조원 (a whole province's budget); beyond that it is a typo.
MAX_WON = 10**13


MoneyField = Annotated[
    Money,
    PlainValidator(_validate_money),
    PlainSerializer(lambda m: m.raw, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "number"}],
            "description": "금액. 숫자(원 단위) 또는 `13,200천원`, `1,611.2백만원`, `2억9천만원`, `비예산` 같은 글.",
            "examples": ["13,200천원", "비예산"],
        }
    ),
]


Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH,
                          description="영문 소문자·숫자·`-`·`_`로 된 100자 이하의 식별자. 주소(URL)에 쓰이며 제목이 바뀌어도 그대로 둡니다.")]


Bullets = Annotated[
    str,
    Field(
        description="여러 줄 글. 문서의 줄머리 기호(`-`, `○`, `▣`, `①` …)와 들여쓰기를 그대로 둡니다. YAML `|` 블록으로 씁니다.",
    ),
]


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


LINK_SCHEMES = ("http", "https", "mailto", "tel")


def check_url(value: str | None) -> str | None:
    """A link from data: `http(s)://`, `mailto:`, `tel:` or a path on the site; `javascript:` and the like are refused."""
    if value is None:
        return value
    squeezed = re.sub(r"[\s\x00-\x1f]", "", value)  # browsers ignore these inside a scheme (`java\tscript:`)
    # The footer drops `./` and `../` from relative links, so `java../script:` must be judged as it will be published.
    for candidate in (squeezed, squeezed.replace("../", "").replace("./", "")):
        scheme = _SCHEME.match(candidate)
        if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
            raise ValueError(f"url:{value}")
    if not _SCHEME.match(squeezed) and ":" in re.split(r"[?#]", squeezed, maxsplit=1)[0]:
        raise ValueError(f"url:{value}")  # a path on the site has no colon before its query: anything else hides a scheme
    return value


SITE_URL = re.compile(r"^https?://[^\s\"'<>\\`]+$")


def check_site_url(value: str | None) -> str | None:
    """The public address: `http(s)://` and nothing that could close an attribute, a script string or an XML value."""
    if value is not None and not SITE_URL.match(value):
        raise ValueError(f"url:{value}")
    return value


# A group of zeros (`063-000-0000`, `0000`) is a number nobody filled in: published, it sends citizens nowhere.
PLACEHOLDER_PHONE = re.compile(r"(?<![0-9])0{3,}(?![0-9])")


def check_phone(value: str | None) -> str | None:
    """A published phone number that is not a placeholder."""
    if value is not None and PLACEHOLDER_PHONE.search(value):
        raise ValueError(f"phone:{value}")
    return value


def refuse_bool(value: Any) -> Any:
    """Pydantic hook for Decimal fields: refuse `true`/`false`, which Decimal would read as 1 and 0."""
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "Decimal input should be a number")
    return value


class Strict(BaseModel):
    """Base for all data models: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SourceRef(Strict):
    """Where a piece of data stands in the official source document."""

    document: str | None = Field(None, description="원문 파일 이름 (생략하면 계획의 원문).")
    lines: str = Field(..., pattern=r"^\d+(-\d+)?$", description="원문 줄 번호. `251` 또는 `251-254`.")
    page: Whole | None = Field(None, ge=1, description="원문의 인쇄 쪽 번호 (알 때만). PDF 원문 파일이면 그 쪽으로 바로 열립니다.")

    @field_validator("lines")
    @classmethod
    def _range_in_order(cls, value: str) -> str:
        """A line range ends at or after its start (`254-251` is a typo)."""
        start, _, end = value.partition("-")
        if end and int(end) < int(start):
            raise ValueError(f"range:{value}")
        return value


class TitleVariant(Strict):
    """Another wording of the same title elsewhere in the document."""

    text: str = Field(..., description="원문에 적힌 다른 표기 그대로.")
    where: str = Field(..., description="그 표기가 나오는 곳 (예: `65개 실천사업 목록`, `본문 제목`).")
    source: SourceRef | None = Field(None, description="원문 위치.")


class LabeledText(Strict):
    """One `label : text` line such as `(사업기간) 2024. 1 ~ 12월`."""

    label: str = Field(..., description="원문에 적힌 이름표 그대로 (띄어쓰기 포함, 예: `목 적`).")
    text: str = Field("", description="내용.")
    kind: Literal["purpose", "period", "budget", "content", "other"] = Field(
        "other", description="뜻: 목적(purpose), 기간(period), 예산(budget), 내용(content), 기타(other). 예산이면 금액으로 읽어 합계에 씁니다."
    )
    body: Bullets | None = Field(None, description="이름표 아래에 이어지는 줄들.")


class Table(Strict):
    """A generic table kept cell by cell, for anything without a dedicated model."""

    title: str | None = Field(None, description="표 제목.")
    unit_note: str | None = Field(None, description="단위 표시 그대로 (예: `(단위 : 백만원)`).")
    header: list[list[str]] = Field(default_factory=list, description="머리행들. 각 행은 칸 글의 목록.")
    rows: list[list[str]] = Field(default_factory=list, description="본문 행들. 빈 칸은 빈 글(`\"\"`).")
    notes: Bullets | None = Field(None, description="표 아래 주석.")
    source: SourceRef | None = Field(None, description="원문 위치.")


class Withholding(Strict):
    """Why a project, block or field is not published (정보공개법 제9조제1항 각 호)."""

    ground: Whole = Field(..., ge=1, le=8, description=(
        "비공개 근거: 「공공기관의 정보공개에 관한 법률」 제9조제1항의 호 번호 (1–8). 페이지에는 `비공개 (제9조제1항제N호)`로 나옵니다."))
    reason: str | None = Field(None, description="내부 메모 (비공개 결정 사유). 사이트·검색·내려받기 어디에도 나오지 않습니다.")


class Block(Strict):
    """A titled block of bullet text, tables and sub-blocks (lossless fallback)."""

    heading: str | None = Field(None, description="원문 제목 그대로 (예: `개선사항(23년 평가 및 환류)`).")
    body: Bullets | None = Field(None, description="본문 줄들.")
    tables: list[Table] = Field(default_factory=list, description="블록 안의 표.")
    blocks: list[Block] = Field(default_factory=list, description="하위 블록.")
    source: SourceRef | None = Field(None, description="원문 위치.")
    withheld: Withholding | None = Field(None, description="이 블록 비공개. 제목만 남고 내용(본문·표·하위 블록) 자리에 `비공개 (제9조제1항제N호)`가 나옵니다.")


class Contact(Strict):
    """A contact, role first; the personal name is published only if the site allows it."""

    role: str = Field("담당자", description="역할 (예: `담당자`, `팀 장`).")
    department: str | None = Field(None, description="부서 (생략하면 사업의 부서).")
    position: str | None = Field(None, description="직위.")
    phone: str | None = Field(None, description="전화 또는 내선 번호.")
    name: str | None = Field(None, description="이름. 사이트 설정 `show_person_names`가 true일 때만 공개합니다.")


class BudgetLine(Strict):
    """One row of a 세목/항목/산출내역/금액 budget table."""

    category: str | None = Field(None, description="세목 (빈 칸이면 위 행과 같음).")
    item: str | None = Field(None, description="항목 (빈 칸이면 위 행과 같음).")
    basis: str | None = Field(None, description="산출내역 그대로 (예: `4.4천원×500명×6월`).")
    amount: MoneyField | None = Field(None, description="금액. 위 행과 합쳐진 칸이면 비웁니다.")
    merged_with_previous: bool = Field(False, description="금액 칸이 위 행과 합쳐져 있으면 true.")
    kind: Literal["line", "subtotal", "total"] = Field("line", description="행 종류: 일반(line), 소계(subtotal), 총계(total). 합계 계산에는 line만 씁니다.")
    note: str | None = Field(None, description="금액 칸에 금액이 아닌 글이 있거나 머리행보다 칸이 많을 때, 그 글 그대로.")


class FundingShare(Strict):
    """Part of a budget paid from one source (국비/도비/시비/군비/기타)."""

    source: str = Field(..., description="재원 (예: `국비`, `도비`, `시비`, `군비`, `기타`).")
    share_pct: Decimal | None = Field(None, ge=0, le=100, description="비율(%).")
    amount: MoneyField | None = Field(None, description="금액.")

    _share_is_a_number = field_validator("share_pct", mode="before")(refuse_bool)


class Budget(Strict):
    """The budget table of a project."""

    heading: str | None = Field(None, description="원문 제목 또는 머리행 그대로.")
    unit_note: str | None = Field(None, description="단위 표시 그대로 (예: `(단위: 천원)`).")
    columns: list[str] = Field(default_factory=lambda: ["세목", "항목", "산출내역", "금액"], description="원문 머리행 이름.")
    lines: list[BudgetLine] = Field(default_factory=list, description="예산 행.")
    funding: list[FundingShare] = Field(default_factory=list, description="재원 구성.")
    source: SourceRef | None = Field(None, description="원문 위치.")


class EvaluationRow(Strict):
    """One row of the 평가방법 table."""

    kind: str = Field(..., description="평가 구분 그대로 (예: `정량평가`, `정성평가`).")
    item: str | None = Field(None, description="평가 항목 (빈 칸이면 위 행과 같음).")
    criterion: str = Field("", description="성과 기준.")


class ScheduleRow(Strict):
    """One activity row of a 추진계획 grid."""

    group: str | None = Field(None, description="묶음 이름 (두 칸짜리 표의 첫 칸).")
    label: str = Field("", description="세부추진사항.")
    marks: list[int] = Field(default_factory=list, description="■ 표시가 있는 기간 번호 (월이면 1–12, 분기면 1–4).")
    mark_outside: bool = Field(False, description="기간 칸 밖(13번째 칸)에 ■ 표시가 있으면 true.")
    texts: list[str] = Field(default_factory=list, description="기간 칸에 적힌 글, 표의 기간 순서대로 (■ 대신 글로 적은 일정표; 빈 칸은 빈 글).")


class Schedule(Strict):
    """A 추진계획 grid: activities × months (or quarters) of a stated year."""

    heading: str | None = Field(None, description="원문 제목 그대로.")
    year: Whole | None = Field(None, description="표에 적힌 연도 (계획 연도와 다를 수 있음).")
    year_label: str | None = Field(None, description="연도 칸 글 그대로 (예: `2023년도`).")
    unit: Literal["month", "quarter"] = Field("month", description="기간 단위: 월(month) 또는 분기(quarter).")
    label_header: str = Field("세부추진사항", description="활동 열 이름 그대로.")
    periods: list[int] = Field(default_factory=list, description="표에 있는 기간 번호 (예: 5월–10월만 있는 표는 `[5, 6, 7, 8, 9, 10]`; 생략하면 1–12월 또는 1–4분기 전부).")
    rows: list[ScheduleRow] = Field(default_factory=list, description="활동 행.")
    source: SourceRef | None = Field(None, description="원문 위치.")


class Step(Strict):
    """A dated step of 향후계획 / 추진계획 lists."""

    when: str = Field(..., description="시기 그대로 (예: `2022. 2. 13. ~ 2. 14.`).")
    text: str = Field("", description="할 일.")
    marker: str = Field("-", description="원문 줄머리 기호.")
    separator: str = Field(" ", description="시기와 할 일 사이의 글 그대로 (예: ` : `).")
    body: Bullets | None = Field(None, description="이어지는 세부 줄.")


class Steps(Strict):
    """A list of dated steps with its heading."""

    heading: str | None = Field(None, description="원문 제목 그대로.")
    steps: list[Step] = Field(default_factory=list, description="단계.")


class KpiTarget(Strict):
    """The target (or result) for one year."""

    year: Whole = Field(..., description="연도 (예: 2022).")
    label: str | None = Field(None, description="연도 칸 글 그대로 (예: `'22년`).")
    value: str = Field(..., description="값 그대로 (예: `2회`, `27%`).")
    kind: Literal["target", "result"] = Field("target", description="목표(target) 또는 실적(result).")


class Kpi(Strict):
    """A performance indicator with yearly targets."""

    indicator: str = Field(..., description="성과지표 이름.")
    marker: str | None = Field(None, description="원문 줄머리 기호 (예: `▶`).")
    unit: str | None = Field(None, description="단위 (예: `회`).")
    targets: list[KpiTarget] = Field(default_factory=list, description="연도별 값.")


class Issue(Strict):
    """One 쟁점 with its explanation and measures (대책)."""

    issue: str = Field(..., description="쟁점.")
    label: str = Field("쟁점", description="원문 이름표 그대로 (예: `쟁점1`).")
    body: Bullets | None = Field(None, description="설명과 대책 줄 (▣ 등 기호 그대로).")


class Issues(Strict):
    """The 쟁점 및 대책 block."""

    heading: str | None = Field(None, description="원문 제목 그대로.")
    items: list[Issue] = Field(default_factory=list, description="쟁점들.")


class Overview(Strict):
    """사업개요: labelled lines such as 목적, 사업기간, 소요예산, 사업내용."""

    heading: str | None = Field(None, description="원문 제목 그대로.")
    items: list[LabeledText] = Field(default_factory=list, description="이름표가 붙은 줄들.")
    body: Bullets | None = Field(None, description="이름표 없는 줄들.")


class Irregularity(Strict):
    """An irregularity of the official document, recorded instead of silently fixed."""

    id: Id
    kind: Literal["typo", "title_variant", "count", "sum", "formula", "year", "layout", "missing", "placeholder", "duplicate", "other"] = Field(
        ..., description="종류: 오탈자, 제목 차이, 개수, 합계, 산식, 연도, 배치, 누락, 빈 틀, 중복, 기타."
    )
    description: str = Field(..., description="무엇이 어떻게 다른지 한국어로.")
    source: SourceRef | None = Field(None, description="원문 위치.")
    refs: list[str] = Field(default_factory=list, description="관련 사업·전략 식별자.")


WithholdableField = Literal[
    "contacts", "goals", "background", "necessity", "overview", "budget", "results", "improvements", "actions",
    "evaluation", "schedule", "steps", "investment", "kpis", "issues", "effects", "sections", "title_variants", "irregularities",
]


class FieldWithholding(Strict):
    """One field of a project that is not published, with its legal ground."""

    field: WithholdableField = Field(..., description="공개하지 않을 항목 이름 (예: `budget`, `goals`). `budget`이면 사업개요의 소요예산 줄도 가리고 합계에서 뺍니다.")
    ground: Whole = Field(..., ge=1, le=8, description="비공개 근거: 「공공기관의 정보공개에 관한 법률」 제9조제1항의 호 번호 (1–8).")
    reason: str | None = Field(None, description="내부 메모 (비공개 결정 사유). 사이트·검색·내려받기 어디에도 나오지 않습니다.")
