"""Stage 7: deterministic YAML text — schema comment first, model key order, `|` blocks for multi-line text."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml

SPECIAL_START = set("-?:,[]{}#&*!|>'\"%@` ")
FLOW_LIMIT = 150


def scalar(value: Any, flow: bool = False) -> str:
    """One scalar as YAML: plain when it reads back identical, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _plain_ok(text, flow):
        return text
    return json.dumps(text, ensure_ascii=False)


def _plain_ok(text: str, flow: bool) -> bool:
    """True when a string can be written without quotes."""
    if not text or text[0] in SPECIAL_START or text != text.strip() or "\n" in text or "\t" in text:
        return False
    if ": " in text or " #" in text or text.endswith(":") or (flow and any(c in text for c in ",[]{}")):
        return False
    try:
        return yaml.safe_load(text) == text
    except yaml.YAMLError:
        return False


def _is_flat(value: dict[str, Any]) -> bool:
    """A mapping of short scalars (or lists of numbers) that fits on one line."""
    for v in value.values():
        if isinstance(v, dict):
            if not _is_flat(v):
                return False
        elif isinstance(v, list):
            if not all(isinstance(x, int) for x in v):
                return False
        elif isinstance(v, str) and "\n" in v:
            return False
    return len(flow(value)) <= FLOW_LIMIT


def flow(value: Any) -> str:
    """Flow style (`{a: 1, b: [1, 2]}`) of a flat value."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k, True)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, True)


def block_scalar(text: str, indent: int) -> list[str]:
    """A literal block (`|`), with an indentation indicator when the first line starts with a space."""
    indicator = "|2" if text[:1] == " " else "|"
    chomp = "" if text.endswith("\n") else "-"
    pad = " " * (indent + 2)
    body = text[:-1] if text.endswith("\n") else text
    return [indicator + chomp] + [pad + line if line else "" for line in body.split("\n")]


def emit(value: Any, indent: int = 0) -> list[str]:
    """Lines of a mapping or list at an indentation level."""
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, v in value.items():
            out += _entry(pad + scalar(key) + ":", v, indent)
        return out
    for item in value:
        if isinstance(item, dict) and item and not _is_flat(item):
            inner = emit(item, indent + 2)
            out.append(pad + "- " + inner[0][indent + 2:])
            out += inner[1:]
        else:
            out += _entry(pad + "-", item, indent)
    return out


def _entry(prefix: str, value: Any, indent: int) -> list[str]:
    """`key: value` or `- value` with the value in the right style."""
    if isinstance(value, str) and "\n" in value:
        lines = block_scalar(value, indent)
        return [f"{prefix} {lines[0]}"] + lines[1:]
    if isinstance(value, dict) and value and not _is_flat(value):
        return [prefix] + emit(value, indent + 2)
    if isinstance(value, list) and value and not all(isinstance(x, int) for x in value):
        return [prefix] + emit(value, indent + 2)
    if isinstance(value, dict | list):
        return [f"{prefix} {flow(value)}"]
    return [f"{prefix} {scalar(value)}"]


def dump(data: dict[str, Any], schema: str) -> str:
    """A whole file: the schema comment line, then the mapping."""
    return "\n".join([f"# yaml-language-server: $schema={schema}", *emit(data)]) + "\n"
