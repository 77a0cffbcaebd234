"""Bullet text (document lines with their markers) → a nested tree, without losing a character."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Markers seen in Korean plan documents; the longest alternatives come first.
MARKER = re.compile(
    r"^(?P<marker>[-–○◦ㅇ●◎□■▣◆◇▶▷►▪·•※*☑✔↳➡→]|[①-⑳]|\d{1,2}[.)](?=\s)|[가-하][.)](?=\s)|\(\d{1,2}\)|【[^】]*】)\s*"
)


@dataclass
class Item:
    """One line of bullet text: its marker, its own text and its children."""

    marker: str
    text: str
    children: list[Item] = field(default_factory=list)


def split_marker(line: str) -> tuple[int, str, str]:
    """(indent, marker, text) of one line; marker is '' for a plain line."""
    stripped = line.lstrip(" \t\u3000")
    indent = len(line) - len(stripped)
    m = MARKER.match(stripped)
    if not m or m.group("marker").startswith("【"):
        return indent, "", stripped.rstrip()
    return indent, m.group("marker"), stripped[m.end() :].rstrip()


def marker_class(marker: str) -> str:
    """Markers of one numbering series (①, ②…; 1., 2.…; 가., 나.…) count as the same kind."""
    if "①" <= marker[:1] <= "⑳":
        return "①"
    if marker[:1].isdigit():
        return "1" + marker[-1]
    if "가" <= marker[:1] <= "하" and len(marker) == 2:
        return "가" + marker[-1]
    if marker.startswith("(") and marker[1:2].isdigit():
        return "(1)"
    return marker


def parse_bullets(text: str | None) -> list[Item]:
    """Nest lines by (indent, marker): a new kind of line is a child, a known kind a sibling."""
    roots: list[Item] = []
    stack: list[tuple[tuple[int, str], Item]] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        indent, marker, body = split_marker(line)
        key = (indent, marker_class(marker))
        keys = [k for k, _ in stack]
        if key in keys:
            del stack[keys.index(key) :]
        item = Item(marker, body)
        (stack[-1][1].children if stack else roots).append(item)
        stack.append((key, item))
    return roots

