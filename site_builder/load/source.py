"""Load stage: read YAML files keeping the line and column of every key and value."""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..base.digest import bytes_digest
from ..base.problem import Problem, os_problem
from ..base.workers import mapped
from .fast import CONTROL, INVISIBLE_NAMES, MAX_DEPTH, MAX_FILE_BYTES, SAFE_TAGS, YAML11_BOOL, YAML11_NUMBER, CParser, Path_, fast_load
from .memo import ParseMemo, pack_data, pack_positions, unpack_data, unpack_positions


@dataclass
class SourceFile:
    """One loaded data file: its data and where each value stands."""

    path: Path
    display: str
    kind: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    digest: str = ""  # SHA-256 of the bytes read (base/digest.bytes_digest): the build's fingerprints use it
    packed: bytes | None = field(default=None, repr=False, compare=False)  # positions as the parse memo keeps them, unpacked when asked

    _id_lines: dict[Any, int] | None = field(default=None, init=False, repr=False, compare=False)

    def line_of_id(self, ident: str) -> int:
        """Line of the mapping whose `id` is `ident` (1 when not found)."""
        if self._id_lines is None:  # findings ask for many ids of one plan file: index them once
            self._id_lines = {}
            for loc, _ in self._id_locs():
                ident_here = self._get(loc).get("id")
                if _hashable(ident_here):
                    self._id_lines.setdefault(ident_here, self.position(loc + ("id",))[0])
        return self._id_lines.get(ident, 1)

    def _id_locs(self) -> list[tuple[Path_, Any]]:
        """Locations of every mapping that has an `id` key."""
        return [(loc, None) for loc in self.where() if isinstance(self._get(loc), dict) and "id" in self._get(loc)]

    def _get(self, loc: Path_) -> Any:
        """The value at a location."""
        node = self.data
        for part in loc:
            node = node[part]
        return node

    def where(self) -> dict[Path_, tuple[int, int]]:
        """Every value's line and column by location (unpacked from the parse memo on first use)."""
        if self.packed is not None:
            try:
                self.positions = unpack_positions(self.packed)
            except (ValueError, EOFError, TypeError):  # a planted entry that passed the memo's checks: lines unknown, not a crash
                self.positions = {}
            self.packed = None
        return self.positions

    def position(self, loc: Path_) -> tuple[int, int]:
        """Line and column of the deepest known part of `loc` (1-based)."""
        positions = self.where()
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in positions:
                return positions[loc[:cut]]
        return (1, 1)


def _hashable(value: Any) -> bool:
    """Whether a value can be a dict key (an `id` written as a list cannot)."""
    try:
        hash(value)
    except TypeError:
        return False
    return True


class RefusedYaml(yaml.MarkedYAMLError):
    """A YAML feature we refuse (anchors, aliases, custom tags, deep nesting), with a Korean reason."""


class _Guard(yaml.composer.Composer):
    """Composer that refuses anchors/aliases (no "billion laughs"), custom tags and deep nesting; mixed into a parser."""

    peek_event: Any  # from the parser it is mixed with (PyYAML's or libyaml's)

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        """Check each node's event before composing it."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise RefusedYaml("앵커·별칭", None, "앵커(&)와 별칭(*)은 쓸 수 없습니다 (값을 그대로 적으세요)", event.start_mark)
        if isinstance(event, yaml.ScalarEvent) and event.implicit[0] and (why := _yaml11_reading(event.value)):
            shown: Any = event.start_mark  # PyYAML's or libyaml's mark, both with line and column
            raise RefusedYaml(f"`{event.value}`", None, why, shown)
        if getattr(event, "value", None) in ("<<", "=") and isinstance(event, yaml.ScalarEvent) and event.implicit[0]:  # YAML 1.1 keys
            mark: Any = event.start_mark  # PyYAML's or libyaml's mark, both with line and column
            raise RefusedYaml(f"`{event.value}`", None, "`<<` 병합 키와 `=` 키는 쓸 수 없습니다 (값을 그대로 적거나, 글자 그대로라면 따옴표로 감싸세요)", mark)
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in SAFE_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise RefusedYaml(f"`{shown}`", None, "사용자 정의 태그는 쓸 수 없습니다 (`!!`나 `!`로 시작하는 표시를 지우세요)", event.start_mark)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise RefusedYaml(f"{MAX_DEPTH}단계 넘게 겹친 구조", None, f"구조가 너무 깊습니다 (최대 {MAX_DEPTH}단계)", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _GuardedLoader(_Guard, yaml.SafeLoader):
    """The pure-Python SafeLoader with the guard (its error messages are the tested ones)."""


_FastGuardedLoader: Any = None

if CParser is not None:

    class _FastLoader(_Guard, yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # type: ignore[misc]
        """libyaml's parser under the same guarded composer: several times faster on valid files."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            yaml.composer.Composer.__init__(self)

    _FastGuardedLoader = _FastLoader




def _yaml11_reading(value: str) -> str:
    """Why a plain value that YAML 1.1 reads as something other than it looks is refused ('' when it reads as written)."""
    if YAML11_NUMBER.match(value):
        return f"YAML 1.1에서 다른 수로 읽히는 값입니다 (`010`은 8, `33:44`는 2024, `0x5`는 5): 글자 그대로라면 따옴표로 감싸세요 ('{value}')"
    if YAML11_BOOL.match(value):
        return (f"YAML 1.1에서 참·거짓으로 읽히는 값입니다 (`yes`·`on`은 true, `no`·`off`는 false): "
                f"참·거짓이면 true나 false로, 글자 그대로라면 따옴표로 감싸세요 ('{value}')")
    return ""


def _character(ch: str) -> str:
    """`문자 #x202E (글 방향을 바꾸는 보이지 않는 문자)`: the code point, and in words what an invisible one does."""
    code = ord(ch)
    name = INVISIBLE_NAMES.get(ch) or ("짝이 없는 대리 문자: `\\ud800` 같은 이스케이프를 지우세요" if 0xD800 <= code <= 0xDFFF else "")
    return f"문자 #x{code:04X}" + (f" ({name})" if name else "")


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
        if control := CONTROL.search(node.value):  # spreadsheets and HTML cannot carry it, or it hides what the text says
            self.problems.append(Problem(self.display, *self.positions[loc], _dotted(loc), "쓸 수 없는 제어 문자가 있습니다", "글자·띄어쓰기·줄바꿈",
                                         _character(control.group(0))))
            return CONTROL.sub("", node.value)
        try:
            return self._scalars.construct_object(node)
        except (ValueError, yaml.YAMLError):  # `2024-13-01` looks like a date but is not one
            message = "값을 읽을 수 없습니다 (날짜처럼 보이면 따옴표로 감싸세요)"
            self.problems.append(Problem(self.display, *self.positions[loc], _dotted(loc), message, "글·숫자·날짜", f'"{node.value}"'))
            return node.value

    def _mapping(self, node: yaml.MappingNode, loc: Path_) -> dict[Any, Any]:
        """Convert a mapping; a key given twice is an error, not a silent overwrite."""
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode):  # `? [a, b]` keys cannot name a field
                self.problems.append(Problem(self.display, line, col, _dotted(loc), "항목 이름은 글이어야 합니다", "`이름: 값`", "목록이나 묶음"))
                continue
            key = self._scalars.construct_object(key_node)
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
    "found character '\\t'": "들여쓰기에 탭 문자를 쓸 수 없습니다 (띄어쓰기로 바꾸세요)",
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


def _read_bytes(path: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, refusing non-files and files over MAX_FILE_BYTES (before reading)."""
    if not path.is_file():
        return None, [Problem(display, 1, 1, "", "일반 파일이 아닙니다", "YAML 파일", "폴더·장치 등")]
    try:
        size = path.stat().st_size
        raw = path.read_bytes() if size <= MAX_FILE_BYTES else b""
    except OSError as exc:  # no read permission, a disk error: the file is named, no traceback
        return None, [os_problem(exc, display, "파일을 읽을 수 없습니다", "읽을 수 있는 파일 (권한을 확인하세요)")]
    if size > MAX_FILE_BYTES:
        return None, [Problem(display, 1, 1, "", f"파일이 너무 큽니다 (최대 {MAX_FILE_BYTES // (1024 * 1024)}MB)", f"{MAX_FILE_BYTES:,}바이트 이하", f"{size:,}바이트")]
    return raw, []


def _decoded(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """The file's text, refusing non-UTF-8."""
    try:
        return raw.decode("utf-8"), []  # a leading BOM (Windows editors) is accepted: YAML skips it
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        found = f"{raw[exc.start:exc.start + 1].hex().upper()} 바이트"
        return None, [Problem(display, line, col, "", "파일을 UTF-8로 읽을 수 없습니다 (편집기에서 UTF-8로 저장하세요; EUC-KR·CP949는 안 됩니다)", "UTF-8 글", found)]


def _compose(text: str, display: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML into a node tree: libyaml first; anything it refuses is read again by the pure-Python loader."""
    if _FastGuardedLoader is not None:
        fast = _FastGuardedLoader(text)
        try:
            return fast.get_single_node(), []
        except Exception:  # noqa: BLE001 - the Python loader below gives the exact, tested error messages
            pass
        finally:
            fast.dispose()
    return _compose_python(text, display)


def _compose_python(text: str, display: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML into a node tree with the guarded loader; syntax errors become problems."""
    loader = None
    try:
        loader = _GuardedLoader(text)  # the reader refuses control characters already here
        return loader.get_single_node(), []
    except RefusedYaml as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(display, line, col, "", f"허용하지 않는 YAML 기능입니다: {exc.problem}", "평범한 값·목록·묶음", str(exc.context))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(display, line, col, "", "YAML 문법 오류입니다: " + _yaml_hint(str(exc.problem or exc.context)), "올바른 YAML", str(exc.problem or exc.context))]
    except yaml.reader.ReaderError as exc:  # control characters; the error has a position, not a mark
        line = text[: exc.position].count("\n") + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return None, [Problem(display, line, col, "", "YAML 문법 오류입니다: 쓸 수 없는 제어 문자가 있습니다", "글자·띄어쓰기·줄바꿈", f"문자 #x{exc.character:04X}")]
    finally:
        if loader is not None:
            loader.dispose()


# Files read ahead by `keep_shared`: (path, display, kind) → (the file's stat stamp, what `load_file` made of it).
_KEPT: dict[tuple[str, str, str], tuple[tuple[int, int, int], tuple[SourceFile | None, list[Problem]]]] = {}


def _stamp(path: Path) -> tuple[int, int, int]:
    """Size, modification time and inode of a file: a file saved since it was kept has another."""
    found = os.stat(path)
    return found.st_size, found.st_mtime_ns, found.st_ino


def keep_shared(root: Path) -> int:
    """Read site.yaml and every org.yaml and plan.yaml under `root` now and keep them for `load_file`; returns how many.

    A sharded build does this once before it forks its shards: each shard reads all of them (navigation and the
    cross-plan checks), about a fifth of a shard's check at 100,000 projects, and a forked child finds them here (a spawned one reads them).
    A file changed since (size, time or inode) is read again; one that cannot be read is simply not kept.
    """
    inside, kept = root.resolve(), 0
    paths = [(root / "site.yaml", "site")]
    for org in sorted(os.listdir(root)):
        if not org.startswith(".") and (root / org).is_dir():
            paths.append((root / org / "org.yaml", "organisation"))
            paths += [(root / org / year / "plan.yaml", "plan") for year in sorted(os.listdir(root / org)) if (root / org / year).is_dir()]
    for path, kind in paths:
        try:
            if path.is_file() and path.resolve().is_relative_to(inside):
                display = _rel(path, root)
                _KEPT[(os.fspath(path), display, kind)] = (_stamp(path), load_file(path, display, kind))
                kept += 1
        except OSError:
            continue
    return kept


def forget_shared() -> None:
    """Drop what `keep_shared` kept."""
    _KEPT.clear()


def load_file(path: Path, display: str, kind: str, memo: ParseMemo | None = None) -> tuple[SourceFile | None, list[Problem]]:
    """Read one YAML file; return it, or the problems that stopped it loading (`memo`: what files were read as before; `keep_shared`: one kept while unchanged)."""
    if _KEPT and (kept := _KEPT.get((os.fspath(path), display, kind))) is not None:
        try:
            if kept[0] == _stamp(path):
                return kept[1][0], list(kept[1][1])
        except OSError:
            pass  # gone since: read below, which says so
    raw, problems = _read_bytes(path, display)
    if raw is None:
        return None, problems
    digest = bytes_digest(raw)
    if memo is not None and (recalled := _recalled(memo, digest, path, display, kind)) is not None:
        return recalled, []
    source, problems = _parsed(raw, path, display, kind)
    if source is not None:
        source.digest = digest
        if memo is not None and not problems:
            memo.keep(digest, source.data, source.positions)
    return source, problems


def _recalled(memo: ParseMemo, digest: str, path: Path, display: str, kind: str) -> SourceFile | None:
    """The file as the memo kept a file of the same bytes (None when it has none, or one it cannot unpack)."""
    entry = memo.recall(digest)
    if entry is None:
        return None
    try:
        data = unpack_data(entry[0])
    except (ValueError, EOFError, TypeError):
        return None
    return SourceFile(path, display, kind, data, {}, digest, entry[1])


def _parsed(raw: bytes, path: Path, display: str, kind: str) -> tuple[SourceFile | None, list[Problem]]:
    """Parse a file's bytes: the one-pass reader, or the guarded loader for anything unusual (with the exact problems)."""
    text, problems = _decoded(raw, display)
    if text is None:
        return None, problems
    fast = fast_load(text)
    if fast is not None:
        if fast[0] is None:
            return None, [Problem(display, 1, 1, "", "파일이 비어 있습니다", "YAML 매핑", "빈 파일")]
        return SourceFile(path, display, kind, fast[0], fast[1]), []
    node, problems = _compose(text, display)
    if problems:
        return None, problems
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
    progress: list[SourceFile] = field(default_factory=list)  # progress reports (progress/*.yaml), oldest file name first
    documents: list[Path] = field(default_factory=list)  # the official files (documents/*.hwp|hwpx|pdf|txt), by name


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


# From this many project files, they are read by worker processes (one per core): parsing is most of the
# reading, and a parsed file travels back pickled at about a third of what parsing it costs.
PARALLEL_MIN_FILES = 400


def load_data(root: Path, orgs: Collection[str] | None = None, memo: ParseMemo | None = None) -> tuple[DataSet, list[Problem]]:
    """Read every data file under `root` (site.yaml, <org>/org.yaml, <org>/<year>/…); with `orgs`, project files of those folders only.

    `memo`: what files were read as in the last build (`build/cache/parsed/`): files with the same bytes are not parsed
    again, and what this load read is kept for the next (the entries of files no longer read are dropped).
    """
    problems: list[Problem] = []
    inside = root.resolve()

    def read(path: Path, kind: str) -> SourceFile | None:
        loaded, found = _read(path, kind, root, inside, memo)
        problems.extend(found)
        return loaded

    site_path = root / "site.yaml"
    site = read(site_path, "site") if site_path.exists() else None
    if not site_path.exists():
        problems.append(Problem(_rel(site_path, root), 1, 1, "", "사이트 설정 파일이 없습니다", "data/site.yaml", "없음"))
    plans: list[tuple[PlanFiles | None, list[Path]]] = []
    for org_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not org_dir.resolve().is_relative_to(inside):  # a linked folder would publish files from elsewhere
            problems.append(Problem(_rel(org_dir, root) + "/", 1, 1, "", "데이터 폴더 밖을 가리키는 링크입니다", "data/ 안의 폴더", "링크"))
            continue
        plans.extend(_load_org(org_dir, root, read, problems, orgs is None or org_dir.name in orgs))
    _read_projects(plans, root, inside, problems, memo)
    if memo is not None:
        memo.save()
    return DataSet(site, [files for files, _ in plans if files]), problems


def _read(path: Path, kind: str, root: Path, inside: Path, memo: ParseMemo | None = None) -> tuple[SourceFile | None, list[Problem]]:
    """One data file under `root` (resolved: `inside`), or the problems that stopped it loading."""
    if not path.resolve().is_relative_to(inside):  # a link may not publish files from elsewhere
        return None, [Problem(_rel(path, root), 1, 1, "", "데이터 폴더 밖을 가리키는 링크입니다", "data/ 안의 파일", "링크")]
    return load_file(path, _rel(path, root), kind, memo)


def _read_projects(plans: list[tuple[PlanFiles | None, list[Path]]], root: Path, inside: Path, problems: list[Problem],
                   memo: ParseMemo | None = None) -> None:
    """Read every plan's project files, all together, into its PlanFiles: those the memo knows here, the rest in workers when many."""
    paths = [path for _, mine in plans for path in mine]
    knowns = _recalled_files(paths, root, inside, memo) if memo is not None and memo.knows_any() else [None] * len(paths)
    todo = [path for path, known in zip(paths, knowns, strict=True) if known is None]
    parsed, recalled = iter(mapped(lambda path: _packed_read(path, root, inside), todo, PARALLEL_MIN_FILES)), iter(knowns)
    for files, mine in plans:
        for _ in mine:
            known = next(recalled)
            source, found = (known, []) if known is not None else _unpacked(next(parsed), memo)
            problems.extend(found)
            if source and files:
                files.projects.append(source)


Packed = tuple[SourceFile | None, bytes | None, list[Problem]]


def _packed_read(path: Path, root: Path, inside: Path) -> Packed:
    """A project file read (perhaps in a worker) with its data and positions as marshal bytes when it loaded without a problem.

    Bytes travel back from a worker at a fraction of what pickling the values costs, the parse memo keeps them as
    they are, and positions are unpacked only when a message needs a line (SourceFile.where).
    """
    source, found = _read(path, "project", root, inside)
    if source is None or found:
        return source, None, found
    try:
        data, source.packed = pack_data(source.data), pack_positions(source.positions)
    except ValueError:  # what marshal cannot store even tagged: travels as it is, and is not kept
        return source, None, found
    source.data, source.positions = None, {}
    return source, data, found


def _unpacked(read: Packed, memo: ParseMemo | None) -> tuple[SourceFile | None, list[Problem]]:
    """A file `_packed_read` read, its data unpacked; kept in the parse memo when it loaded without a problem."""
    source, data, found = read
    if source is not None and data is not None:
        source.data = unpack_data(data)
        if memo is not None:
            memo.keep_packed(source.digest, data, source.packed or b"")
    return source, found


def _recalled_files(paths: list[Path], root: Path, inside: Path, memo: ParseMemo) -> list[SourceFile | None]:
    """Project files as the memo kept their bytes; None for a file it does not know, a link, or anything unusual (read as usual)."""
    folders: dict[Path, str | None] = {}  # each folder resolved once: a plain file's place is its folder's
    found = []
    for path in paths:
        folder = path.parent
        if folder not in folders:
            folders[folder] = _rel(folder, root) if folder.resolve().is_relative_to(inside) else None
        shown = folders[folder]
        found.append(None if shown is None else _recalled_file(path, f"{shown}/{path.name}", memo))
    return found


def _recalled_file(path: Path, display: str, memo: ParseMemo) -> SourceFile | None:
    """A plain file as the memo kept its bytes (None: read it the usual way, which words any problem)."""
    try:
        found = os.lstat(path)
        if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_FILE_BYTES:  # links, folders, devices, big files
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    return _recalled(memo, bytes_digest(raw), path, display, "project")


def _name_key(stem: str) -> str:
    """A file name as case-insensitive file systems (Windows, macOS) and full-width input see it."""
    return unicodedata.normalize("NFKC", stem).casefold()


def _ending(folder: Path, ending: str) -> list[Path]:
    """The entries of `folder` whose names end so, sorted (as `sorted(folder.glob("*" + ending))`, without pathlib's cost: 2,000 plans × 4 globs took seconds)."""
    try:
        names = os.listdir(folder)
    except OSError:  # missing, not a folder, or unreadable: as glob, nothing
        return []
    return [folder / name for name in sorted(names) if name.endswith(ending)]


def _unread_yml(year_dir: Path, root: Path, here_only: bool = False) -> list[Problem]:
    """Data files saved as `.yml`: never read, so without this a project would silently have no page."""
    found = _ending(year_dir, ".yml") + ([] if here_only else _ending(year_dir / "projects", ".yml"))
    return [Problem(_rel(p, root), 1, 1, "", "확장자가 .yml인 파일은 읽지 않습니다 (파일 이름을 .yaml로 바꾸세요)", f"{p.stem}.yaml", p.name) for p in found]


DOCUMENT_TYPES = {".hwp": "HWP", ".hwpx": "HWPX", ".pdf": "PDF", ".txt": "텍스트"}
MAX_DOCUMENT_BYTES = 30 * 1024 * 1024  # an official plan with its tables and images; beyond this it is not a plan


def _documents(folder: Path, root: Path, inside: Path, problems: list[Problem]) -> list[Path]:
    """A plan's official files (`documents/`): known types, inside data/, within the size limit; the rest are problems."""
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        shown, size = _rel(path, root), path.stat().st_size if path.is_file() else 0
        if path.name.startswith(".") or path.is_dir():
            continue
        if not path.resolve().is_relative_to(inside) or not path.is_file():
            problems.append(Problem(shown, 1, 1, "", "원문 파일이 아니거나 데이터 폴더 밖을 가리킵니다", "documents/ 안의 파일", path.name))
        elif path.suffix.lower() not in DOCUMENT_TYPES:
            problems.append(Problem(shown, 1, 1, "", "원문 파일로 싣지 않는 형식입니다", "HWP·HWPX·PDF·텍스트(.txt)", path.suffix or path.name))
        elif size > MAX_DOCUMENT_BYTES:
            problems.append(Problem(shown, 1, 1, "", f"원문 파일이 너무 큽니다 (최대 {MAX_DOCUMENT_BYTES // (1024 * 1024)}MB)",
                                    f"{MAX_DOCUMENT_BYTES:,}바이트 이하", f"{size:,}바이트"))
        else:
            found.append(path)
    return found


def _name_collisions(paths: list[Path], root: Path) -> list[Problem]:
    """Project files whose names differ only in case or character width (`p1.yaml`, `P1.yaml`, `ｐ1.yaml`)."""
    seen: dict[str, Path] = {}
    out = []
    for path in paths:
        key = _name_key(path.stem)
        if key in seen:
            out.append(Problem(_rel(path, root), 1, 1, "", "대소문자나 전각·반각만 다른 파일 이름이 겹칩니다 (Windows·macOS에서는 같은 파일입니다)",
                               "서로 다른 파일 이름", f"`{seen[key].name}`, `{path.name}`"))
        seen.setdefault(key, path)
    return out


def _load_org(org_dir: Path, root: Path, read: Any, problems: list[Problem], with_projects: bool = True) -> list[tuple[PlanFiles | None, list[Path]]]:
    """Read one organisation directory and its plan files, with the project files to read for each plan (none without `with_projects`: a shard)."""
    org_path = org_dir / "org.yaml"
    if not org_path.exists():
        problems.append(Problem(_rel(org_path, root), 1, 1, "", "기관 파일이 없습니다", "org.yaml", "없음"))
        return []
    org = read(org_path, "organisation")
    out: list[tuple[PlanFiles | None, list[Path]]] = []
    for year_dir in sorted(p for p in org_dir.iterdir() if p.is_dir()):
        plan_path = year_dir / "plan.yaml"
        if not plan_path.exists():
            problems.append(Problem(_rel(plan_path, root), 1, 1, "", "계획 파일이 없습니다", "plan.yaml", "없음"))
            continue
        plan = read(plan_path, "plan")
        paths = _ending(year_dir / "projects", ".yaml")
        problems.extend(_name_collisions(paths, root) + _unread_yml(year_dir, root))
        files = PlanFiles(org, plan, [], {p.stem for p in paths}) if org and plan else None
        reports = [read(p, "progress") for p in _ending(year_dir / "progress", ".yaml")] if with_projects else []
        problems.extend(_unread_yml(year_dir / "progress", root, here_only=True))
        if files:
            files.progress = [r for r in reports if r is not None]
            files.documents = _documents(year_dir / "documents", root, root.resolve(), problems) if with_projects else []
        out.append((files, paths if with_projects else []))  # read even without a plan: their errors are shown too
    return out
