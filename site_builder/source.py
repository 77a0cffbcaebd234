"""Load stage: read YAML files keeping the line and column of every key and value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problem import Problem

Path_ = tuple[str | int, ...]


@dataclass
class SourceFile:
    """One loaded data file: its data and where each value stands."""

    path: Path
    display: str
    kind: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def line_of_id(self, ident: str) -> int:
        """Line of the mapping whose `id` is `ident` (1 when not found)."""
        for loc, _ in self._id_locs():
            if self._get(loc).get("id") == ident:
                return self.position(loc + ("id",))[0]
        return 1

    def _id_locs(self) -> list[tuple[Path_, Any]]:
        """Locations of every mapping that has an `id` key."""
        return [(loc, None) for loc in self.positions if isinstance(self._get(loc), dict) and "id" in self._get(loc)]

    def _get(self, loc: Path_) -> Any:
        """The value at a location."""
        node = self.data
        for part in loc:
            node = node[part]
        return node

    def position(self, loc: Path_) -> tuple[int, int]:
        """Line and column of the deepest known part of `loc` (1-based)."""
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in self.positions:
                return self.positions[loc[:cut]]
        return (1, 1)


class _Builder:
    """Turn a composed YAML node tree into Python data plus a position map."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, loc: Path_) -> Any:
        """Convert one node, recording its start position."""
        self.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, loc + (i,)) for i, child in enumerate(node.value)]
        return self._scalars.construct_object(node)

    def _mapping(self, node: yaml.MappingNode, loc: Path_) -> dict[Any, Any]:
        """Convert a mapping; a key given twice is an error, not a silent overwrite."""
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalars.construct_object(key_node)
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key in result:
                first = self.positions[loc + (key,)]
                self.problems.append(
                    Problem(self.display, line, col, _dotted(loc + (key,)),
                            f"같은 항목 `{key}`이(가) 두 번 있습니다 (처음: {first[0]}번째 줄)",
                            "항목마다 한 번", f"`{key}` 두 번째")
                )
                continue
            result[key] = self.build(value_node, loc + (key,))
            self.positions[loc + (key,)] = (line, col)
        return result


_YAML_HINTS = {
    "mapping values are not allowed": "이 자리에 `이름: 값`을 쓸 수 없습니다 (들여쓰기, 또는 따옴표 없는 `:`를 확인하세요)",
    "could not find expected ':'": "`이름: 값`의 `:`가 없습니다",
    "cannot start any token": "탭이나 특수 문자로 줄을 시작할 수 없습니다 (들여쓰기는 띄어쓰기로 하세요)",
    "expected <block end>": "들여쓰기가 맞지 않습니다",
    "found duplicate anchor": "같은 앵커(&)가 두 번 있습니다",
    "expected ',' or '}'": "`{ }` 안의 쉼표나 닫는 괄호가 맞지 않습니다",
    "expected ',' or ']'": "`[ ]` 안의 쉼표나 닫는 괄호가 맞지 않습니다",
    "found unexpected end of stream": "따옴표나 괄호가 닫히지 않았습니다",
}


def _yaml_hint(problem: str) -> str:
    """A Korean explanation of a PyYAML problem message."""
    return next((korean for key, korean in _YAML_HINTS.items() if key in problem), "문서 구조를 읽을 수 없습니다")


def _dotted(loc: Path_) -> str:
    """Show a location as `a.b[2].c`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_file(path: Path, display: str, kind: str) -> tuple[SourceFile | None, list[Problem]]:
    """Read one YAML file; return it, or the problems that stopped it loading."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(display, 1, 1, "", "파일을 UTF-8로 읽을 수 없습니다", "UTF-8 글", str(exc.reason))]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(display, line, col, "", "YAML 문법 오류입니다: " + _yaml_hint(str(exc.problem or exc.context)), "올바른 YAML", str(exc.problem or exc.context))]
    builder = _Builder(display)
    data = builder.build(node, ()) if node is not None else None
    if data is None:
        return None, [Problem(display, 1, 1, "", "파일이 비어 있습니다", "YAML 매핑", "빈 파일")]
    return SourceFile(path, display, kind, data, builder.positions), builder.problems


@dataclass
class PlanFiles:
    """The raw files of one plan: its organisation, plan file and project files."""

    org: SourceFile
    plan: SourceFile
    projects: list[SourceFile]
    stems: set[str] = field(default_factory=set)  # every project file name, even ones that did not load


@dataclass
class DataSet:
    """Everything read from the data directory, before validation."""

    site: SourceFile | None
    plans: list[PlanFiles]


def _rel(path: Path, root: Path) -> str:
    """The path shown to staff: relative to the data directory's parent."""
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


def load_data(root: Path) -> tuple[DataSet, list[Problem]]:
    """Read every data file under `root` (site.yaml, <org>/org.yaml, <org>/<year>/…)."""
    problems: list[Problem] = []

    def read(path: Path, kind: str) -> SourceFile | None:
        loaded, found = load_file(path, _rel(path, root), kind)
        problems.extend(found)
        return loaded

    site_path = root / "site.yaml"
    site = read(site_path, "site") if site_path.exists() else None
    if not site_path.exists():
        problems.append(Problem(_rel(site_path, root), 1, 1, "", "사이트 설정 파일이 없습니다", "data/site.yaml", "없음"))
    plans: list[PlanFiles] = []
    for org_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        plans.extend(_load_org(org_dir, root, read, problems))
    return DataSet(site, plans), problems


def _load_org(org_dir: Path, root: Path, read: Any, problems: list[Problem]) -> list[PlanFiles]:
    """Read one organisation directory and its plan years."""
    org_path = org_dir / "org.yaml"
    if not org_path.exists():
        problems.append(Problem(_rel(org_path, root), 1, 1, "", "기관 파일이 없습니다", "org.yaml", "없음"))
        return []
    org = read(org_path, "organisation")
    out: list[PlanFiles] = []
    for year_dir in sorted(p for p in org_dir.iterdir() if p.is_dir()):
        plan_path = year_dir / "plan.yaml"
        if not plan_path.exists():
            problems.append(Problem(_rel(plan_path, root), 1, 1, "", "계획 파일이 없습니다", "plan.yaml", "없음"))
            continue
        plan = read(plan_path, "plan")
        paths = sorted((year_dir / "projects").glob("*.yaml"))
        projects = [read(p, "project") for p in paths]
        if org and plan:
            out.append(PlanFiles(org, plan, [p for p in projects if p], {p.stem for p in paths}))
    return out
