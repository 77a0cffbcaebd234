"""Multi-year links: the same project in other years (same id in the same organisation, or `continues`)."""

from __future__ import annotations

from ..model import Project
from ..model.portal import PlanBundle, Portal


def _components(edges: dict[str, set[str]]) -> list[set[str]]:
    """Connected groups of project keys (a chain 2022 → 2023 → 2024 is one group)."""
    seen: set[str] = set()
    groups = []
    for start in sorted(edges):
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            key = todo.pop()
            if key not in group:
                group.add(key)
                todo.extend(edges[key] - group)
        seen |= group
        groups.append(group)
    return groups


def other_years(portal: Portal) -> dict[str, list[tuple[PlanBundle, Project]]]:
    """For each project key `<org>/<year>/<id>`, the same project in other plans, oldest first."""
    index = {f"{b.key}/{p.id}": (b, p) for b in portal.plans for p in b.projects}
    edges: dict[str, set[str]] = {key: set() for key in index}
    by_org_id: dict[tuple[str, str], list[str]] = {}
    for key, (bundle, project) in index.items():
        by_org_id.setdefault((bundle.org.id, project.id), []).append(key)
        for other in project.continues:
            if other in index and other != key:  # links count both ways
                edges[key].add(other)
                edges[other].add(key)
    for keys in by_org_id.values():
        for key in keys:
            edges[key].update(k for k in keys if k != key)
    related: dict[str, list[tuple[PlanBundle, Project]]] = {}
    for group in _components(edges):
        for key in group:
            others = sorted(group - {key}, key=lambda k: (index[k][0].plan.year, k))
            if others:
                related[key] = [index[k] for k in others]
    return related
