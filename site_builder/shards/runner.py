"""Large portals are built as shards by `site-builder build` itself: one process per shard, then `assemble`.

A whole build holds the checked portal in memory (~59 KB a project at 100,000 projects) and forked workers
copy much of it, so above `SHARD_ABOVE` projects (counted from file names before anything is read) `build`
deals the organisations to shards of at most about `SHARD_SIZE` projects and builds each with `build_shard`
in a child process of its own (its memory goes back to the system when it ends), one or two at a time, in
`build/shards/<k>/` (docs tree, caches, shard site: kept, so the next build renders only what changed). Then
`assemble` joins them into the site, which is byte-identical to an unsharded build (tests/test_runner.py).
The children are forked on Linux and spawned elsewhere (or beside another thread): each is handed a `Task` with
everything it works from, the parent's constants included, so both start methods give the same site.

The guarantees are those of `build`: the previous site stays unless every shard and the assembly succeed;
the problems of every shard are reported together (once a shard fails, the others are only checked: nothing
of theirs would be published); organisations keep their shard from build to build (`state.json`) so that
their caches stay useful; organisations joined by `continues` are put in one shard (learned from the shards'
manifests: a link found between two shards moves them together and rebuilds those shards).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from ..base.handover import Constants, adopt, constants
from ..base.problem import Finding, Problem
from ..base.workers import can_fork, configured_jobs
from ..load.source import forget_shared, keep_shared
from ..pipeline import run as pl
from ..write.tree import build_lock
from . import inputs
from .assembly import assemble
from .shard import MANIFEST, Walk, build_shard, data_plans, walk_data, walked_state

SHARD_ABOVE = 20_000  # projects: a bigger portal is built as shards
SHARD_SIZE = 10_000  # projects a shard holds at most, roughly (whole organisations)
ABOVE_ENV, SIZE_ENV, AT_ONCE_ENV = "SITE_BUILDER_SHARD_ABOVE", "SITE_BUILDER_SHARD_SIZE", "SITE_BUILDER_SHARDS_AT_ONCE"
FOLDER = "shards"  # under the build folder: one folder per shard (`1`, `2`, …) and `state.json`
STATE = "state.json"
STATE_VERSION = 1
BALANCE = 1.2  # an organisation stays in its shard while the shard holds at most this share of the even load


def _setting(name: str, default: int) -> int:
    """A whole-number setting from the environment (tests force small shards), else the default."""
    value = os.environ.get(name, "")
    return int(value) if value.isdecimal() else default


def org_sizes(plans: Mapping[str, int]) -> dict[str, int]:
    """Organisation → its project files plus one a plan (the work a shard has with it), from `shard.data_plans`."""
    sizes: dict[str, int] = {}
    for key, count in plans.items():
        org = key.split("/")[0]
        sizes[org] = sizes.get(org, 0) + count + 1
    return sizes


def shard_count(projects: int, orgs: int) -> int:
    """How many shards `build` makes of a portal of this many project files and organisations (1: an unsharded build).

    A whole number of rounds of `at_once()` shards: the last round would otherwise leave a core idle.
    """
    if projects <= _setting(ABOVE_ENV, SHARD_ABOVE):
        return 1
    wanted, width = math.ceil(projects / max(1, _setting(SIZE_ENV, SHARD_SIZE))), at_once()
    return min(orgs, max(2, math.ceil(wanted / width) * width))


def build_site(paths: pl.Paths, site_dir: Path, strict: bool = False, full: bool = False) -> tuple[pl.Checked, str]:
    """`site-builder build`: the whole pipeline in this process, or for a large portal shards in child processes and `assemble`."""
    plans = data_plans(paths.data_dir) if paths.data_dir.is_dir() else {}
    sizes = org_sizes(plans)
    count = shard_count(sum(plans.values()), len(sizes))
    if count < 2:
        return pl.build(paths, site_dir, strict, full)
    return build_sharded(paths, site_dir, Layout(sizes, count), strict, full)


@dataclass
class Layout:
    """Which organisations each shard builds: sticky from build to build, joined organisations together."""

    sizes: dict[str, int]
    count: int
    owner: dict[str, int] = field(default_factory=dict)  # organisation → shard (0-based)
    joined: list[list[str]] = field(default_factory=list)  # organisations that must share a shard (`continues` between them)

    def units(self) -> list[list[str]]:
        """Groups of organisations placed together: the joined ones (of this portal), everyone else alone; largest first."""
        group = {org: {org} for org in self.sizes}
        for pair in self.joined:
            present = [org for org in pair if org in group]
            for org in present[1:]:
                if group[org] is not group[present[0]]:
                    merged = group[org] | group[present[0]]
                    for member in merged:
                        group[member] = merged
        units = {tuple(sorted(g)) for g in group.values()}
        return sorted((list(u) for u in units), key=lambda u: (-sum(self.sizes[o] for o in u), u))

    def place(self, previous: Mapping[str, int]) -> None:
        """Keep each group where it was while its shard is not over the even load (× BALANCE); deal the rest largest first onto the least loaded."""
        loads, cap, owner = [0] * self.count, BALANCE * sum(self.sizes.values()) / self.count, {}
        rest = []
        for unit in self.units():
            size, where = sum(self.sizes[o] for o in unit), {previous.get(o) for o in unit}
            shard = where.pop() if len(where) == 1 else None
            if shard is not None and 0 <= shard < self.count and loads[shard] + size <= cap:
                loads[shard] += size
                owner.update(dict.fromkeys(unit, shard))
            else:
                rest.append((size, unit))
        for size, unit in rest:
            least = min(range(self.count), key=lambda i: (loads[i], i))
            loads[least] += size
            owner.update(dict.fromkeys(unit, least))
        self.owner = owner

    def orgs(self, shard: int) -> list[str]:
        """The organisations of one shard, sorted."""
        return sorted(org for org, k in self.owner.items() if k == shard)

    def used(self) -> list[int]:
        """The shards that have organisations (joined organisations can leave one empty)."""
        return sorted(set(self.owner.values()))


def _state_path(paths: pl.Paths) -> Path:
    """Where the placement of the last sharded build is kept."""
    return paths.build_dir / FOLDER / STATE


def _previous(paths: pl.Paths, count: int) -> tuple[dict[str, int], list[list[str]]]:
    """The last sharded build's placement (none when it made another number of shards: a fresh deal) and joined organisations.

    Nothing when missing or damaged: a fresh deal, and joined organisations are found again.
    """
    try:
        state = json.loads(_state_path(paths).read_text(encoding="utf-8"))
        owner, joined = state["owner"], state["joined"]
        valid = state.get("version") == STATE_VERSION and isinstance(owner, dict) and isinstance(joined, list)
        valid = valid and all(isinstance(k, int) for k in owner.values()) and all(isinstance(j, list) for j in joined)
    except (OSError, ValueError, KeyError, TypeError):
        return {}, []
    if not valid:
        return {}, []
    return (owner if state.get("count") == count else {}), [[str(o) for o in j] for j in joined]


def _remember(paths: pl.Paths, layout: Layout) -> None:
    """Record the placement for the next build (written beside, then renamed)."""
    path = _state_path(paths)
    tmp = path.with_name(f".{STATE}.tmp")
    state = {"version": STATE_VERSION, "count": layout.count, "owner": dict(sorted(layout.owner.items())), "joined": layout.joined}
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def shard_paths(paths: pl.Paths, shard: int) -> tuple[pl.Paths, Path]:
    """The work folder and the site folder of shard `shard` (0-based) under the build folder."""
    folder = paths.build_dir / FOLDER / str(shard + 1)
    return pl.Paths(paths.root, paths.data_dir, folder / "build"), folder / "site"


@dataclass
class Outcome:
    """What one shard's child process sent back (plain data)."""

    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    output: str = ""
    links: list[list[str]] = field(default_factory=list)  # `continues` links of its projects into other organisations
    notes: list[str] = field(default_factory=list)  # how its build went (incremental or full, and why)
    built: bool = False  # its site was built (not only checked, not failed)


@dataclass
class Task:
    """Everything a shard's child process works from, handed over explicitly: a spawned child remembers nothing of this process."""

    paths: pl.Paths  # the shard's work folder
    site: Path
    orgs: list[str]
    strict: bool
    full: bool
    check_only: bool  # another shard failed: only check this one
    jobs: int  # its share of the cores (0: all of them)
    state: str  # the data's state the shards are built from
    build: Callable[..., tuple[pl.Checked, str]]  # `build_shard` as this process has it (a test may wrap it)
    constants: Constants = field(default_factory=constants)  # this process's settings (base/handover.py; a forked child has them anyway)


def _child(conn: Connection, task: Task) -> None:
    """In the shard's process: build it (or, after another shard failed, only check it) and send the outcome back."""
    adopt(task.constants)
    if task.jobs:
        os.environ["SITE_BUILDER_JOBS"] = str(task.jobs)  # shards built side by side share the cores
    if task.check_only:
        checked, output = pl.check(task.paths.data_dir, task.strict, task.orgs), ""
        links: list[list[str]] = []
    else:
        checked, output = task.build(task.paths, task.site, task.orgs, task.strict, full=task.full, trusted=task.state)
        links = _manifest_links(task.site) if not checked.problems else []
    built = not task.check_only and not checked.problems
    conn.send(Outcome(checked.problems, checked.findings, output[-4000:] if checked.problems else "", links, checked.notes, built))
    conn.close()


def _manifest_links(site: Path) -> list[list[str]]:
    """The `continues` links into other organisations that a built shard recorded."""
    return [list(pair) for pair in json.loads((site / MANIFEST).read_text(encoding="utf-8")).get("links", [])]


def _killed(shard: int, orgs: list[str], code: int | None) -> Outcome:
    """A shard's process that ended without an outcome (killed, most often for memory, or a crash it printed)."""
    message = (f"조각 {shard + 1}의 빌드 프로세스가 중간에 끝났습니다 (종료 코드 {code}; 메모리 부족일 수 있습니다). "
               "SITE_BUILDER_JOBS=1 로 다시 실행해 보세요")
    return Outcome([Problem(f"조각 {shard + 1}", 1, 1, "", message, "끝까지 마친 조각 빌드", ", ".join(orgs[:5]) + (" …" if len(orgs) > 5 else ""))])


def at_once() -> int:
    """How many shards are built side by side, each with its share of the jobs (`SITE_BUILDER_SHARDS_AT_ONCE`, else two).

    Two on two cores: one shard's one-process stages overlap the other's (measured at 20,000 projects, docs/performance.md).
    """
    return max(1, min(_setting(AT_ONCE_ENV, 2), configured_jobs(4)))


def start_method() -> str:
    """How shards' processes start: forked on Linux (fast: the parent's modules and read files come along), else spawned.

    A spawned child starts a fresh interpreter: it is handed all it needs (`Task`), so both give the same site.
    """
    return "fork" if can_fork() else "spawn"


@dataclass
class Run:
    """One sharded build: where and how, and the data as they were when it started."""

    paths: pl.Paths
    layout: Layout
    strict: bool
    full: bool
    walk: Walk  # every data file's stamp
    shared: str = ""  # the inputs all shards share (shards/inputs.shared_key)

    @property
    def state(self) -> str:
        """The data's state the shards are built from (assemble checks that it still holds)."""
        return walked_state(self.walk)

    def key(self, shard: int) -> str:
        """What the shard is built from (shards/inputs.py)."""
        return inputs.shard_key(self.shared, self.paths.data_dir, self.walk, self.layout.orgs(shard), self.strict)


def _kept(run: Run, shard: int, key: str) -> Outcome | None:
    """The outcome of the shard's last build when nothing it is made from changed since (it is then not built)."""
    folder, site = run.paths.build_dir / FOLDER / str(shard + 1), shard_paths(run.paths, shard)[1]
    findings = None if run.full else inputs.unchanged(folder, site, key)
    if findings is None:
        return None
    return Outcome([], findings, "", _manifest_links(site), ["바뀐 입력이 없어 지난 빌드를 그대로 씁니다"])


def run_shards(run: Run, todo: list[int]) -> dict[int, Outcome]:
    """Build the shards `todo` in child processes, `at_once()` at a time (unchanged ones are kept); after a failure the rest are only checked."""
    context: Any = multiprocessing.get_context(start_method())
    width = at_once()
    jobs = 0 if width == 1 else max(1, configured_jobs(4) // width)
    keys = {k: run.key(k) for k in todo}
    running: dict[Connection, tuple[int, Any]] = {}
    done: dict[int, Outcome] = {k: kept for k in todo if (kept := _kept(run, k, keys[k])) is not None}
    pending = [k for k in todo if k not in done]
    while pending or running:
        while pending and len(running) < width:
            running.update([_start(context, run, pending.pop(0), any(o.problems for o in done.values()), jobs)])
        for ready in wait(list(running)):
            assert isinstance(ready, Connection)
            shard, process = running.pop(ready)
            done[shard] = _finish(run, shard, keys[shard], ready, process)
    return done


def _start(context: Any, run: Run, shard: int, check_only: bool, jobs: int) -> tuple[Connection, tuple[int, Any]]:
    """Start the child process of one shard: the end its outcome comes through, and (shard, process)."""
    inputs.forget(run.paths.build_dir / FOLDER / str(shard + 1))
    receive, send = context.Pipe(duplex=False)
    shard_build, site = shard_paths(run.paths, shard)
    task = Task(shard_build, site, run.layout.orgs(shard), run.strict, run.full, check_only, jobs, run.state, build_shard)
    process = context.Process(target=_child, args=(send, task), name=f"shard-{shard + 1}")
    process.start()
    send.close()  # the child holds the other end: the parent reads end-of-file when it dies
    return receive, (shard, process)


def _finish(run: Run, shard: int, key: str, ready: Connection, process: Any) -> Outcome:
    """The outcome a shard's process sent (or why it sent none); a shard built is recorded with its key."""
    try:
        outcome: Outcome | None = ready.recv()
    except EOFError:
        outcome = None
    process.join()
    if outcome is None:
        return _killed(shard, run.layout.orgs(shard), process.exitcode)
    if outcome.built:
        inputs.remember(run.paths.build_dir / FOLDER / str(shard + 1), shard_paths(run.paths, shard)[1], key, outcome.findings)
    return outcome


def _split(layout: Layout, outcomes: Mapping[int, Outcome]) -> list[list[str]]:
    """Pairs of organisations joined by `continues` that sit in different shards (organisation ids)."""
    pairs = {(a.split("/")[0], b.split("/")[0]) for o in outcomes.values() for a, b in o.links}
    return sorted([a, b] for a, b in pairs if b in layout.owner and layout.owner.get(a) != layout.owner.get(b))


def build_sharded(paths: pl.Paths, site_dir: Path, layout: Layout, strict: bool = False, full: bool = False) -> tuple[pl.Checked, str]:
    """Build every shard (but those unchanged), move organisations joined across shards together (rebuilding those), then assemble."""
    (paths.build_dir / FOLDER).mkdir(parents=True, exist_ok=True)
    with build_lock(paths.build_dir / FOLDER):  # two builds at once would share the shard folders
        owner, layout.joined = _previous(paths, layout.count)
        layout.place(owner)
        run = Run(paths, layout, strict, full, walk_data(paths.data_dir))
        run.shared = inputs.shared_key(paths.root, paths.data_dir, run.walk)
        keep_shared(paths.data_dir)  # every shard reads every org.yaml and plan.yaml: read once here, inherited by the forked shards
        try:
            outcomes = run_shards(run, layout.used())
            while not _failed(outcomes) and (split := _split(layout, outcomes)):  # ends: each round joins more organisations
                outcomes = _rejoin(run, split, outcomes)
        finally:
            forget_shared()
        _remember(paths, layout)
        if _failed(outcomes):
            return _failure(outcomes), "\n".join(o.output for o in outcomes.values() if o.output)
        checked, output = assemble(paths, [shard_paths(paths, k)[1] for k in layout.used()], site_dir, trusted=run.state)
    checked.findings = sorted({f for o in outcomes.values() for f in o.findings}, key=_finding_order)
    if not checked.problems:
        checked.notes += [f"조각 {k + 1}: {note}" for k, o in sorted(outcomes.items()) for note in o.notes]
        checked.notes.append(f"큰 누리집이라 조각 {layout.count}개로 나누어 만든 뒤 합쳤습니다 (build/{FOLDER}/)")
        _drop_unused(paths, layout.used())
    return checked, output


def _rejoin(run: Run, split: list[list[str]], outcomes: dict[int, Outcome]) -> dict[int, Outcome]:
    """Put organisations joined across shards together and rebuild the shards they left or joined."""
    layout = run.layout
    before = dict(layout.owner)
    layout.joined += split
    layout.place(before)
    moved = [org for org, k in layout.owner.items() if before[org] != k]
    used = layout.used()
    todo = sorted(({before[o] for o in moved} | {layout.owner[o] for o in moved}) & set(used))
    return {k: o for k, o in outcomes.items() if k in used and k not in todo} | run_shards(run, todo)


def _failed(outcomes: Mapping[int, Outcome]) -> bool:
    """Whether any shard reported a problem."""
    return any(o.problems for o in outcomes.values())


def _failure(outcomes: Mapping[int, Outcome]) -> pl.Checked:
    """Every shard's problems together, each once (site.yaml, org.yaml and plan.yaml are checked by every shard)."""
    problems = sorted({p for o in outcomes.values() for p in o.problems})
    findings = sorted({f for o in outcomes.values() for f in o.findings}, key=_finding_order)
    return pl.Checked(None, problems, findings)


def _finding_order(finding: Finding) -> Any:
    """Findings by file and line, as a whole build lists them."""
    return (finding.file, finding.line or 0, finding.id, finding.message)


def _drop_unused(paths: pl.Paths, used: list[int]) -> None:
    """Remove the folders of shards that build nothing now (the portal shrank, or joined organisations left one empty)."""
    for folder in (paths.build_dir / FOLDER).iterdir():
        if folder.is_dir() and folder.name.isdecimal() and int(folder.name) - 1 not in used:
            shutil.rmtree(folder, ignore_errors=True)
