"""The JSON Schema and the staff data-format reference, both generated from the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import schema_models
from .published import SCHEMA_FILE, document_schema_text

FILE_NAMES = {
    "site": "data/site.yaml",
    "organisation": "data/<기관>/org.yaml",
    "plan": "data/<기관>/<연도>/plan.yaml",
    "project": "data/<기관>/<연도>/projects/<사업id>.yaml",
    "progress": "data/<기관>/<연도>/progress/<보고이름>.yaml",
}


# The reference page names every model in Korean (the staff who edit the YAML read it); the JSON Schema keeps the
# models' own names and docstrings. A model missing here fails tests/test_schema.py.
MODEL_NAMES: dict[str, tuple[str, str]] = {
    "SiteConfig": ("누리집 설정", "누리집 전체에 쓰이는 설정입니다."),
    "FooterLink": ("바닥글 링크", "누리집 아래쪽(바닥글)에 넣는 링크입니다."),
    "Feedback": ("묻기·오류 신고", "시민이 사업에 대해 묻거나 잘못된 내용을 알리는 곳입니다."),
    "PurgedText": ("가린 글의 지문", "직원이 변경 이력에서 가린 글의 지문입니다. 글 자체는 어디에도 적지 않습니다."),
    "Organisation": ("기관", "계획을 공개하는 공공기관입니다."),
    "Plan": ("연간 계획", "한 기관의 한 해 계획입니다."),
    "Block": ("글 묶음", "제목이 있는 글(목록)·표·하위 묶음입니다. 전용 항목이 없는 내용도 빠짐없이 옮길 때 씁니다."),
    "Catalogue": ("원문 목록", "원문이 개수를 밝힌 목록입니다 (예: 65개 실천사업)."),
    "CatalogueEntry": ("목록 항목", "원문 목록의 한 줄입니다."),
    "Contact": ("연락처", "역할을 먼저 적는 연락처입니다. 이름은 누리집 설정이 허용할 때만 공개합니다."),
    "Irregularity": ("원문 오류·불일치 기록", "공식 문서의 오류·불일치를 고치지 않고 적어 둔 기록입니다."),
    "Kpi": ("성과지표", "연도별 목표가 있는 성과지표입니다."),
    "KpiTarget": ("연도별 목표·실적", "한 해의 목표 또는 실적입니다."),
    "LabeledText": ("이름표가 붙은 줄", "`(사업기간) 2024. 1 ~ 12월`처럼 이름표와 글로 된 한 줄입니다."),
    "Level": ("전략 단계", "계획의 전략 체계 가운데 한 단계입니다."),
    "ProjectGroup": ("사업 묶음", "이름이 있는 사업 목록입니다 (예: 현안사업, 신규사업)."),
    "SourceDocument": ("원문 문서", "이 계획을 옮겨 온 공식 문서입니다."),
    "SourceRef": ("원문 위치", "데이터가 공식 원문의 어디에 있는지 적습니다."),
    "StrategyNode": ("전략 항목", "전략 체계의 한 항목입니다. 몇 번째 깊이에 있는지가 그 단계를 정합니다."),
    "Table": ("표", "전용 항목이 없는 표를 칸 그대로 옮긴 것입니다."),
    "TitleVariant": ("다른 표기", "같은 제목이 문서의 다른 곳에 다르게 적힌 것입니다."),
    "Unit": ("부서", "팀·과·센터 같은 조직 단위입니다."),
    "Withholding": ("비공개 근거", "사업·블록·항목을 공개하지 않는 까닭입니다 (정보공개법 제9조제1항 각 호)."),
    "Project": ("사업", "사업(실천사업·현안사업 …) 하나와, 문서가 그 사업에 대해 적은 모든 것입니다."),
    "Budget": ("예산 내역", "사업의 예산표입니다."),
    "BudgetLine": ("예산 내역 행", "세목·항목·산출내역·금액으로 된 예산표의 한 행입니다."),
    "EvaluationRow": ("평가방법 행", "평가방법 표의 한 행입니다."),
    "FieldWithholding": ("항목 비공개", "공개하지 않는 사업 항목 하나와 그 법적 근거입니다."),
    "FundingShare": ("재원", "한 재원(국비·도비·시비·군비·기타)이 내는 예산 몫입니다."),
    "Issue": ("쟁점", "쟁점 하나와 그 설명·대책입니다."),
    "Issues": ("쟁점 및 대책", "쟁점 및 대책 블록입니다."),
    "Overview": ("사업개요", "목적·사업기간·소요예산·사업내용처럼 이름표가 붙은 줄들입니다."),
    "Schedule": ("추진계획", "밝힌 연도의 활동 × 월(또는 분기) 일정표입니다."),
    "ScheduleRow": ("추진계획 행", "추진계획 표에서 활동 한 행입니다."),
    "Step": ("일정 한 줄", "향후계획·추진계획 목록에서 시기가 붙은 한 줄입니다."),
    "Steps": ("일정 목록", "제목이 있는, 시기별 일정 목록입니다."),
    "ProgressReport": ("진행 보고", "분기·반기 실적처럼 기준일이 있는 계획의 진행 보고입니다. 계획 파일은 그대로 두고 따로 더합니다."),
    "ProjectProgress": ("사업 진행 상황", "보고 기준일에 한 사업이 어떻게 되어 가는지입니다."),
    "SourceSpending": ("재원별 집행액", "한 재원에서 기준일까지 쓴 금액입니다."),
    "KpiResult": ("성과지표 실적", "보고 기준일의 성과지표 실적입니다."),
}


def model_name(name: str) -> str:
    """The Korean name of a model on the reference page (the model's own name when none is given)."""
    return MODEL_NAMES.get(name, (name, ""))[0]


def _anchor(name: str) -> str:
    """The heading id of a model's section (`#sourceref`): links stay stable whatever the Korean name."""
    return name.lower()


def schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of every data file kind."""
    out = {}
    for kind, model in schema_models().items():
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind}.schema.json"
        out[kind] = schema
    return out


def schema_texts() -> dict[str, str]:
    """File name → JSON text of each schema (stable key order, trailing newline): the data files' and the published plan document's."""
    texts = {f"{kind}.schema.json": json.dumps(s, ensure_ascii=False, indent=2) + "\n" for kind, s in schemas().items()}
    return texts | {SCHEMA_FILE: document_schema_text()}


def write_schemas(directory: Path) -> list[Path]:
    """Write the schemas into `directory` and return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _type_name(prop: dict[str, Any]) -> str:
    """A short Korean type name for a schema property."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"묶음: [{model_name(name)}](#{_anchor(name)})"
    if "anyOf" in prop:
        names = [_type_name(p) for p in prop["anyOf"] if p.get("type") != "null"]
        return " 또는 ".join(dict.fromkeys(names))
    if prop.get("type") == "array":
        return "목록(" + _type_name(prop.get("items", {})) + ")"
    if "enum" in prop:
        return "다음 중 하나: " + ", ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    return {"string": "글", "integer": "정수", "number": "숫자", "boolean": "true/false", "object": "묶음"}.get(prop.get("type", ""), "값")


def _model_table(name: str, schema: dict[str, Any]) -> list[str]:
    """A Markdown table describing one model's fields, under the model's Korean name and description."""
    required = set(schema.get("required", []))
    title, about = MODEL_NAMES.get(name, (name, schema.get("description", "").strip()))
    lines = [f"### {title} {{ #{_anchor(name)} }}", "", about, "", "| 항목 | 종류 | 필수 | 설명 |", "|---|---|---|---|"]
    for field, prop in schema.get("properties", {}).items():
        desc = (prop.get("description") or "").replace("|", "\\|").replace("\n", " ")
        kind = _type_name(prop).replace("|", "\\|")
        lines.append(f"| `{field}` | {kind} | {'예' if field in required else ''} | {desc} |")
    return lines + [""]


def reference_markdown() -> str:
    """The data-format reference page body, generated from the schemas."""
    out: list[str] = []
    seen: set[str] = set()
    for kind, schema in schemas().items():
        out += [f"## {FILE_NAMES[kind]}", ""]
        out += _model_table(schema.get("title", kind), schema)  # the model's name (`Plan`): its Korean name is shown
        for def_name, sub in sorted(schema.get("$defs", {}).items()):
            if def_name not in seen:  # shared parts are described once, where they first appear
                seen.add(def_name)
                out += _model_table(def_name, sub)
    return "\n".join(out)
