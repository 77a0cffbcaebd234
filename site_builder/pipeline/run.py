"""The one-way pipeline: load → validate → plan pages → render → write; nothing is written before all succeeds."""

from __future__ import annotations

import gc
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..base.problem import Finding, Problem
from ..base.workers import background
from ..check.findings import portal_findings
from ..check.privacy import content_problems, personal_data_problems
from ..check.validation import validate
from ..engine import seam
from ..engine.config import config_text
from ..git import lastmod
from ..git.history import History, atom_feed, load_history
from ..load.source import PARALLEL_MIN_FILES, load_data
from ..model.portal import Portal
from ..outputs.downloads import download_files
from ..outputs.search import index_files
from ..outputs.vendor import vendor_files
from ..plan.extrapages import citizen_pages
from ..plan.pages import Page, portal_pages
from ..publish.redaction import redact_portal
from ..render.markdown import rendering
from ..write.tree import build_lock, recover_dir, remove_stale, replace_dir, write_tree


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


@dataclass
class Checked:
    """Outcome of loading and validating: the portal, errors and findings."""

    portal: Portal | None
    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while big, acyclic data is built.

    Its full passes scan every object made so far, so with 10,000 projects they cost more than the work itself
    (validation 5× slower); reference counting still frees everything these stages drop.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(data_dir: Path, strict: bool = False, orgs: Collection[str] | None = None) -> Checked:
    """Load and validate everything; with `strict`, unacknowledged findings become errors.

    With `orgs` (a shard), only those organisations' project files are read; the other plans come without projects.
    """
    with _paused_gc():
        return _check(data_dir, strict, orgs)


def _check(data_dir: Path, strict: bool, orgs: Collection[str] | None = None) -> Checked:
    """`check` itself."""
    if not data_dir.is_dir():
        return Checked(None, [Problem(str(data_dir), 1, 1, "", "데이터 폴더가 없습니다", "폴더", "없음")])
    data, problems = load_data(data_dir, orgs)
    big = sum(len(files.projects) for files in data.plans) >= PARALLEL_MIN_FILES
    with background(personal_data_problems, data, worth=big) as personal:  # a child scans while this process validates
        portal, invalid = validate(data)
        problems = sorted(set(problems + invalid + personal()))  # nothing personal is published
    if portal is None:
        return Checked(None, problems)
    found = portal_findings(portal if orgs is None else Portal(portal.site, [b for b in portal.plans if b.org.id in orgs]))
    if strict:
        expected = "plan.yaml `acknowledged`에 식별자 추가 또는 데이터 수정"
        problems += [Problem(f.file, f.line, 1, f.id, f"확인되지 않은 점검 결과: {f.message}", expected, f.id) for f in found if not f.acknowledged]
    return Checked(portal if not problems else None, problems, found)


def generate(portal: Portal, history: History | None = None, keep: Callable[[Page], bool] | None = None) -> dict[str, str | bytes]:
    """Every generated file of the docs tree (pages, downloads, change feed), in memory; `keep`: only the pages it keeps (a shard)."""
    history = history or History()
    with _paused_gc():
        portal = redact_portal(portal)  # from here on nothing marked 비공개 exists (pages, index, downloads, feed)
        pages = portal_pages(portal, history) + citizen_pages(portal)
        pages = pages if keep is None else [p for p in pages if keep(p)]
        lastmod.stamp(pages, portal)  # dates from the data's git history; none without git
    gc.freeze()  # the data is kept as is from here: collections (and forked workers) leave it alone
    try:
        return _generate(portal, pages, history)
    finally:
        gc.unfreeze()


def _generate(portal: Portal, pages: list[Page], history: History) -> dict[str, str | bytes]:
    """Render pages (in workers for big portals) while downloads, search index and feed are made."""
    with rendering(portal, pages, side=(index_files, download_files)) as rendered:  # in worker processes for big portals
        others: dict[str, str | bytes] = dict(vendor_files())
        live = {f"{b.key}/{p.id}" for b in portal.plans for p in b.projects}
        others["feed.xml"] = atom_feed(history, portal.site.title, portal.site.site_url, live)
        files = rendered()
    files.update(others)
    return files


def build(paths: Paths, site_dir: Path, strict: bool = False) -> tuple[Checked, str]:
    """Validate, render and build the site; the old `site_dir` stays unless everything succeeds."""
    # One pause over every in-memory stage: re-enabled between them, the collector's next pass would scan
    # everything validation made as young objects (about 1 s at 10,000 projects).
    with _paused_gc():
        checked, files = _prepare(paths, strict)
    if files is None:
        return checked, ""
    assert checked.portal is not None  # files exist only for a valid portal
    with build_lock(paths.build_dir, site_dir):  # a second build at the same time waits here
        return checked, _publish(paths, site_dir, files, checked, checked.portal)


def _prepare(paths: Paths, strict: bool) -> tuple[Checked, dict[str, str | bytes] | None]:
    """Check the data and hand-written pages, then generate every file (None when there are problems)."""
    checked = check(paths.data_dir, strict)
    if checked.portal is None:
        return checked, None
    site = checked.portal.site
    checked.problems += content_problems(paths.content_dir, set(site.acknowledged_personal_data), {d.lower() for d in site.email_domains})
    if checked.problems:  # hand-written pages are published too
        return checked, None
    history = load_history(paths.data_dir, checked.portal)  # empty without git or in a shallow clone
    return checked, generate(checked.portal, history)


def _publish(paths: Paths, site_dir: Path, files: dict[str, str | bytes], checked: Checked, portal: Portal) -> str:
    """Write the docs tree, run MkDocs into a fresh folder and swap it in (the caller holds the lock)."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    recover_dir(site_dir)  # a build killed mid-swap left the old site at .site.old
    prefix = f".{site_dir.name}-tmp-"  # per site name: never touches another site's build in the same folder
    remove_stale(site_dir.parent, prefix)
    write_tree(files, [paths.content_dir], paths.docs_dir)
    paths.config.write_text(config_text(redact_portal(portal), paths.root), encoding="utf-8")
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=site_dir.parent)).resolve()
    ok, output = seam.build_site(paths.config, tmp)
    if not ok:
        shutil.rmtree(tmp, ignore_errors=True)
        checked.problems.append(Problem(str(paths.config), 1, 1, "", "사이트 생성(MkDocs)이 실패했습니다", "경고 없는 빌드", output[-2000:]))
        return output
    replace_dir(tmp, site_dir)
    return output
