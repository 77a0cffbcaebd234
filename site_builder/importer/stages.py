"""The importer's stages in order: draft → overrides → links → model check → line keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import draft as dr
from . import finalise as fn
from . import link
from .cascade import use_cascade
from .keep import Keep, check_keep
from .layouts import Layout, choose
from .overrides import apply_plan, apply_projects, load_overrides
from .personal import hide_personal_data
from .sanitise import clean_text


@dataclass
class Imported:
    """The finished draft of one document, ready to write, with what the report needs."""

    draft: dr.Draft
    plan: dict[str, Any]
    projects: dict[str, dict[str, Any]]
    org: dict[str, Any]
    keep: Keep
    notes: dict[str, list[str]] = field(default_factory=dict)
    layout: Layout | None = None
    scores: dict[str, int] = field(default_factory=dict)


def import_text(text: str, file_name: str, org_id: str, year: int | None = None, overrides_path: Path | None = None,
                site: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())) -> Imported:
    """Run every stage on a document's text (`site`: the site's e-mail domains and acknowledged personal-data values)."""
    overrides = load_overrides(overrides_path)
    acknowledged = set((overrides.get("plan") or {}).get("acknowledged_personal_data") or []) | site[1]
    text, removed = clean_text(text)
    text, hidden = hide_personal_data(text, acknowledged, set(site[0]))
    layout, d, scores = choose(text, file_name, org_id, year)
    use_cascade(d.plan, d.lines)
    notes: dict[str, list[str]] = {"overrides": [str(overrides_path)] if overrides else [], "personal": hidden, "cleaned": removed}
    notes["missing_units"] = apply_plan(d.plan, overrides)
    dr.unit_strategy_nodes(d)
    notes["missing_projects"] = apply_projects(d.projects, overrides)
    notes["unlinked"] = sorted(set(link.link_strategies(d.plan, d.projects)))
    link.link_catalogues(d.plan, d.projects, overrides.get("catalogue_links") or {})
    errors: list[str] = []
    projects = {pid: fn.final_project(p, d.lines, errors) for pid, p in sorted(d.projects.items())}
    notes["invalid"] = errors
    plan, org = fn.final_plan(d.plan), fn.final_org({**d.org, **(overrides.get("org") or {})})
    levels = [lv["name"] for lv in plan.get("levels", [])] + ["전략 목표", "이행과제"]
    keep = check_keep(d.lines, [plan, org, *projects.values()], levels)
    return Imported(d, plan, projects, org, keep, notes, layout, scores)
