"""The JSON Schema and the staff data-format reference, both generated from the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import schema_models

FILE_NAMES = {
    "site": "data/site.yaml",
    "organisation": "data/<기관>/org.yaml",
    "plan": "data/<기관>/<연도>/plan.yaml",
    "project": "data/<기관>/<연도>/projects/<사업id>.yaml",
    "progress": "data/<기관>/<연도>/progress/<보고이름>.yaml",
}


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
    """File name → JSON text of each schema (stable key order, trailing newline)."""
    return {f"{kind}.schema.json": json.dumps(s, ensure_ascii=False, indent=2) + "\n" for kind, s in schemas().items()}


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
        return "묶음: " + prop["$ref"].rsplit("/", 1)[-1]
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
    """A Markdown table describing one model's fields."""
    required = set(schema.get("required", []))
    lines = [f"### {name}", "", schema.get("description", "").strip(), "", "| 항목 | 종류 | 필수 | 설명 |", "|---|---|---|---|"]
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
        out += _model_table(schema.get("title", kind), schema)
        for def_name, sub in sorted(schema.get("$defs", {}).items()):
            if def_name not in seen:  # shared parts are described once, where they first appear
                seen.add(def_name)
                out += _model_table(def_name, sub)
    return "\n".join(out)
