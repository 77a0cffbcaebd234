"""Stage 8: check every drafted dict against the model and order its keys as the model does."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from ..model import Organisation, Plan, Project
from .lines import Line, source


def ordered(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """Validate `data` and return it in model field order (only the keys that were given)."""
    obj = model.model_validate(data)
    return obj.model_dump(by_alias=True, exclude_unset=True, exclude_none=True, mode="python")  # type: ignore[no-any-return]


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Drop the importer's private `_` keys, recursively."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("_"):
            continue
        if isinstance(value, dict):
            value = _clean(value)
        elif isinstance(value, list):
            value = [_clean(v) if isinstance(v, dict) else v for v in value]
        out[key] = value
    return out


def final_project(project: dict[str, Any], lines: list[Line], errors: list[str]) -> dict[str, Any]:
    """The project in model order; if it does not validate, its source lines as one generic section."""
    try:
        return ordered(Project, _clean(project))
    except ValidationError as exc:
        errors.append(f"{project['id']}: {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}")
        return ordered(Project, fallback_project(project, lines))


def fallback_project(project: dict[str, Any], lines: list[Line]) -> dict[str, Any]:
    """Identity fields plus every source line of the project, unstructured."""
    where = (project.get("source") or {}).get("lines", "0")
    first, _, last = where.partition("-")
    own = [ln for ln in lines if int(first) <= ln.no <= int(last or first)]
    keep: dict[str, Any] = {k: project[k] for k in ("id", "title", "number", "group", "unit", "strategy") if k in project}
    body = "\n".join(ln.text.rstrip() for ln in own if ln.kind != "blank") + "\n"
    return {**keep, "sections": [{"heading": "원문", "body": body, "source": source(own)}], "source": project.get("source")}


def final_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan in model order."""
    return ordered(Plan, _clean(plan))


def final_org(org: dict[str, Any]) -> dict[str, Any]:
    """The organisation in model order."""
    return ordered(Organisation, org)
