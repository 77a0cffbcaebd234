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

from ..load.fast import fast_load
from ..model import Project
from ..model.portal import Portal
from ..publish.redaction import lineage_marks, redact_project
from .changes import Words, changes
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


def _read_log(root: Path, data_rel: str) -> list[_Commit] | None:
    """Every commit (oldest first) touching the data folder, as seen on the first-parent line."""
    out = run_git(root, "log", "--reverse", "--first-parent", "--diff-merges=first-parent", "--raw", "--no-abbrev", "-M",
               f"--format={_COMMIT_MARK}%H %cI", "--", data_rel)
    return None if out is None else _parse_log(out.decode("utf-8", errors="replace"))


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
    """Contents of many blobs through one `git cat-file --batch` process."""
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


def _project(blob: bytes | None) -> Project | None:
    """The validated project of one file version, or None if it did not validate then."""
    if blob is None:
        return None
    try:
        text = blob.decode("utf-8")
        fast = fast_load(text)  # the build's own reader; files it leaves aside are read by libyaml's safe loader
        return Project.model_validate(fast[0] if fast is not None else yaml.load(text, Loader=_LOADER))  # _LOADER is a safe loader
    except (ValidationError, yaml.YAMLError, UnicodeDecodeError, ValueError, TypeError):
        return None


def load_history(data_dir: Path, portal: Portal, owned: Callable[[str], bool] | None = None, validated: bool = True) -> History:
    """The change history of every project file under `data_dir` (empty when git cannot tell).

    `owned`: only the files of organisation folders it accepts (a shard's own). `validated`: the portal's projects were validated from
    the working files, so a version with the same bytes is not parsed again (False for a portal rebuilt from published
    JSON, as `assemble` has: its projects are redacted).
    """
    repo = _repository(data_dir)
    if isinstance(repo, str):
        return History(reason=repo)
    root, data_rel = repo
    commits = _read_log(root, data_rel)
    if commits is None:
        return History(reason="git 기록을 읽지 못했습니다")
    lineages = {path: versions for path, versions in _lineages(commits, data_rel).items() if owned is None or owned(path.split("/")[0])}
    blobs = _read_blobs(root, {v.blob for vs in lineages.values() for v in vs if v.blob})
    context = _Context.of(portal)
    now = {f"{b.key}/{p.id}": p for b in portal.plans for p in b.projects}  # today's 비공개 marks, committed or not
    history = History(available=True)
    for path, versions in sorted(lineages.items()):
        m = _PROJECT_PATH.match(path)
        if m:
            key = f"{m['org']}/{m['year']}/{m['id']}"
            today = now.get(key)
            working = _blob_id(data_dir / path, versions[-1].blob) if today is not None and validated else None
            found = list(_changes(key, versions, blobs, context.for_plan(key), today, working))
            if found:
                history.by_project[key] = found[::-1]
    return history


def _blob_id(path: Path, like: str | None) -> str | None:
    """The git blob id of a working-tree file, in the hash of the id `like` (SHA-1 or SHA-256); None if unreadable."""
    try:
        content = path.read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256 if like is not None and len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(content) + content).hexdigest()


def _changes(key: str, versions: list[_Version], blobs: dict[str, bytes], words: _Words, today: Project | None = None,
             working: str | None = None) -> Iterator[Change]:
    """Changes between successive valid versions of one project file, 비공개 content redacted, screened for personal data.

    A version whose blob is `working` (the working file's blob id) holds the file the build has just validated as
    `today`: it is not read again (at 10,000 projects that is most of the reading).
    """
    parsed = [None if v.blob is None else today if v.blob == working else _project(blobs.get(v.blob)) for v in versions]
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


