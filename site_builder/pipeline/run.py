"""The one-way pipeline: load → validate → plan pages → render → write; nothing is written before all succeeds."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import shutil
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base.problem import Finding, Problem, os_problem
from ..base.store import CacheDir
from ..base.workers import background
from ..check.findings import portal_findings
from ..check.privacy import content_problems, personal_data_problems
from ..check.validation import validate
from ..engine import incremental, seam
from ..engine.config import config_text
from ..git import lastmod
from ..git.history import History, load_history
from ..load.memo import ParseMemo
from ..load.source import PARALLEL_MIN_FILES, load_data
from ..model.portal import Portal
from ..outputs.downloads import download_files
from ..outputs.feed import atom_feed, page_feed_path, page_feeds
from ..outputs.searchstate import kept_index_files
from ..outputs.vendor import vendor_files
from ..plan.extrapages import citizen_pages
from ..plan.pages import Page, portal_pages
from ..publish.echoes import withheld_echoes
from ..publish.originals import original_files
from ..publish.redaction import redact_portal
from ..render.markdown import SideJob, Writer, keep_compiled_templates, rendering, streaming
from ..render.reuse import PageReuse, page_facts
from ..write.tree import place_problems, publishing, recover_dir, remove_stale, replace_dir, update_file, write_tree

SIDE_JOBS: tuple[SideJob, ...] = (kept_index_files, download_files)  # the outputs made beside the pages: search index, downloads


@dataclass
class Paths:
    """Where things are in a checkout (data, content, config, outputs)."""

    root: Path
    data: Path | None = None
    build: Path | None = None

    @property
    def build_dir(self) -> Path:
        """Where generated Markdown and the per-build config go (git-ignored)."""
        return self.build or self.root / "build"

    @property
    def data_dir(self) -> Path:
        """The plan data directory."""
        return self.data or self.root / "data"

    @property
    def docs_dir(self) -> Path:
        """The generated Markdown tree (git-ignored)."""
        return self.build_dir / "docs"

    @property
    def content_dir(self) -> Path:
        """Hand-written pages."""
        return self.root / "content"

    @property
    def config(self) -> Path:
        """The per-build MkDocs configuration (inherits mkdocs.yml)."""
        return self.build_dir / "mkdocs.yml"

    @property
    def cache_dir(self) -> Path:
        """What the last build was made from, for the next build to redo only what changed (engine/incremental.py)."""
        return self.build_dir / "cache"


@dataclass
class Checked:
    """Outcome of loading and validating: the portal, errors and findings."""

    portal: Portal | None
    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the build went (a full or an incremental build, and why)


@contextmanager
def paused_gc(resume: bool = True) -> Iterator[None]:
    """Pause the cyclic garbage collector while big, acyclic data is built (`resume` False: leave it off after).

    Its full passes scan every object made so far, so with 10,000 projects they cost more than the work itself
    (validation 5× slower); reference counting still frees everything these stages drop.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and resume:
            gc.enable()


_ENDS_AFTER_BUILD = [False]  # set by the console script for `site-builder build`: the process ends once `build` returns


def end_process_after_build() -> None:
    """Say that this process ends when `build` returns: the collector is then not resumed after it.

    Resumed, its first full pass scanned the whole portal (~0.4 s at 10,000 projects) after the site was published.
    """
    _ENDS_AFTER_BUILD[0] = True


def check(data_dir: Path, strict: bool = False, orgs: Collection[str] | None = None, cache: CacheDir | None = None) -> Checked:
    """Load and validate everything; with `strict`, unacknowledged findings become errors.

    With `orgs` (a shard), only those organisations' project files are read; the other plans come without projects.
    `cache` (`build` and `serve`): what files were read as and what the personal-data scan found in them, by their bytes.
    """
    with paused_gc():
        return _check(data_dir, strict, orgs, cache)


def _check(data_dir: Path, strict: bool, orgs: Collection[str] | None = None, cache: CacheDir | None = None) -> Checked:
    """`check` itself."""
    if not data_dir.is_dir():
        return Checked(None, [Problem(str(data_dir), 1, 1, "", "데이터 폴더가 없습니다", "폴더", "없음")])
    try:
        data, problems = load_data(data_dir, orgs, ParseMemo(cache) if cache else None)
    except OSError as exc:  # a folder that cannot be listed (a file that cannot be read is a problem of its own)
        where = exc.filename if isinstance(exc.filename, str) else str(data_dir)
        return Checked(None, [os_problem(exc, where, "데이터 폴더를 읽을 수 없습니다", "읽을 수 있는 폴더 (권한을 확인하세요)")])
    big = sum(len(files.projects) for files in data.plans) >= PARALLEL_MIN_FILES
    with background(personal_data_problems, data, cache, worth=big) as personal:  # a child scans while this process validates
        portal, invalid = validate(data)
        mine = portal if portal is None or orgs is None else portal.only(orgs)
        found = [] if mine is None else portal_findings(mine) + withheld_echoes(mine)  # while the scan ends
        problems = sorted(set(problems + invalid + personal()))  # nothing personal is published
    if portal is None:
        return Checked(None, problems)
    if strict:
        expected = "plan.yaml `acknowledged`에 식별자 추가 또는 데이터 수정"
        problems += [Problem(f.file, f.line, 1, f.id, f"확인되지 않은 점검 결과: {f.message}", expected, f.id) for f in found if not f.acknowledged]
    return Checked(portal if not problems else None, problems, found)


@dataclass(frozen=True)
class Options:
    """How one run of the pipeline goes: a whole site (`build`, `serve`), or a shard (`orgs`); `strict` turns findings into errors."""

    strict: bool = False
    orgs: frozenset[str] | None = None  # a shard: only these organisations' project files, history and pages
    reuse: PageReuse | None = None  # `build`: pages whose inputs did not change are kept from the last build
    alone: bool = False  # `serve --only-org`: `orgs` as a site of their own, with portal-wide pages made from them alone

    def keeps(self, page: Page) -> bool:
        """Whether the run renders this page (a shard: only the pages under its organisations' folders)."""
        return self.orgs is None or self.alone or page.path.split("/")[0] in self.orgs


@dataclass
class Prepared:
    """What one run made in memory: the check's outcome, the history read and every generated file (None on problems)."""

    checked: Checked
    files: dict[str, str | bytes] | None = None
    history: History = field(default_factory=History)


def prepare(paths: Paths, options: Options) -> Prepared:
    """The one pipeline in memory: check (data, and for a whole site content/), read git history, then generate every file."""
    # One pause over every in-memory stage: re-enabled between them, the collector's next pass would scan
    # everything validation made as young objects (about 1 s at 10,000 projects).
    with paused_gc():
        checked, history = checked_history(paths, options)
        if checked.portal is None or history is None:
            return Prepared(checked)
        portal = checked.portal if options.orgs is None else checked.portal.only(options.orgs)
        return Prepared(checked, generate(portal, history, options.keeps, reuse=options.reuse), history)


def checked_history(paths: Paths, options: Options) -> tuple[Checked, History | None]:
    """Check the data (and for a whole site content/), then read git history; no history when there are problems."""
    cache = None if options.reuse is None else CacheDir(paths.cache_dir, options.reuse.fresh)  # a build's or preview's own
    keep_compiled_templates(cache)
    checked = check(paths.data_dir, options.strict, options.orgs, cache)
    if checked.portal is None:
        return checked, None
    if options.orgs is None:  # hand-written pages are published by the whole site (a shard's by `assemble`)
        checked.problems += _content_problems(paths, checked.portal)
        if checked.problems:
            return checked, None
    owned = None if options.orgs is None else options.orgs.__contains__
    return checked, load_history(paths.data_dir, checked.portal, owned, cache=cache)  # empty without git or in a shallow clone


def _content_problems(paths: Paths, portal: Portal) -> list[Problem]:
    """Personal data in the hand-written pages (content/), with the site's acknowledged values and e-mail domains."""
    site = portal.site
    return content_problems(paths.content_dir, set(site.acknowledged_personal_data), {d.lower() for d in site.email_domains})


def generate(portal: Portal, history: History | None = None, keep: Callable[[Page], bool] | None = None, published: bool = False,
             side: Sequence[SideJob] = SIDE_JOBS, reuse: PageReuse | None = None) -> dict[str, str | bytes]:
    """Every generated file of the docs tree (pages, `side` outputs, change feed), in memory.

    `keep`: only the pages it keeps (a shard, an assembly); `published`: the portal is already redacted (an assembly);
    `reuse`: pages (and their feeds) whose inputs did not change since the last build are left out and listed in `reuse.kept`.
    """
    return _generated(portal, history, keep, published, side, reuse, None)


def generate_wide(portal: Portal, history: History) -> dict[str, str | bytes]:
    """The portal-wide pages of an already redacted portal (none under an organisation's folder), the change feed and vendored files: what assemble renders.

    The pages under organisations' folders are not even planned: a light portal (shards/assembly.published_bundle)
    carries no more than the portal-wide pages show.
    """
    with paused_gc():
        pages = portal_pages(portal, history, plans=False) + citizen_pages(portal, parts=False)
        lastmod.stamp(pages, portal)
    return _generate(portal, pages, history, (), set(), None)


def generate_into(write: Writer, portal: Portal, history: History | None = None, reuse: PageReuse | None = None,
                  keep: Callable[[Page], bool] | None = None, whole: Portal | None = None, side: Sequence[SideJob] = SIDE_JOBS) -> dict[str, bool]:
    """`generate`, but each file is put into the docs tree by `write` as soon as it is made; path → whether written.

    Pages and side outputs are written by the worker that made them, so no process holds them all (`write_tree`'s `streamed`).
    `whole`: a shard's portal with every plan, when `portal` holds its own (for the dates pages show: `lastmod.stamp`).
    """
    return _generated(portal, history, keep, False, side, reuse, write, whole)


def _generated(portal: Portal, history: History | None, keep: Callable[[Page], bool] | None, published: bool,
               side: Sequence[SideJob], reuse: PageReuse | None, write: Writer | None, whole: Portal | None = None) -> Any:
    """`generate` (`write` None) or `generate_into`."""
    history = history or History()
    with paused_gc():
        published_portal = portal if published else redact_portal(portal)  # from here on nothing marked 비공개 exists
        pages = portal_pages(published_portal, history) + citizen_pages(published_portal)
        pages = pages if keep is None else [p for p in pages if keep(p)]
        dates = lastmod.stamp(pages, published_portal, whole)  # dates from the data's git history; none without git
        if reuse is not None:  # keyed by the data as read (its files), not as published
            side = _reusing(reuse, portal, history, dates, pages, side)
    gc.freeze()  # the data is kept as is from here: collections (and forked workers) leave it alone
    try:
        return _generate(published_portal, pages, history, side, reuse.kept if reuse else set(), write)
    finally:
        gc.unfreeze()


def _reusing(reuse: PageReuse, portal: Portal, history: History, dates: dict[str, str], pages: list[Page],
             side: Sequence[SideJob]) -> list[SideJob]:
    """Decide what the last build left that this one keeps; the side jobs that can take unchanged plans' parts get them."""
    stamped = {p.path: page_facts(p.context) for p in pages} | {f: "" for p in pages if (f := page_feed_path(p))}
    reuse.plan(portal, history, dates, stamped)
    return [functools.partial(job, memo=reuse.memo) if job in (kept_index_files, download_files) else job for job in side]


def _generate(portal: Portal, pages: list[Page], history: History, side: Sequence[SideJob], kept: set[str], write: Writer | None) -> Any:
    """Render pages (in workers for big portals) while the side outputs (downloads, search index) and the feed are made.

    Pages and feeds in `kept` are neither made nor returned: the docs tree holds them from the last build. With `write`,
    every file goes into the docs tree as it is made and path → whether written is returned instead of the files.
    """
    todo = [p for p in pages if p.path not in kept]
    if write is None:
        with rendering(portal, todo, side=side) as rendered:  # in worker processes for big portals
            others = _other_files(portal, pages, history, kept)
            files = rendered()
        files.update(others)
        return files
    with streaming(portal, todo, write, side=side) as streamed:
        written = {rel: write(rel, content) for rel, content in _other_files(portal, pages, history, kept).items()}  # while the workers render
        made = streamed()
    if doubled := made.keys() & written.keys():
        raise RuntimeError(f"generated twice: {sorted(doubled)[:3]}")  # two writers of one file: a bug, never bad data
    made.update(written)
    return made


def _other_files(portal: Portal, pages: list[Page], history: History, kept: set[str]) -> dict[str, str | bytes]:
    """What this process makes while the pages render: vendored assets, the change feeds, the plans' official files."""
    others: dict[str, str | bytes] = dict(vendor_files())
    live = {f"{b.key}/{p.id}" for b in portal.plans for p in b.projects}
    others["feed.xml"] = atom_feed(history, portal.site.title, portal.site.site_url, live)
    feeding = [p for p in pages if page_feed_path(p) not in kept]  # beside each plan, unit, project
    others.update(page_feeds(feeding, history, portal.site.title, portal.site.site_url, live))
    for page in (p for p in pages if p.template == "plan.md.j2"):  # a plan's official files go where its pages go
        others.update(original_files(page.context["bundle"], portal.site))
    return others


def build(paths: Paths, site_dir: Path, strict: bool = False, full: bool = False) -> tuple[Checked, str]:
    """Validate, render and build the site; the old `site_dir` stays unless everything succeeds.

    Only what changed since the last build is rendered again (engine/incremental.py); `full` renders everything.
    Pages and downloads are written into the docs tree as they are made (`generate_into`), under the build lock: with
    100,000 projects, holding them all would take gigabytes.
    """
    reuse = PageReuse(paths.cache_dir, paths.docs_dir, fresh=full)
    with paused_gc(resume=not _ENDS_AFTER_BUILD[0]):  # as in `prepare`: one pause over check, history and generation
        checked, history = checked_history(paths, Options(strict, reuse=reuse))
        if checked.portal is None or history is None:
            return checked, ""
        portal = checked.portal
        shed_sources(portal)
        return checked, publish_safely(paths, site_dir, checked, lambda: _generate_and_publish(paths, site_dir, checked, portal, history, reuse))


def shed_sources(portal: Portal) -> None:
    """Drop what project files were read as (their data and every value's position) once the check has used them.

    Findings and problems name lines from them; rendering reads only the models and the files' paths. About half of a
    checked portal's memory (~30 KB a project), and forked workers would each count it again.
    """
    for bundle in portal.plans:
        for source in bundle.sources:
            source.data, source.positions, source.packed = None, {}, None
    release_memory()


def release_memory() -> None:
    """Give freed heap memory back to the system (glibc keeps it otherwise; elsewhere nothing happens)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)


def _generate_and_publish(paths: Paths, site_dir: Path, checked: Checked, portal: Portal, history: History, reuse: PageReuse) -> str:
    """Generate every file straight into the docs tree, then publish (the caller holds the lock)."""
    streamed = generate_into(functools.partial(update_file, paths.docs_dir, made=set()), portal, history, reuse=reuse)
    release_memory()  # what rendering here left (the big tables' text) is not kept through MkDocs
    return publish_docs(paths, site_dir, {}, checked, portal, reuse, streamed)


def publish_safely(paths: Paths, site_dir: Path, checked: Checked, publish: Callable[[], str]) -> str:
    """Run `publish` under the build lock (a second build at the same time waits); what the file system refuses becomes a problem.

    Nothing is written when the site or work folder is taken by a file or a link; on an OSError the previous site
    is put back and temporary folders are removed (`write.tree.publishing`), and the error names the path and why.
    """
    checked.problems += place_problems(paths.build_dir, site_dir)
    if checked.problems:
        return ""
    try:
        with publishing(paths.build_dir, site_dir):
            return publish()
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else str(site_dir)
        checked.problems.append(os_problem(exc, where, "누리집을 쓰지 못했습니다", "쓸 수 있는 폴더와 남은 디스크 공간: 권한·용량을 확인한 뒤 다시 실행하세요"))
        return ""


def publish_docs(paths: Paths, site_dir: Path, files: dict[str, str | bytes], checked: Checked, portal: Portal, reuse: PageReuse,
                 streamed: dict[str, bool] | None = None, seal: Callable[[Path], None] | None = None) -> str:
    """Write the docs tree, then run MkDocs on the changed files only when it can, else on all into a fresh folder swapped in (the caller holds the lock).

    `streamed`: generated files already written into the docs tree (path → whether written); `seal`: adds files to
    the built site (a shard's `shard.json`: into the fresh folder before a swap, or into the site after pages moved in).
    """
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    recover_dir(site_dir)  # a build killed mid-swap left the old site at .site.old
    incremental.recover(paths.cache_dir)  # a build killed while moving pages in: the previous pages back (before the cleanup below)
    prefix = f".{site_dir.name}-tmp-"  # per site name: never touches another site's build in the same folder
    remove_stale(site_dir.parent, prefix)
    written = write_tree(files, [paths.content_dir], paths.docs_dir, reuse.kept, streamed)
    with suppress(OSError):  # a record that cannot be written only makes the next build redo more
        reuse.remember()
    config = config_text(redact_portal(portal), paths.root)
    key = incremental.engine_key(config, paths.root, seam.tool_env()["SOURCE_DATE_EPOCH"])
    engine = _Engine(paths, site_dir, checked, config, key, seal)
    if reuse.fresh:
        return _engine_full(engine, "모든 페이지를 다시 만들었습니다 (--full)")
    update = incremental.plan_update(paths.cache_dir, key, written.changed, written.removed, site_dir)
    if update.changed is None:
        return _engine_full(engine, update.note)
    return _engine_changed(engine, update)


@dataclass(frozen=True)
class _Engine:
    """What the MkDocs stage of one build works with (`seal`: adds files to the built site, a shard's `shard.json`)."""

    paths: Paths
    site_dir: Path
    checked: Checked
    config: str
    key: str
    seal: Callable[[Path], None] | None


def _engine_full(engine: _Engine, note: str) -> str:
    """MkDocs on the whole docs tree into a fresh folder, swapped in whole."""
    paths, site_dir, checked, config, key, seal = engine.paths, engine.site_dir, engine.checked, engine.config, engine.key, engine.seal
    with ThreadPoolExecutor(1) as pool:  # the docs tree's walk (~0.3 s at 10,000 projects) overlaps MkDocs, a child process
        walking = pool.submit(incremental.tree_state, paths.docs_dir)
        tmp, output = run_mkdocs(paths, config, checked, site_dir)
        docs = walking.result()
    if tmp is not None:
        if seal is not None:
            seal(tmp)
        incremental.forget(paths.cache_dir)  # between the swap and the new record, no record at all
        replace_dir(tmp, site_dir)
        with suppress(OSError):  # without a record the next build is a full one
            incremental.remember(paths.cache_dir, key, docs, site_dir)
        checked.notes.append(note)
    return output


def _engine_changed(engine: _Engine, update: incremental.Update) -> str:
    """MkDocs on the changed docs files while a thread checks the trees against the record; the pages are then moved into the site."""
    assert update.manifest is not None and update.changed is not None
    paths, site_dir, checked, config = engine.paths, engine.site_dir, engine.checked, engine.config
    with ThreadPoolExecutor(1) as pool:  # the walks (a second each at 10,000 projects) overlap MkDocs, a child process
        checking = pool.submit(incremental.check_trees, update, paths.docs_dir, site_dir)
        tmp, output = run_mkdocs(paths, config, checked, site_dir, update.changed)
        docs, why = checking.result()
    if tmp is None:
        return output
    if docs is None:
        shutil.rmtree(tmp, ignore_errors=True)
        return _engine_full(engine, why)
    if update.pages_differ and not incremental.patch_sitemap(tmp, site_dir, update, docs, seam.build_epoch()):
        shutil.rmtree(tmp, ignore_errors=True)
        return _engine_full(engine, "사이트맵을 고쳐 쓸 수 없어 전체를 다시 만듭니다")
    incremental.forget(paths.cache_dir)
    gone = tuple(map(incremental.site_file, update.removed))
    site: incremental.State | None = incremental.apply(tmp, site_dir, paths.cache_dir, update.manifest["site"], gone, update.pages_differ)
    shutil.rmtree(tmp, ignore_errors=True)  # what is left: MkDocs' sitemaps of the rendered pages only
    if engine.seal is not None:
        engine.seal(site_dir)
        site = None  # the sealed file is new: the record walks the site
    with suppress(OSError):
        incremental.remember(paths.cache_dir, engine.key, docs, site_dir, site)
    checked.notes.append(update.note)
    return output


def run_mkdocs(paths: Paths, config: str, checked: Checked, site_dir: Path, only: list[str] | None = None) -> tuple[Path | None, str]:
    """MkDocs with this config into a fresh folder beside `site_dir` (`only`: just these docs files); None (and a problem) when it fails."""
    tmp, output = seam.build_beside(paths.config, config, site_dir, only)
    if tmp is None:
        checked.problems.append(Problem(str(paths.config), 1, 1, "", "사이트 생성(MkDocs)이 실패했습니다", "경고 없는 빌드", tool_failure(output)))
    return tmp, output


def tool_failure(output: str) -> str:
    """What MkDocs said when it failed: its warnings, or of a crash (disk full, file size limit) the error line, not the traceback."""
    if "Traceback (most recent call last)" not in output:
        return output[-2000:]
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1][-2000:] if lines else ""
