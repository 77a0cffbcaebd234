"""Stage 6: link projects and catalogue entries to strategy nodes and projects by printed names (spacing ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Any

from .lines import squeeze


def walk(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every node of a strategy tree (dicts), depth first."""
    for node in nodes:
        yield node
        yield from walk(node.get("children", []))


def name_index(plan: dict[str, Any]) -> dict[str, str]:
    """Node titles and their recorded variants (spaces removed) → node id."""
    index: dict[str, str] = {}
    for node in walk(plan.get("strategy", [])):
        for text in [node["title"], *(v["text"] for v in node.get("title_variants", []))]:
            index.setdefault(squeeze(text), node["id"])
    return index


def link_strategies(plan: dict[str, Any], projects: dict[str, dict[str, Any]]) -> list[str]:
    """Set `strategy` from the printed strategy name; returns the names that matched no node."""
    index = name_index(plan)
    missing = []
    for project in projects.values():
        name, where = project.pop("_strategy_name", None), project.pop("_strategy_where", None)
        if name and "strategy" not in project:
            found = index.get(squeeze(name)) or _closest(index, name)
            if found:
                project["strategy"] = found
                _node_variant(plan, found, name, where)
            else:
                missing.append(name)
    return missing


def _closest(index: dict[str, str], name: str) -> str | None:
    """The node whose title is printed almost the same way (`ESG체계 기반 책임경영 고도화` for `ESG 체계 기반 책임경영체계 고도화`)."""
    key = squeeze(name)
    scored = [(SequenceMatcher(None, key, title).ratio(), node) for title, node in index.items()]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= CLOSE else None


# How alike two printings of one title must be to be taken as one (a unit's table shortens or misspells it;
# 촘촘한/촉촉한 복지 네트워크 구축 is 0.82, different titles of one plan stay under 0.6).
CLOSE = 0.8


def _node_variant(plan: dict[str, Any], node_id: str, text: str, where: tuple[str, int] | None) -> None:
    """Record a printed strategy name that differs from the node's title (once per wording)."""
    node = next(n for n in walk(plan.get("strategy", [])) if n["id"] == node_id)
    variants = node.setdefault("title_variants", [])
    if text != node["title"] and all(v["text"] != text for v in variants):
        variants.append({"text": text, "where": where[0] if where else "부서 전략표", "source": {"lines": str(where[1])} if where else None})


def link_catalogues(plan: dict[str, Any], projects: dict[str, dict[str, Any]], fixed: dict[str, str]) -> None:
    """Link each catalogue entry to its node and its most similar project (hand links in `fixed` win)."""
    index = name_index(plan)
    for cat in plan.get("catalogues", []):
        cat.pop("_group", None)
        for entry in cat["entries"]:
            name = entry.pop("_strategy_name", "")
            if squeeze(name) in index:
                entry["strategy"] = index[squeeze(name)]
        _match_projects(cat["entries"], projects, fixed)
        _entry_variants(cat, projects)


def _match_projects(entries: list[dict[str, Any]], projects: dict[str, dict[str, Any]], fixed: dict[str, str]) -> None:
    """Greedy best matches, one project per entry, within the entry's node when it has one."""
    scores = []
    for i, entry in enumerate(entries):
        for pid, project in projects.items():
            if entry.get("strategy") and project.get("strategy") not in (None, entry["strategy"]):
                continue
            ratio = SequenceMatcher(None, squeeze(entry["text"]), squeeze(project["title"])).ratio()
            scores.append((ratio, -i, pid))
    used: set[str] = set(fixed.values())
    for entry in entries:
        if entry["text"] in fixed:
            entry["project"] = fixed[entry["text"]]
    for ratio, neg_i, pid in sorted(scores, reverse=True):
        entry = entries[-neg_i]
        if ratio >= 0.5 and pid not in used and "project" not in entry:
            entry["project"] = pid
            used.add(pid)


def _entry_variants(cat: dict[str, Any], projects: dict[str, dict[str, Any]]) -> None:
    """A catalogue wording that differs from the project title is recorded on the project."""
    for entry in cat["entries"]:
        project = projects.get(entry.get("project", ""))
        if project and entry["text"] != project["title"]:
            variants = project.setdefault("title_variants", [])
            if all(v["text"] != entry["text"] for v in variants):
                variants.append({"text": entry["text"], "where": cat["title"] + " 목록", "source": cat.get("source")})
