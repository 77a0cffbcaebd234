"""The page types of one plan: the one place each one's template, address and search kind are declared."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanPage:
    """A kind of page every plan has (once, or once per node, unit or project)."""

    template: str
    folder: str = ""  # "" : one page of the plan itself (`<org>/<year>/<name>.md`); else one page per item in this folder
    name: str = "index"  # the file of a plan-level page
    search: str | None = None  # the kind search results show for it (`search.js` labels these), None: not indexed

    def path(self, plan_key: str, ident: str | None = None) -> str:
        """Page path (Markdown, relative to the docs root) of the plan `<org>/<year>`, or of one of its items."""
        return f"{plan_key}/{self.folder}/{ident}.md" if self.folder else f"{plan_key}/{self.name}.md"

    def url(self, plan_key: str, ident: str | None = None) -> str:
        """Address of the page relative to the site root, as search results and links use it."""
        path = self.path(plan_key, ident).removesuffix(".md")
        return path.removesuffix("index") if path.endswith("/index") else f"{path}/"


PLAN_PAGES: dict[str, PlanPage] = {
    "plan": PlanPage("plan.md.j2", search="plan"),
    "budget": PlanPage("budget.md.j2", name="budget"),
    "quality": PlanPage("quality.md.j2", name="quality"),
    "node": PlanPage("node.md.j2", folder="strategy", search="node"),
    "unit": PlanPage("unit.md.j2", folder="units", search="unit"),
    "project": PlanPage("project.md.j2", folder="projects", search="project"),
}
