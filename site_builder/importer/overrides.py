"""Hand corrections kept apart from the draft: a reviewable YAML file applied on every import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

OVERRIDES_FILE = "overrides.yaml"


# What an overrides file may hold, and whether each entry is one mapping or a mapping of id → mapping.
SHAPES = {"plan": "mapping", "org": "mapping", "catalogue_links": "mapping", "units": "by_id", "projects": "by_id"}


def load_overrides(path: Path | None) -> dict[str, Any]:
    """The overrides mapping (empty when there is no file); ValueError in Korean naming file:line for a bad file."""
    if path is None or not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ValueError(f"{where}: YAML로 읽을 수 없습니다 ({getattr(exc, 'problem', None) or '문법 오류'}). "
                         "들여쓰기·따옴표를 확인하세요 (`!!python/…` 같은 태그는 쓸 수 없습니다)") from None
    check_shape(path, data)
    return data


def check_shape(path: Path, data: Any) -> None:
    """Refuse an overrides file whose parts are not the mappings the importer applies."""
    if not isinstance(data, dict):
        raise ValueError(f"{path}: 최상위는 `plan:`, `units:`, `projects:` 같은 항목의 묶음이어야 합니다")
    for key, value in data.items():
        shape = SHAPES.get(key)
        if shape is None:
            raise ValueError(f"{path}: 알 수 없는 항목 `{key}` (쓸 수 있는 것: {', '.join(SHAPES)})")
        if not isinstance(value, dict) or (shape == "by_id" and not all(isinstance(v, dict) for v in value.values())):
            what = "식별자마다 항목의 묶음(예: `t01-05: {title: …}`)" if shape == "by_id" else "항목의 묶음(`이름: 값`)"
            raise ValueError(f"{path}: `{key}`는 {what}이어야 합니다")


def merge(target: dict[str, Any], changes: dict[str, Any]) -> None:
    """`key: value` replaces, `+key: [..]` appends to a list, `key: null` removes."""
    for key, value in changes.items():
        if key.startswith("+"):
            target.setdefault(key[1:], []).extend(value)
        elif value is None:
            target.pop(key, None)
        else:
            target[key] = value


def _merge_by_id(targets: dict[str, dict[str, Any]], changes: dict[str, Any]) -> list[str]:
    """Merge each id's changes into its target; returns the ids that have no target."""
    missing = []
    for ident, change in changes.items():
        if ident in targets:
            merge(targets[ident], change)
        else:
            missing.append(ident)
    return missing


def apply_plan(plan: dict[str, Any], overrides: dict[str, Any]) -> list[str]:
    """Apply `plan:` and `units:` changes; returns the unit ids that were not found."""
    merge(plan, overrides.get("plan") or {})
    return _merge_by_id({u["id"]: u for u in plan.get("units", [])}, overrides.get("units") or {})


def apply_projects(projects: dict[str, dict[str, Any]], overrides: dict[str, Any]) -> list[str]:
    """Apply `projects:` changes; returns the project ids that were not found."""
    return _merge_by_id(projects, overrides.get("projects") or {})
