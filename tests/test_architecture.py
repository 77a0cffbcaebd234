"""The package's folders are the pipeline's stages, in order: every import points down the pipeline, never back up."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"

# The stage folders, first to last. A module may import from its own stage and from earlier ones only.
STAGES = ["base", "load", "model", "check", "publish", "git", "plan", "outputs", "render", "write", "engine", "pipeline", "shards", "importer", "cli"]
TOP_LEVEL = {"__init__.py", "__main__.py"}  # the package marker and `python -m site_builder` (calls cli)


def _module(path: Path) -> str:
    """Dotted module name of a file of the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of everything a module imports (relative imports resolved; `from . import x` gives `pkg.x`)."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found |= {f"{name}.{alias.name}" for alias in node.names} if node.module is None else {name}
    return found


def _stage(name: str) -> str | None:
    """The stage folder of a module name of the package (None outside it)."""
    parts = name.split(".")
    return parts[1] if parts[0] == "site_builder" and len(parts) > 1 else None


def _modules() -> dict[Path, set[str]]:
    return {path: _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_sits_in_a_stage_folder() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in TOP_LEVEL]
    assert not loose, f"modules outside the stage folders: {loose}"
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert folders == sorted(STAGES), "a stage folder was added or removed: list it in STAGES in pipeline order"


def test_every_import_of_the_package_resolves() -> None:
    known = {_module(path) for path in PACKAGE.rglob("*.py")}
    missing = [f"{_module(p)}: {n}" for p, names in _modules().items() for n in names
               if n.startswith("site_builder.") and n not in known and n.rsplit(".", 1)[0] not in known]
    assert not missing, missing


def test_imports_point_down_the_pipeline() -> None:
    wrong = []
    for path, names in _modules().items():
        own = _stage(_module(path))
        if own is None or own not in STAGES:
            continue
        for name in names:
            stage = _stage(name)
            if stage in STAGES and STAGES.index(stage) > STAGES.index(own):
                wrong.append(f"{_module(path)} imports {name} ({stage} comes after {own})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycle_between_modules() -> None:
    graph = {_module(path): {n for n in names if n.startswith("site_builder.")} for path, names in _modules().items()}
    graph = {m: {n if n in graph else n.rsplit(".", 1)[0] for n in deps} & set(graph) - {m} for m, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str]:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return trail + [node, nxt]
            if nxt not in state and (cycle := visit(nxt, trail + [node])):
                return cycle
        state[node] = 2
        return []

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [])
            assert not cycle, " → ".join(cycle)


def test_only_the_engine_imports_mkdocs() -> None:
    outside = [f"{_module(p)}: {n}" for p, names in _modules().items() for n in names
               if n.split(".")[0] in ("mkdocs", "material") and _stage(_module(p)) != "engine"]
    assert not outside, outside


def test_only_the_engine_runs_mkdocs() -> None:
    """No module outside engine/ names the mkdocs command (`python -m mkdocs …`)."""
    outside = [f"{_module(p)}:{node.lineno}" for p in sorted(PACKAGE.rglob("*.py")) if _stage(_module(p)) != "engine"
               for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))) if isinstance(node, ast.Constant) and node.value == "mkdocs"]
    assert not outside, outside
