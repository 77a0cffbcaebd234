"""Typed plan model: every field is described; the JSON Schema and the staff reference come from here."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from .parts import (
    Block,
    Budget,
    Bullets,
    Contact,
    EvaluationRow,
    FieldWithholding,
    Id,
    Irregularity,
    Issues,
    Kpi,
    LabeledText,
    MoneyField,
    Overview,
    Schedule,
    SourceRef,
    Steps,
    Strict,
    Table,
    TitleVariant,
    Whole,
    Withholding,
    check_phone,
    check_site_url,
    check_url,
)
from .progress import ProgressReport


class Project(Strict):
    """A work item (사업 / 실천사업 / 현안사업 …) with everything the document says about it."""

    # A field's `title` is its name in the change history (git/history.py); a field without one has its own message
    # there or is listed in `history.UNLISTED` (tests/test_history.py checks that every field is one of these).

    schema_ref: str | None = Field(None, alias="$schema", description="편집기용 JSON Schema 경로.")
    id: Id
    title: str = Field(..., description="공식 제목 (원문 그대로).")
    number: str | None = Field(None, title="번호", description="원문의 번호 (예: `3`, `1-2`).")
    stated_budget: MoneyField | None = Field(None, description="원문이 제목이나 본문에 밝힌 사업 금액 그대로 (예: `3,180백만원`). 예산 내역 표가 없을 때 합계에 씁니다.")
    group: str | None = Field(None, title="사업 구분", description="사업 묶음 식별자 (계획의 `project_groups`).")
    unit: str | None = Field(None, description="담당 부서 식별자 (계획의 `units`).")
    strategy: str | None = Field(None, description="연결된 전략 노드 식별자.")
    continues: list[str] = Field(default_factory=list, title="다른 해 사업 연결", description="다른 해의 같은 사업 (`<조직>/<연도>/<사업id>`).")
    title_variants: list[TitleVariant] = Field(default_factory=list, title="다른 표기", description="같은 사업의 다른 표기.")
    contacts: list[Contact] = Field(default_factory=list, title="담당자 연락처", description="담당자·책임자.")
    goals: Block | None = Field(None, title="사업목표", description="사업목표.")
    background: Block | None = Field(None, title="추진배경", description="추진배경 (또는 추진방향).")
    necessity: Block | None = Field(None, title="필요성", description="필요성.")
    overview: Overview | None = Field(None, title="사업개요", description="사업개요.")
    budget: Budget | None = Field(None, description="예산 내역 (세목·항목·산출내역·금액)과 재원.")
    results: Block | None = Field(None, title="주요성과", description="주요성과.")
    improvements: Block | None = Field(None, title="개선사항", description="개선사항.")
    actions: Block | None = Field(None, title="실행방안", description="실행방안.")
    evaluation: list[EvaluationRow] = Field(default_factory=list, title="평가방법", description="평가방법 (정량/정성).")
    evaluation_heading: str | None = Field(None, title="평가방법 제목", description="평가방법 원문 제목.")
    evaluation_header: list[str] = Field(default_factory=list, description="평가방법 표의 머리행 칸 글 그대로 (예: `구분`, `성과 기준`).")
    schedule: Schedule | None = Field(None, description="추진계획 (월별 표).")
    steps: list[Steps] = Field(default_factory=list, description="향후계획·추진계획 (시기별 단계).")
    investment: Table | None = Field(None, title="투자계획", description="투자계획 표.")
    kpis: list[Kpi] = Field(default_factory=list, description="성과지표.")
    issues: Issues | None = Field(None, title="쟁점 및 대책", description="쟁점 및 대책.")
    effects: Block | None = Field(None, title="기대효과", description="기대효과.")
    sections: list[Block] = Field(default_factory=list, title="그 밖의 내용", description="그 밖의 블록 (원문 제목 그대로).")
    source: SourceRef | None = Field(None, description="원문 위치.")
    irregularities: list[Irregularity] = Field(default_factory=list, title="원문 오류·불일치 기록", description="이 사업의 원문 오류·불일치 기록.")
    withheld: Withholding | None = Field(None, description="사업 전체 비공개. 번호·부서·전략·구분만 남고 제목은 `비공개 (제9조제1항제N호)`로 바뀌며 금액은 합계에서 빠집니다.")
    withheld_fields: list[FieldWithholding] = Field(default_factory=list, description="공개하지 않을 항목들. 그 자리에 `비공개 (제9조제1항제N호)`가 나옵니다.")


class StrategyNode(Strict):
    """A node of the strategy tree; its depth gives its level."""

    id: Id
    title: str = Field(..., description="공식 제목.")
    code: str | None = Field(None, description="원문의 번호 (예: `1-1`).")
    title_variants: list[TitleVariant] = Field(default_factory=list, description="다른 표기.")
    declared_count: Whole | None = Field(None, description="원문이 밝힌 하위 사업 수 (예: `(9)`).")
    stated_budget: MoneyField | None = Field(None, description="원문이 밝힌 예산.")
    kpis: list[Kpi] = Field(default_factory=list, description="성과지표.")
    kpi_header: list[str] = Field(default_factory=list, description="성과지표 표의 머리 글 그대로 (예: `성 과 지 표`, `목 표 값`).")
    body: Bullets | None = Field(None, description="세부 추진내용.")
    tables: list[Table] = Field(default_factory=list, description="표.")
    children: list[StrategyNode] = Field(default_factory=list, description="하위 노드.")
    source: SourceRef | None = Field(None, description="원문 위치.")
    withheld: Withholding | None = Field(None, description=(
        "이 노드의 내용 비공개. 번호·제목·하위 노드·연결된 사업 목록은 남고, 예산(원문)·성과지표·세부 추진내용·표·다른 표기 자리에 `비공개 (제9조제1항제N호)`가 나옵니다."))


class Level(Strict):
    """One level of the plan's strategy hierarchy."""

    name: str = Field(..., description="단계 이름 (예: `전략목표`, `이행과제`).")
    declared_count: Whole | None = Field(None, description="원문이 밝힌 개수 (예: `9대 전략과제` → 9).")


class Unit(Strict):
    """An organisational unit (팀·과·센터)."""

    id: Id
    name: str = Field(..., description="부서 이름.")
    number: str | None = Field(None, description="원문의 장 번호.")
    vision: str | None = Field(None, description="부서 비전.")
    strategy_label: str | None = Field(None, description="부서 전략표의 전략 열 이름 그대로 (예: `경영계획`).")
    project_label: str | None = Field(None, description="부서 전략표의 사업 열 이름 그대로 (예: `세부실천과제`).")
    contacts: list[Contact] = Field(default_factory=list, description="부서 대표 연락처.")
    body: Bullets | None = Field(None, description="부서 소개.")
    source: SourceRef | None = Field(None, description="원문 위치.")


class ProjectGroup(Strict):
    """A named list of projects (예: 현안사업, 신규사업)."""

    id: Id
    title: str = Field(..., description="묶음 이름 그대로.")
    number: str | None = Field(None, description="원문 장 번호 (예: `V`).")


class CatalogueEntry(Strict):
    """One entry of a declared catalogue such as the 65개 실천사업."""

    text: str = Field(..., description="목록에 적힌 글 그대로.")
    strategy: str | None = Field(None, description="목록에서 속한 전략 노드.")
    project: str | None = Field(None, description="대응하는 사업 식별자.")


class Catalogue(Strict):
    """A declared list of items with its stated total."""

    id: Id
    title: str = Field(..., description="목록 이름.")
    declared_total: Whole | None = Field(None, description="원문이 밝힌 개수.")
    entries: list[CatalogueEntry] = Field(default_factory=list, description="항목.")
    source: SourceRef | None = Field(None, description="원문 위치.")


class SourceDocument(Strict):
    """The official document this plan was converted from."""

    file: str = Field(..., description="원문 파일 이름.")
    title: str | None = Field(None, description="원문 제목.")
    pages: str | None = Field(None, description="원문 쪽 범위.")


class Plan(Strict):
    """One organisation's plan for one year."""

    schema_ref: str | None = Field(None, alias="$schema", description="편집기용 JSON Schema 경로.")
    year: Whole = Field(..., ge=1990, le=2100, description="계획 연도.")
    title: str = Field(..., description="계획 이름.")
    subtitle: str | None = Field(None, description="표어·부제.")
    issued: str | None = Field(None, description="발행일 그대로 (예: `2024. 1.`).")
    money_unit: Literal["원", "천원", "만원", "백만원", "억원"] = Field("천원", description="금액 표시 단위.")
    source_documents: list[SourceDocument] = Field(default_factory=list, description="원문 문서.")
    mission: Block | None = Field(None, description="미션.")
    vision: list[LabeledText] = Field(default_factory=list, description="비전들 (이름표 포함).")
    policies: Block | None = Field(None, description="경영방침.")
    core_values: Block | None = Field(None, description="핵심가치.")
    levels: list[Level] = Field(..., min_length=1, description="전략 체계의 단계 (위에서 아래로).")
    strategy: list[StrategyNode] = Field(default_factory=list, description="전략 체계 (나무 구조).")
    units: list[Unit] = Field(default_factory=list, description="부서.")
    project_groups: list[ProjectGroup] = Field(default_factory=list, description="사업 묶음.")
    catalogues: list[Catalogue] = Field(default_factory=list, description="선언된 목록 (예: 65개 실천사업).")
    sections: list[Block] = Field(default_factory=list, description="그 밖의 장 (일반현황, 성과평가 …), 원문 제목 그대로.")
    irregularities: list[Irregularity] = Field(default_factory=list, description="원문 오류·불일치 기록.")
    acknowledged: list[str] = Field(default_factory=list, description="확인한 점검 결과 식별자 (`--strict`에서 오류로 보지 않음).")
    acknowledged_personal_data: list[str] = Field(
        default_factory=list,
        description="개인정보 검사(주민등록번호·휴대전화·개인 전자우편)에 걸렸지만 공개해도 된다고 확인한 값들, 원문 그대로 (이 계획의 파일에만 적용).",
    )


class Organisation(Strict):
    """A public body publishing plans."""

    schema_ref: str | None = Field(None, alias="$schema", description="편집기용 JSON Schema 경로.")
    id: Id
    name: str = Field(..., description="기관 이름.")
    name_en: str | None = Field(None, description="영문 이름.")
    kind: str | None = Field(None, description="기관 종류 (예: `기초자치단체 부서`, `출연기관`).")
    parent: str | None = Field(None, description="상위 기관 이름.")
    homepage: str | None = Field(None, description="누리집 주소.")

    _homepage_is_link = field_validator("homepage")(check_url)
    phone: str | None = Field(None, description="대표 전화 (예: `063-280-4000`). 내선만 적힌 담당자 전화 옆에 함께 보여 줍니다.")

    _phone_is_real = field_validator("phone")(check_phone)


class FooterLink(Strict):
    """A link in the site footer."""

    title: str = Field(..., description="링크 글.")
    url: str = Field(..., description="주소. `https://…`, `mailto:…`, `tel:…` 또는 사이트 안 경로 (`javascript:` 등은 쓸 수 없음).")

    _url_is_link = field_validator("url")(check_url)


class Feedback(Strict):
    """Where citizens ask about a project or report a wrong number."""

    url: str = Field(..., description=("`mailto:…` (제목과 본문에 사업명·페이지 주소를 채워 엽니다) 또는 `https://…` 주소 (국민신문고, 정보공개 청구, "
                                         "이슈 트래커 등). https 주소 안의 `{title}`·`{url}`은 사업명과 페이지 주소로 바뀝니다."))
    label: str = Field("묻기·오류 신고", description="링크 글.")

    _url_is_link = field_validator("url")(check_url)


class PurgedText(Strict):
    """The fingerprint of a text staff took out of the change history (the text itself is not written anywhere)."""

    sha256: str = Field(..., pattern=r"^[0-9a-f]{64}$", description="정규화한 글(NFKC, 소문자, 글자·숫자만 남김)의 SHA-256 (16진수 64자).")
    length: int = Field(..., ge=2, description="정규화한 글의 글자 수 (변경 이력의 글에서 같은 길이의 부분마다 지문을 비교합니다).")


class SiteConfig(Strict):
    """Site-wide settings."""

    schema_ref: str | None = Field(None, alias="$schema", description="편집기용 JSON Schema 경로.")
    title: str = Field(..., description="사이트 이름.")
    description: str | None = Field(None, description="사이트 설명.")
    operator: str = Field(..., description="운영 기관.")
    operator_phone: str | None = Field(None, description="운영 기관 대표 전화 (예: `063-280-4000`). `063-000-0000` 같은 자리 표시용 번호는 쓸 수 없습니다.")

    _operator_phone_is_real = field_validator("operator_phone")(check_phone)
    feedback: Feedback | None = Field(None, description="사업 페이지마다 붙는 「묻기·오류 신고」 링크의 목적지. 없으면 링크를 싣지 않습니다.")
    site_url: str | None = Field(None, description="공개 주소 (예: `https://plans.example.go.kr/`).")

    _site_url_is_link = field_validator("site_url")(check_site_url)
    show_person_names: bool = Field(False, description="담당자 이름 공개 여부 (기본: 공개 안 함).")
    license: Literal["kogl-1", "kogl-2", "kogl-3", "kogl-4"] = Field("kogl-1", description="공공누리 유형.")
    footer_links: list[FooterLink] = Field(default_factory=list, description="바닥글 링크 (개인정보처리방침 등).")
    email_domains: list[str] = Field(
        default_factory=list,
        description="기관 전자우편 도메인 (예: `jbsswa.or.kr`). 이 도메인과 `*.go.kr` 밖의 주소는 개인 전자우편으로 보고 빌드를 멈춥니다.",
    )
    acknowledged_personal_data: list[str] = Field(
        default_factory=list, description="개인정보 검사에 걸렸지만 공개해도 된다고 확인한 값들, 원문 그대로 (사이트 전체에 적용)."
    )
    history_purge: list[PurgedText] = Field(
        default_factory=list,
        description=("변경 이력(사업 페이지, 최근 변경, `feed.xml`)에서 가릴 글의 지문. 이 글이 든 제목·항목은 내용 없이 나옵니다. "
                     "손으로 적지 말고 `site-builder purge`로 더하세요 (글 자체는 저장소에 적히지 않습니다)."),
    )


def schema_models() -> dict[str, type[BaseModel]]:
    """The data file kinds and the model each is validated with."""
    return {"site": SiteConfig, "organisation": Organisation, "plan": Plan, "project": Project, "progress": ProgressReport}
