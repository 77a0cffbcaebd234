"""Write stage: bring the docs tree up to date in place, then swap the built site in atomically.

The docs tree is updated file by file: a file whose bytes are unchanged is not touched (its mtime stays,
so `serve` and MkDocs see only real changes), changed files are replaced whole (written beside, then
renamed), and files no longer generated are deleted. Nothing here runs before validation succeeded.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from ..base.problem import Problem

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


@dataclass
class Written:
    """What an update of the docs tree did (paths relative to the tree, sorted)."""

    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def desired_files(files: dict[str, str | bytes], static_dirs: list[Path]) -> dict[str, bytes]:
    """Every file the docs tree should hold: hand-written content first, generated files over it."""
    wanted: dict[str, bytes] = {}
    for directory in static_dirs:
        if directory.exists():
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    wanted[path.relative_to(directory).as_posix()] = path.read_bytes()
    for rel, content in files.items():
        wanted[rel] = content if isinstance(content, bytes) else content.encode("utf-8")
    return wanted


def _same(path: Path, content: bytes) -> bool:
    """Whether the file already holds exactly these bytes (size first: cheap)."""
    try:
        return path.is_file() and path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def _put(path: Path, content: bytes, made: set[str] | None = None) -> None:
    """Replace one file whole: a reader never sees it half written (`made`: folders known to exist)."""
    if path.is_dir():
        shutil.rmtree(path)
    parent = str(path.parent)
    if made is None or parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(parent)
    _replace(path, content)


def _replace(path: Path, content: bytes) -> None:
    """Write beside, then rename over (the folder exists); a failed write leaves no half-written file behind."""
    tmp = f"{path.parent}/.{path.name}.tmp"
    try:
        with open(tmp, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if exc.filename is None:  # a failed write (disk full, file size limit) names no file: the message must
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def _update(path: Path, content: bytes, made: set[str], unread: bool = False) -> bool:
    """Write one file unless it already holds these bytes; True when written. One `stat` in the common cases.

    `unread`: no reader opens the folder's files while this runs (`update_file`), so a new file is written straight in.
    """
    try:
        found: os.stat_result | None = os.stat(path)
    except OSError:  # missing (or a file where a folder should be: `_put` then says what is wrong)
        found = None
    if found is not None and stat.S_ISREG(found.st_mode) and found.st_size == len(content) and _same(path, content):
        return False
    if found is None and unread:
        _create(path, content, made)
    elif found is None and str(path.parent) in made:  # a new file in a folder this run already made or saw
        _replace(path, content)
    else:
        _put(path, content, made)
    return True


def _create(path: Path, content: bytes, made: set[str]) -> None:
    """Write a file that is not there straight in, not beside and renamed (8 µs a file: ~0.5 CPU s of a 10k build).

    A file a crash cut short holds other bytes than the next build makes, which writes it again (no record of kept
    pages or of the engine names it with its size and time, so nothing takes it as done).
    """
    parent = str(path.parent)
    if parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        made.add(parent)
    try:
        with open(path, "xb") as handle:
            handle.write(content)
    except FileExistsError:  # there after all (made meanwhile, or a dangling link): replaced whole
        _replace(path, content)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(path)  # never a half-written file left behind by a failed write
        if exc.filename is None:  # a failed write (disk full, file size limit) names no file: the message must
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def _prune(target: Path, wanted: dict[str, bytes] | set[str]) -> list[str]:
    """Delete files that are no longer generated, then folders left empty (walked bottom-up, children first)."""
    removed = []
    top = os.fspath(target)
    for folder, dirs, names in os.walk(top, topdown=False):
        prefix = "" if folder == top else os.path.relpath(folder, top).replace(os.sep, "/") + "/"
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]  # never followed: removed like files
        for name in names + links:
            if prefix + name not in wanted:
                os.unlink(os.path.join(folder, name))
                removed.append(prefix + name)
        if folder != top and not os.listdir(folder):
            os.rmdir(folder)
    return sorted(removed)


def update_file(target: Path, rel: str, content: str | bytes, made: set[str]) -> bool:
    """Bring one generated file of the docs tree `target` up to date (written only when its bytes differ); True when written.

    `made`: folders this process already made or saw in this update (start with an empty set). Render workers write
    their pages with it as they go (`streamed` of `write_tree`), so the pages never all sit in one process. Only a
    build's generation calls this, under the build lock, before MkDocs reads the tree: a new file is written straight in.
    """
    return _update(target / rel, content if isinstance(content, bytes) else content.encode("utf-8"), made, unread=True)


def write_tree(files: dict[str, str | bytes], static_dirs: list[Path], target: Path, kept: set[str] | frozenset[str] = frozenset(),
               streamed: Mapping[str, bool] | None = None) -> Written:
    """Update `target` in place to hold exactly the content files plus `files`, `kept` and `streamed`; only changed files are written.

    `kept`: files already there from the last build; `streamed`: generated files already brought up to date with
    `update_file` (path → whether written), which count as generated ones: a content file of the same path is not
    written over them.
    """
    streamed = streamed or {}
    wanted = desired_files(files, static_dirs)
    for rel in streamed.keys() & wanted.keys():
        if rel in files:
            raise ValueError(f"generated twice: {rel}")  # a bug in the pipeline, never bad data
        del wanted[rel]
    target.mkdir(parents=True, exist_ok=True)
    done = Written()
    made: set[str] = set()
    for rel in sorted(wanted):
        if _update(target / rel, wanted[rel], made):
            done.changed.append(rel)
    if streamed:
        done.changed = sorted(done.changed + [rel for rel, written in streamed.items() if written])
    done.removed = _prune(target, wanted.keys() | kept | streamed.keys())
    return done


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


def recover_dir(target: Path) -> None:
    """Undo a swap cut short between its two renames: bring `.<name>.old` back if `target` is missing."""
    old = target.with_name(f".{target.name}.old")
    if not target.exists() and old.is_dir():
        old.rename(target)


@contextmanager
def build_lock(*places: Path) -> Iterator[None]:
    """Hold an exclusive lock per place (build dir, site dir) so two builds at once run one after the other."""
    waited = False
    with ExitStack() as stack:
        for place in sorted({p.resolve() for p in places}):  # one order everywhere: no deadlock
            place.parent.mkdir(parents=True, exist_ok=True)
            lock = place.with_name(f".{place.name}.lock")
            handle = stack.enter_context(open(lock, "a+b"))  # noqa: SIM115
            if fcntl is not None:  # no lock on Windows; the swap itself is still whole-or-nothing
                waited = _wait_for(handle.fileno(), lock, say=not waited) or waited
        yield


def _wait_for(descriptor: int, lock: Path, say: bool) -> bool:
    """Take the lock, saying once (`say`) on stderr when another build holds it; True when it had to wait.

    A build that was killed holds no lock: the kernel releases `flock` locks when their process dies.
    """
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        if say:  # without it a waiting build looks hung
            print(f"다른 빌드가 진행 중이라 끝나기를 기다립니다 (잠금: {lock}) (waiting for another build to finish)", file=sys.stderr, flush=True)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        return True


def remove_stale(parent: Path, prefix: str) -> None:
    """Delete leftovers of killed or failed builds (`.site-tmp-…`); call only while holding the build lock."""
    for path in parent.glob(prefix + "*"):
        if path.is_symlink() or not path.is_dir():
            with suppress(OSError):
                path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)


# Folders a build makes beside the site while it runs (`-tmp-`: MkDocs' output, `-shards-`: assemble's staging).
TEMPORARY = ("-tmp-", "-shards-")


@contextmanager
def publishing(build_dir: Path, site_dir: Path) -> Iterator[None]:
    """Hold the build lock while the body writes; if it fails with an OSError, put the previous site back and remove temporaries."""
    with build_lock(build_dir, site_dir):
        try:
            yield
        except OSError:
            _clean_up(site_dir)
            raise


def _clean_up(site_dir: Path) -> None:
    """After a failed write (the lock held): the previous site back in place, this build's temporary folders gone."""
    with suppress(OSError):  # best effort: the error being raised is the one to report
        recover_dir(site_dir)
    for infix in TEMPORARY:
        with suppress(OSError):
            remove_stale(site_dir.resolve().parent, f".{site_dir.name}{infix}")


def place_problems(build_dir: Path, site_dir: Path) -> list[Problem]:
    """What stands where the site or the work folder must go, found before anything is written."""
    if site_dir.is_symlink():  # the swap would replace the link, or the whole folder it points to
        return [_place(site_dir, "누리집 폴더가 심볼릭 링크입니다: 링크가 가리키는 실제 폴더를 --site-dir 로 지정하세요", "폴더", "링크")]
    if site_dir.exists() and not site_dir.is_dir():
        return [_place(site_dir, "누리집 폴더 자리에 파일이 있습니다: 파일을 옮기거나 --site-dir 로 다른 폴더를 지정하세요", "폴더", "파일")]
    if build_dir.exists() and not build_dir.is_dir():
        return [_place(build_dir, "작업 폴더 자리에 파일이 있습니다: 파일을 옮기거나 --build-dir 로 다른 폴더를 지정하세요", "폴더", "파일")]
    locked = _read_only(site_dir)
    if locked is not None:
        return [_place(locked, "이전 누리집의 폴더에 쓰기 권한이 없어 바꿀 수 없습니다: 권한을 고치거나 --site-dir 로 다른 폴더를 지정하세요",
                       "쓸 수 있는 폴더", "읽기 전용")]
    return []


def _place(path: Path, message: str, expected: str, found: str) -> Problem:
    """A problem with the place a build writes to."""
    return Problem(str(path), 1, 1, "", message, expected, found)


def _read_only(site_dir: Path) -> Path | None:
    """The first folder of the previous site (or its parent) that cannot be changed: the swap, or removing the old site, would fail halfway."""
    if not site_dir.is_dir():
        return None
    if not os.access(site_dir.parent, os.W_OK | os.X_OK):
        return site_dir.parent
    for folder, _, _ in os.walk(site_dir):
        if not os.access(folder, os.W_OK | os.X_OK):
            return Path(folder)
    return None


def replace_dir(new: Path, target: Path) -> None:
    """Move `new` to `target`; the old `target` disappears only after the new one is in place."""
    if target.is_dir() and _exchange(new, target):  # readers see the old site or the new one, never neither
        shutil.rmtree(new)
        return
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old)


def fresh_dir(parent: Path, prefix: str) -> Path:
    """A new empty folder beside the final one (same file system, so the swap is a rename)."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent)).resolve()
    folder.chmod(0o777 & ~current_umask())  # mkdtemp makes it 700; renamed into place as site/, a web server would get 403
    return folder


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def link_or_copy(source: str, target: str) -> None:
    """A hard link (sites are swapped in whole and never edited in place, so sharing a file is safe), or a copy where links fail."""
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        link_or_copy(source, target)
    except OSError:
        shutil.copy2(source, target)
