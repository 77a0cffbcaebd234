"""Validate stage: raw YAML → typed models, with Korean errors that name file, line and field."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..base.problem import Problem
from ..load.source import DataSet, Path_, SourceFile
from ..model import Organisation, Plan, Project, SiteConfig
from ..model.portal import PlanBundle, Portal
from ..model.progress import ProgressReport
from .progress import progress_problems
from .references import check_references

_SIMPLE_MESSAGES: dict[str, tuple[str, str]] = {
    "string_type": ("글(문자열)이어야 합니다", "글"),
    "int_type": ("정수여야 합니다", "정수"),
    "int_parsing": ("정수여야 합니다", "정수"),
    "int_from_float": ("정수여야 합니다", "정수"),
    "bool_type": ("true 또는 false여야 합니다", "true/false"),
    "bool_parsing": ("true 또는 false여야 합니다", "true/false"),
    "list_type": ("목록이어야 합니다", "`- `로 시작하는 목록"),
    "model_type": ("하위 항목들의 묶음(매핑)이어야 합니다", "`이름: 값` 묶음"),
    "model_attributes_type": ("하위 항목들의 묶음(매핑)이어야 합니다", "`이름: 값` 묶음"),
    "dict_type": ("하위 항목들의 묶음(매핑)이어야 합니다", "`이름: 값` 묶음"),
    "decimal_parsing": ("숫자여야 합니다", "숫자"),
    "decimal_type": ("숫자여야 합니다", "숫자"),
    "float_parsing": ("숫자여야 합니다", "숫자"),
}


def _found(value: Any) -> str:
    """Show what was found, short and in words staff know."""
    if isinstance(value, dict):
        return "`이름: 값` 묶음"
    if isinstance(value, list):
        return f"목록({len(value)}개)"
    if isinstance(value, bool) or value is None:
        return {True: "true (참·거짓 값)", False: "false (참·거짓 값)", None: "null (빈 값)"}[value]  # as YAML wrote it, not Python's True
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "…"


def breadcrumb(data: Any, loc: Path_) -> str:
    """Field path with list items named by their id: `strategy[goal1].children[0].title`."""
    out, node = "", data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = item.get("id") if isinstance(item, dict) else None
            out += f"[{name}]" if isinstance(name, str) else f"[{part}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes an annotation may hold (through Optional, list, Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _unwrap(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _model_at(model: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """The model class that owns the mapping at `loc`."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(str(part)) or next(
            (f for f in current.model_fields.values() if f.alias == part), None
        )
        found = _unwrap(info.annotation) if info else []
        current = found[0] if found else None
    return current


def _allowed(model: type[BaseModel]) -> list[str]:
    """Field names staff may write in a mapping of this model."""
    return [f.alias or name for name, f in model.model_fields.items()]


def _message(error: Any, root: type[BaseModel]) -> tuple[str, str, str]:
    """Korean message, expectation and finding for one pydantic error."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    loc = tuple(error["loc"])
    if kind == "missing":
        return "필수 항목이 없습니다", "값", "없음"
    if kind == "extra_forbidden":
        owner = _model_at(root, loc[:-1])
        allowed = _allowed(owner) if owner else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f" — `{close[0]}`을(를) 뜻했나요?" if close else ""
        if str(loc[-1])[:1].isdigit():  # `{text: 2,500천원}` splits at the comma inside braces
            hint = " — `{ }` 안에서 쉼표(,)가 든 값은 따옴표로 감싸세요 (예: \"2,500천원\")"
        return f"알 수 없는 항목입니다{hint}", "허용된 항목: " + ", ".join(allowed), f"`{loc[-1]}`"
    if kind in _SIMPLE_MESSAGES:
        message, expected = _SIMPLE_MESSAGES[kind]
        return message, expected, _found(value)
    return _special_message(kind, ctx, value, error)


def _tag(error: Any) -> str:
    """The tag our validators put before a value error (`money:…`, `url:…`); pydantic prefixes `Value error, `."""
    text = str(error.get("msg", "")).removeprefix("Value error, ")
    return text.split(":", 1)[0] if ":" in text else ""


def _special_message(kind: str, ctx: dict[str, Any], value: Any, error: Any) -> tuple[str, str, str]:
    """Messages that need the error's context."""
    if kind == "literal_error":
        return "정해진 값 중 하나여야 합니다", str(ctx.get("expected", "")).replace("'", "`").replace(" or ", " 또는 "), _found(value)
    if kind == "string_pattern_mismatch":
        return "식별자 형식이 아닙니다", "영문 소문자·숫자·`-`·`_` (예: `p01`)", _found(value)
    if kind == "string_too_long":  # only ids have a length limit: they become folder and file names
        return "식별자가 너무 깁니다: 주소와 파일 이름에 쓰이므로 줄여 주세요", f"{ctx.get('max_length')}자 이하", f"{len(str(value))}자"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        word = "이상" if kind.startswith("greater") else "이하"
        return "허용 범위를 벗어났습니다", f"{bound} {word}", _found(value)
    if kind == "too_short":
        return "항목이 너무 적습니다", f"최소 {ctx.get('min_length')}개", f"{ctx.get('actual_length')}개"
    if kind == "value_error" and _tag(error) == "url":
        return "쓸 수 없는 주소입니다", "`https://…`, `mailto:…`, `tel:…` 또는 사이트 안 경로", _found(value)
    if kind == "value_error" and _tag(error) == "phone":
        return "자리 표시용 번호로 보입니다 (0으로만 된 자리가 있음)", "실제 전화번호 (모르면 이 항목을 지우세요)", _found(value)
    if kind == "value_error" and _tag(error) == "money_range":
        return "금액이 허용 범위를 벗어났습니다 (음수이거나 10조원을 넘습니다)", "0원 이상 10조원 이하", _found(value)
    if kind == "value_error" and _tag(error) == "range":
        return "끝 줄 번호가 시작 줄 번호보다 앞입니다", "`시작-끝` (예: `251-254`)", _found(value)
    if kind == "value_error" and _tag(error) == "money":
        return "금액으로 읽을 수 없습니다", "숫자(원) 또는 `13,200천원`, `1,611.2백만원`, `2억9천만원`, `비예산`", _found(value)
    return "값이 올바르지 않습니다", str(error.get("msg", "")), _found(value)


def validate_file(source: SourceFile, model: type[BaseModel]) -> tuple[Any, list[Problem]]:
    """Validate one file's data against its model, translating every error."""
    try:
        return model.model_validate(source.data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line, col = source.position(loc)
            message, expected, found = _message(error, model)
            problems.append(Problem(source.display, line, col, breadcrumb(source.data, loc), message, expected, found))
        return None, problems


def validate(data: DataSet) -> tuple[Portal | None, list[Problem]]:
    """Validate every file and every cross-reference; all problems are collected."""
    problems: list[Problem] = []
    site = None
    if data.site:
        site, found = validate_file(data.site, SiteConfig)
        problems += found
    bundles = []
    for files in data.plans:
        bundle, found = _validate_plan(files)
        problems += found
        if bundle:
            bundles.append(bundle)
    problems += check_references(bundles) + progress_problems(bundles)
    if problems or site is None:
        return None, sorted(set(problems))
    return Portal(site, bundles), []


def _validate_plan(files: Any) -> tuple[PlanBundle | None, list[Problem]]:
    """Validate one plan directory (org, plan, projects)."""
    org, problems = validate_file(files.org, Organisation)
    plan, found = validate_file(files.plan, Plan)
    problems += found
    pairs: list[tuple[Project, SourceFile]] = []
    for source in sorted(files.projects, key=lambda f: f.path.name):
        project, found = validate_file(source, Project)
        problems += found
        if project:
            pairs.append((project, source))
    reports: list[tuple[ProgressReport, SourceFile]] = []
    for source in files.progress:
        report, found = validate_file(source, ProgressReport)
        problems += found
        if report:
            reports.append((report, source))
    if not (org and plan):
        return None, problems
    declared = files.stems | {str(f.data.get("id")) for f in files.projects if isinstance(f.data, dict)}
    reports.sort(key=lambda pair: (pair[0].as_of, pair[1].path.name))  # oldest first: the last entry is the current state
    return PlanBundle(org, plan, [p for p, _ in pairs], files.plan, files.org, [s for _, s in pairs], declared,
                      [r for r, _ in reports], [s for _, s in reports], files.documents), problems
