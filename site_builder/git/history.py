"""Change history of project files from git: dated, plain-Korean lists of meaningful changes.

One `git log` pass covers every data file and one `git cat-file --batch` process reads every
version; each version is validated with the same model as the site, and successive valid
versions are compared field by field (never as text lines). Without git, outside a repository
or in a shallow clone the history is simply empty: the build never fails because of it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..base.store import CacheDir
from ..load.fast import fast_load
from ..model import Project
from ..model.portal import Portal
from ..publish.redaction import lineage_marks, redact_project
from .changes import Words, changes
from .memo import UNKNOWN, HistoryMemo
from .repo import is_shallow, run_git
from .screen import Screen, screens, site_screen

KST = timezone(timedelta(hours=9))
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: old versions are parsed in bulk
_PROJECT_PATH = re.compile(r"^(?P<org>[^/]+)/(?P<year>\d{4})/projects/(?P<id>[^/]+)\.yaml$")
_COMMIT_MARK = "\x1e"
RECENT = 100  # changes on the change list (the feed shows fewer); also what each shard hands to `assemble`


@dataclass(frozen=True)
class Change:
    """One commit's meaningful changes to one project, in plain Korean."""

    key: str  # `<org>/<year>/<id>`
    title: str
    commit: str
    when: datetime  # commit time, in KST
    messages: tuple[str, ...]
    exists: bool = True  # False once the project file was deleted

    @property
    def date(self) -> str:
        """`2024-03-05` (KST)."""
        return self.when.strftime("%Y-%m-%d")

    @property
    def plan_key(self) -> str:
        """`<org>/<year>` of the project."""
        return self.key.rsplit("/", 1)[0]

    @property
    def project_id(self) -> str:
        """The project id."""
        return self.key.rsplit("/", 1)[1]


@dataclass
class History:
    """Every project's changes; `available` is False when git history could not be read."""

    available: bool = False
    by_project: dict[str, list[Change]] = field(default_factory=dict)  # newest first
    reason: str = ""

    def of(self, key: str) -> list[Change]:
        """Changes of one project (`<org>/<year>/<id>`), newest first."""
        return self.by_project.get(key, [])

    def recent(self, limit: int = RECENT) -> list[Change]:
        """The newest changes across the portal (newest first, then by project)."""
        changes = [c for cs in self.by_project.values() for c in cs]
        return sorted(changes, key=lambda c: (-c.when.timestamp(), c.key))[:limit]


def recent_json(history: History) -> dict[str, Any]:
    """What portal-wide pages need of a history (availability and the RECENT newest changes) as JSON data, for a shard's manifest."""
    changes = [{"key": c.key, "title": c.title, "commit": c.commit, "when": c.when.isoformat(), "messages": list(c.messages), "exists": c.exists}
               for c in history.recent()]
    return {"available": history.available, "reason": history.reason, "recent": changes}


def joined_history(parts: list[dict[str, Any]], rest: History) -> History:
    """One history for portal-wide pages from shards' `recent_json` and `rest` (files no shard owns): their newest changes are the newest overall.

    Whether there is a history at all is the shards' word: they read the history of every project that is published.
    """
    joined = History(available=all(p["available"] for p in parts), reason=next((p["reason"] for p in parts if p["reason"]), ""))
    for part in parts:
        for c in part["recent"]:
            change = Change(c["key"], c["title"], c["commit"], datetime.fromisoformat(c["when"]), tuple(c["messages"]), c["exists"])
            joined.by_project.setdefault(change.key, []).append(change)
    joined.by_project.update(rest.by_project)
    return joined


@dataclass
class _Version:
    """One version of a project file: the commit and the blob (None when deleted)."""

    commit: str
    when: datetime
    blob: str | None


@dataclass
class _Commit:
    """One commit of `git log --raw`: its file changes as (status, blob, old path, new path)."""

    sha: str
    when: datetime
    files: list[tuple[str, str, str, str]] = field(default_factory=list)


def _repository(data_dir: Path) -> tuple[Path, str] | str:
    """(top level, data dir relative to it), or the Korean reason why there is no usable history."""
    top = run_git(data_dir, "rev-parse", "--show-toplevel")
    if top is None:
        return "git 저장소가 아니거나 git이 없습니다"
    if is_shallow(data_dir):
        return "얕은 복제(shallow clone)라 기록이 모자랍니다"
    root = Path(top.decode().strip()).resolve()
    try:
        return root, data_dir.resolve().relative_to(root).as_posix()
    except ValueError:
        return "데이터 폴더가 저장소 밖에 있습니다"


def _parse_log(text: str) -> list[_Commit]:
    """Parse `git log --raw --no-abbrev` output (each commit starts with a record-separator header)."""
    commits: list[_Commit] = []
    for line in text.split("\n"):  # not splitlines(): it also splits at the \x1e marker
        if line.startswith(_COMMIT_MARK):
            sha, iso = line[1:].split(" ", 1)
            commits.append(_Commit(sha, datetime.fromisoformat(iso).astimezone(KST)))
        elif line.startswith(":") and commits:
            meta, *paths = line.split("\t")
            status, blob = meta.split()[4][0], meta.split()[3]
            commits[-1].files.append((status, blob, paths[0], paths[-1]))
    return commits


def _read_log(root: Path, data_rel: str, revisions: str = "HEAD") -> list[_Commit] | None:
    """Every commit (oldest first) touching the data folder, as seen on the first-parent line (of `revisions`: `A..B`, only B's new ones)."""
    out = run_git(root, "log", "--reverse", "--first-parent", "--diff-merges=first-parent", "--raw", "--no-abbrev", "-M",
               f"--format={_COMMIT_MARK}%H %cI", revisions, "--", data_rel)
    return None if out is None else _parse_log(out.decode("utf-8", errors="replace"))


def _log(root: Path, data_rel: str, memo: HistoryMemo | None) -> list[_Commit] | None:
    """`_read_log`, from the memo when HEAD is the commit it was read at; after new commits on top of it, only those are read."""
    head = run_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") if memo is not None else None
    if memo is None or head is None:
        return _read_log(root, data_rel)
    sha = head.decode().strip()
    kept = memo.recall_log(data_rel)
    commits = _unpacked_log(kept[1]) if kept is not None else None
    if kept is None or commits is None:
        commits = _read_log(root, data_rel, sha)
    elif kept[0] != sha:
        newer = _read_log(root, data_rel, f"{kept[0]}..{sha}") if _first_parent_ancestor(root, kept[0], sha) else None
        commits = commits + newer if newer is not None else _read_log(root, data_rel, sha)
    if commits is not None:
        memo.keep_log(data_rel, sha, [(c.sha, c.when.isoformat(), c.files) for c in commits])
    return commits


def _first_parent_ancestor(root: Path, old: str, new: str) -> bool:
    """Whether `old` is on `new`'s first-parent line (then the log up to `new` is the log up to `old` and the commits after it)."""
    out = run_git(root, "log", "--first-parent", "--format=%P", f"{old}..{new}")
    lines = out.decode().rstrip("\n").split("\n") if out else []
    return bool(lines) and lines[-1].split()[:1] == [old]  # the oldest new commit's first parent (a root commit has none)


def _unpacked_log(commits: list[Any]) -> list[_Commit] | None:
    """The kept log as commits (None when it is not what this code keeps)."""
    try:
        return [_Commit(sha, datetime.fromisoformat(when).astimezone(KST), [tuple(f) for f in files]) for sha, when, files in commits]
    except (TypeError, ValueError):
        return None


def _lineages(commits: list[_Commit], data_rel: str) -> dict[str, list[_Version]]:
    """Versions of every project file, following renames; keyed by the file's last path."""
    prefix = f"{data_rel}/" if data_rel != "." else ""
    live: dict[str, list[_Version]] = {}
    for commit in commits:
        for status, blob, old, new in commit.files:
            old, new = old.removeprefix(prefix), new.removeprefix(prefix)
            if status in "RD":
                versions, path = live.pop(old, []), (old if status == "D" else new)
            else:  # added, modified, type change; a copy starts a new lineage
                versions, path = ([] if status == "C" else live.pop(new, [])), new
            if _PROJECT_PATH.match(path):  # a file moved out of projects/ ends its lineage
                versions.append(_Version(commit.sha, commit.when, None if status == "D" else blob))
                live[path] = versions
    return live


def _read_blobs(root: Path, shas: set[str]) -> dict[str, bytes]:
    """Contents of many blobs through one `git cat-file --batch` process (none for none)."""
    if not shas:
        return {}
    order = sorted(shas)
    out = run_git(root, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in order).encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    while out is not None and pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if len(header) < 3:  # "<sha> missing"
            pos = end + 1
            continue
        size = int(header[2])
        blobs[header[0].decode()] = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


_UNREADABLE = object()  # a file version that is not UTF-8 YAML


def _version_data(blob: bytes | None) -> tuple[Any, bool]:
    """What one file version reads as (_UNREADABLE when it cannot be read), and whether the build's own reader read it."""
    if blob is None:
        return _UNREADABLE, False
    try:
        text = blob.decode("utf-8")
        fast = fast_load(text)  # the build's own reader; files it leaves aside are read by libyaml's safe loader
        return (fast[0], True) if fast is not None else (yaml.load(text, Loader=_LOADER), False)  # _LOADER is a safe loader
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, TypeError):
        return _UNREADABLE, False


def _validated(data: Any) -> Project | None:
    """The project of one file version's data, or None if it did not validate then."""
    if data is _UNREADABLE:
        return None
    try:
        return Project.model_validate(data)
    except (ValidationError, ValueError, TypeError):
        return None


def _reader(root: Path, wanted: set[str], memo: HistoryMemo | None) -> Callable[[str], Project | None]:
    """The project of each wanted blob: what the memo kept it read as, else read through one `git cat-file` (and kept)."""
    known = {} if memo is None else {blob: data for blob in wanted if (data := memo.recall_blob(blob)) is not UNKNOWN}
    blobs = _read_blobs(root, wanted - known.keys())

    def project(blob: str) -> Project | None:
        if blob in known:
            return _validated(known[blob])
        data, plain = _version_data(blobs.get(blob))
        if memo is not None and plain:  # only the build's own reader's values (no sets, pairs or binaries)
            memo.keep_blob(blob, data)
        return _validated(data)

    return project


@dataclass
class _Lineage:
    """One project file's versions, and what its changes are made with."""

    key: str  # `<org>/<year>/<id>`
    path: str  # from the data folder
    versions: list[_Version]
    words: _Words
    today: Project | None  # as validated from the working file (None when it is gone or invalid)
    digest: str = ""  # what the memo keeps its changes under ('': not kept)


def load_history(data_dir: Path, portal: Portal, owned: Callable[[str], bool] | None = None, validated: bool = True,
                 cache: CacheDir | None = None) -> History:
    """The change history of every project file under `data_dir` (empty when git cannot tell).

    `owned`: only the files of organisation folders it accepts (a shard's own). `validated`: the portal's projects were validated from
    the working files, so a version with the same bytes is not parsed again (False for a portal rebuilt from published
    JSON, as `assemble` has: its projects are redacted). `cache` (`build`, `serve`; with `validated` only): the log, old
    versions and each file's changes are kept (git/memo.py), so an unchanged history is not read and compared again.
    """
    repo = _repository(data_dir)
    if isinstance(repo, str):
        return History(reason=repo)
    root, data_rel = repo
    memo = HistoryMemo(cache) if cache is not None and validated else None
    commits = _log(root, data_rel, memo)
    if commits is None:
        return History(reason="git 기록을 읽지 못했습니다")
    lineages = _project_lineages(portal, _lineages(commits, data_rel), owned, memo is not None)
    made = _made(data_dir, root, lineages, {c.sha: c.when for c in commits}, validated, memo)
    history = History(available=True)
    history.by_project = {lineage.key: made[lineage.key][::-1] for lineage in lineages if made[lineage.key]}
    if memo is not None:
        memo.save({v.blob for lineage in lineages for v in lineage.versions if v.blob})
    return history


def _project_lineages(portal: Portal, lineages: dict[str, list[_Version]], owned: Callable[[str], bool] | None, keyed: bool) -> list[_Lineage]:
    """The project files' lineages (of `owned` organisations) by path, with their plan's words and today's project; `keyed`: with their memo digests."""
    context = _Context.of(portal)
    now = {f"{b.key}/{p.id}": p for b in portal.plans for p in b.projects}  # today's 비공개 marks, committed or not
    files = {f"{b.key}/{s.path.stem}": s.digest for b in portal.plans for s in b.sources} if keyed else {}  # the bytes they were validated from
    contexts = {key: _context_digest(words) for key, words in [*context.plans.items(), ("", context.removed)]} if keyed else {}
    found = []
    for path, versions in sorted(lineages.items()):
        m = _PROJECT_PATH.match(path)
        if m and (owned is None or owned(m["org"])):
            key, plan = f"{m['org']}/{m['year']}/{m['id']}", f"{m['org']}/{m['year']}"
            today = now.get(key)
            digest = "-" if today is None else files.get(key, "")  # '': validated from bytes it does not know, so not kept
            kept = _lineage_digest(key, versions, digest, contexts[plan if plan in context.plans else ""]) if keyed and digest else ""
            found.append(_Lineage(key, path, versions, context.for_plan(key), today, kept))
    return found


def _lineage_digest(key: str, versions: list[_Version], today: str, context: str) -> str:
    """What a lineage's changes are made from: its versions (a blob's bytes are its id), today's file's bytes, its plan's words and screen."""
    return hashlib.sha256(repr((key, [(v.commit, v.blob) for v in versions], today, context)).encode()).hexdigest()


def _context_digest(words: _Words) -> str:
    """A plan's words and history screen as a digest (sorted: sets and dicts in a stable order)."""
    w, screen = words.words, words.screen
    purge = sorted((n, sorted(d)) for n, d in screen.purge.by_length.items())
    text = repr((w.money_unit, sorted(w.units.items()), sorted(w.nodes.items()), sorted(screen.acknowledged), sorted(screen.domains), purge))
    return hashlib.sha256(text.encode()).hexdigest()


def _made(data_dir: Path, root: Path, lineages: list[_Lineage], whens: dict[str, datetime], validated: bool,
          memo: HistoryMemo | None) -> dict[str, list[Change]]:
    """Each lineage's changes, oldest first: kept by the memo, or made from its versions (then kept)."""
    made = {line.key: found for line in lineages if memo is not None and line.digest and (found := _recalled(memo, line, whens)) is not None}
    todo = [line for line in lineages if line.key not in made]
    working = {line.key: _blob_id(data_dir / line.path, line.versions[-1].blob) if line.today is not None and validated else None for line in todo}
    project = _reader(root, {v.blob for line in todo for v in line.versions if v.blob and v.blob != working[line.key]}, memo)
    for line in todo:
        made[line.key] = list(_changes(line.key, line.versions, project, line.words, line.today, working[line.key]))
        if memo is not None and line.digest:
            memo.changes.put(line.digest, [(c.title, c.commit, c.messages, c.exists) for c in made[line.key]])
    return made


def _recalled(memo: HistoryMemo, line: _Lineage, whens: dict[str, datetime]) -> list[Change] | None:
    """A lineage's changes as the memo kept them (None when it has none, or not in the shape this code keeps)."""
    kept = memo.changes.get(line.digest)
    try:
        found = [Change(line.key, title, commit, whens[commit], tuple(messages), exists) for title, commit, messages, exists in kept]
    except (TypeError, ValueError, KeyError):
        return None
    plain = all(isinstance(c.title, str) and isinstance(c.exists, bool) and all(isinstance(m, str) for m in c.messages) for c in found)
    return found if plain else None


def _blob_id(path: Path, like: str | None) -> str | None:
    """The git blob id of a working-tree file, in the hash of the id `like` (SHA-1 or SHA-256); None if unreadable."""
    try:
        content = path.read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256 if like is not None and len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(content) + content).hexdigest()


def _changes(key: str, versions: list[_Version], project: Callable[[str], Project | None], words: _Words, today: Project | None = None,
             working: str | None = None) -> Iterator[Change]:
    """Changes between successive valid versions of one project file, 비공개 content redacted, screened for personal data.

    A version whose blob is `working` (the working file's blob id) holds the file the build has just validated as
    `today`: it is not read again (at 10,000 projects that is most of the reading). `project`: the project of a blob.
    """
    parsed = [None if v.blob is None else today if v.blob == working else project(v.blob) for v in versions]
    whole, withheld = lineage_marks(parsed + [today])  # a mark in any version hides that content in every version
    if whole is not None:
        return  # a project withheld as a whole has no published history
    previous: Project | None = None
    screen = words.screen
    for version, found in zip(versions, parsed, strict=True):
        if version.blob is None:
            if previous is not None:
                yield Change(key, _title(screen, previous, today, key), version.commit, version.when, ("사업 삭제",), exists=False)
            previous = None
            continue
        if found is None:
            continue  # an invalid intermediate version: compare the next valid one with the last valid one
        current = redact_project(found, fields=withheld)
        messages = ["사업 추가"] if previous is None else [screen.message(m) for m in changes(previous, current, words.words)]
        if messages:
            yield Change(key, _title(screen, current, today, key), version.commit, version.when, tuple(messages))
        previous = current


def _title(screen: Screen, version: Project, today: Project | None, key: str) -> str:
    """The title history shows for a version: its own, else today's, else `사업 <id>` (the first the screen lets through)."""
    return screen.title(version.title, today.title if today is not None else None, f"사업 {key.rsplit('/', 1)[1]}")


@dataclass(frozen=True)
class _Words:
    """What one plan's history needs: how to name its things, and what may be shown."""

    words: Words
    screen: Screen


@dataclass
class _Context:
    """Words and screens for every plan of the portal."""

    plans: dict[str, _Words]
    removed: _Words  # a plan no longer in the data: default words, the site's gate

    @classmethod
    def of(cls, portal: Portal) -> _Context:
        """Collect money units and names from the validated portal, and the gate each plan's history passes."""
        gates = screens(portal)
        return cls({b.key: _Words(Words(b.plan.money_unit, {u.id: u.name for u in b.plan.units}, {n.id: n.title for n, _, _ in b.nodes()}),
                                  gates[b.key]) for b in portal.plans}, _Words(Words(), site_screen(portal)))

    def for_plan(self, key: str) -> _Words:
        """Words and screen of the plan a project key belongs to (defaults and the site's gate for a removed plan)."""
        return self.plans.get(key.rsplit("/", 1)[0], self.removed)


