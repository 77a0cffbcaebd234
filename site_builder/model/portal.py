"""The portal's nouns: the validated portal, a plan with its organisation, projects and files, and lookups on them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ..load.source import SourceFile
from .documents import Organisation, Plan, Project, SiteConfig, StrategyNode, Unit


@dataclass
class PlanBundle:
    """A validated plan with its organisation, projects and the files they came from."""

    org: Organisation
    plan: Plan
    projects: list[Project]
    plan_file: SourceFile
    org_file: SourceFile
    sources: list[SourceFile] = field(default_factory=list)
    # Ids of every project file, valid or not, so one broken file does not cause follow-on errors.
    declared_ids: set[str] = field(default_factory=set)

    @cached_property  # looked up once per project page and finding: computed once per bundle
    def project_files(self) -> dict[str, SourceFile]:
        """Source file of each project id (the first file wins when ids collide)."""
        files: dict[str, SourceFile] = {}
        for project, source in zip(self.projects, self.sources, strict=True):
            files.setdefault(project.id, source)
        return files

    @cached_property
    def node_by_id(self) -> dict[str, StrategyNode]:
        """Strategy nodes by id, the first wins when ids collide (templates look nodes up per table row)."""
        found: dict[str, StrategyNode] = {}
        for node, _, _ in self.nodes():
            found.setdefault(node.id, node)
        return found

    @cached_property
    def project_by_id(self) -> dict[str, Project]:
        """Projects by id (the first wins when ids collide)."""
        found: dict[str, Project] = {}
        for project in self.projects:
            found.setdefault(project.id, project)
        return found

    @property
    def key(self) -> str:
        """`<org>/<year>`, the plan's address."""
        return f"{self.org.id}/{self.plan.year}"

    def nodes(self) -> Iterator[tuple[StrategyNode, int, list[StrategyNode]]]:
        """Every strategy node with its depth (0 = top) and its ancestors."""
        return iter(self._walked)

    @cached_property
    def _walked(self) -> list[tuple[StrategyNode, int, list[StrategyNode]]]:
        """The strategy tree walked once (tables ask for it per row)."""
        return list(walk_nodes(self.plan.strategy, 0, []))

    @cached_property
    def node_chains(self) -> dict[str, list[StrategyNode]]:
        """Node id → the node's ancestors and the node itself, top first (the first node wins when ids collide)."""
        chains: dict[str, list[StrategyNode]] = {}
        for node, _, parents in self.nodes():
            chains.setdefault(node.id, parents + [node])
        return chains

    @cached_property
    def unit_by_id(self) -> dict[str, Unit]:
        """Units by id (the first wins when ids collide)."""
        found: dict[str, Unit] = {}
        for unit in self.plan.units:
            found.setdefault(unit.id, unit)
        return found


def walk_nodes(nodes: list[StrategyNode], depth: int, parents: list[StrategyNode]) -> Iterator[tuple[StrategyNode, int, list[StrategyNode]]]:
    """Depth-first walk of a strategy tree."""
    for node in nodes:
        yield node, depth, parents
        yield from walk_nodes(node.children, depth + 1, parents + [node])


@dataclass
class Portal:
    """The whole validated data set."""

    site: SiteConfig
    plans: list[PlanBundle]


def project_period(project: Project) -> str | None:
    """The 사업기간 text of a project, if the 사업개요 states one."""
    for item in project.overview.items if project.overview else []:
        if item.kind == "period":
            return item.text
    return None
