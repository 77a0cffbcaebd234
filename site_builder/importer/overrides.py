"""Hand corrections kept apart from the draft: a reviewable YAML file applied on every import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

OVERRIDES_FILE = "overrides.yaml"


def load_overrides(path: Path | None) -> dict[str, Any]:
    """The overrides mapping (empty when there is no file)."""
    if path is None or not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: 최상위는 `plan:`, `units:`, `projects:` 같은 항목의 묶음이어야 합니다")
    return data


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
