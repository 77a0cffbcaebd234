"""The one-pass YAML reader over libyaml's events: data and positions together; anything unusual goes back to the guarded loader (source.py)."""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


# Limits that keep a typo or a hostile file from stalling the build (the largest real plan is ~60 KB).
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
# Explicit tags staff may write (`!!str 2024`); anything else (`!!python/object`, `!foo`) is refused.
SAFE_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")} | {"!"}


# Characters no published text may hold: control characters other than tab and line breaks (the YAML reader
# refuses them raw, not as `"\x07"` escapes); direction overrides and invisible characters, which make a title read
# differently from what it is and defeat search (both allowed raw by YAML); lone surrogates (`"\ud800"`), which no
# file can be written with.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
INVISIBLE_NAMES = {
    **dict.fromkeys("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u200e\u200f", "글 방향을 바꾸는 보이지 않는 문자"),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\u2065\ufeff", "폭이 없는 보이지 않는 문자"),
}


CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)  # libyaml, when PyYAML was built with it


class _Fallback(Exception):
    """The fast reader met something it leaves to the guarded loader (which words the exact problem)."""


_RESOLVER = yaml.resolver.Resolver()


_IMPLICIT_FIRST = frozenset(yaml.resolver.Resolver.yaml_implicit_resolvers)  # first characters of non-text plain scalars


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


_STR_TAG = "tag:yaml.org,2002:str"
# Plain scalars that YAML 1.1 (PyYAML) reads as numbers nobody meant: octal 010 → 8, base 60 33:44 → 2024, 0x5, 0b1, 1_000.
YAML11_NUMBER = re.compile(r"^[-+]?(?:0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[0-9][0-9]*_[0-9_]*)$")
# Plain words YAML 1.1 reads as booleans (YAML 1.2 reads them as text): `yes`, `on` → true, `no`, `off` → false.
YAML11_BOOL = re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$")


def _fast_scalar(event: Any) -> Any:
    """The value of a scalar event as the guarded loader constructs it; explicit tags other than `!!str` fall back."""
    value, tag = event.value, event.tag
    if tag == _STR_TAG:
        return value
    if tag is not None and tag != "!":
        raise _Fallback(tag)
    if not event.implicit[0] or value[:1] not in _IMPLICIT_FIRST:
        return value  # quoted, block, or plain text that cannot be a number, date, bool or null
    if YAML11_NUMBER.match(value) or YAML11_BOOL.match(value):
        raise _Fallback("YAML 1.1 number or boolean")  # the guarded loader refuses it with the file's line
    return _plain_value(value)


@functools.lru_cache(maxsize=1 << 16)
def _plain_value(value: str) -> Any:
    """A plain scalar as the resolver and SafeConstructor read it (all such values are immutable, so shared)."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR_TAG:
        return value
    node = yaml.ScalarNode(tag, value)
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)


def _start(event: Any) -> tuple[int, int]:
    """1-based line and column where an event starts."""
    return event.start_mark.line + 1, event.start_mark.column + 1


_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _FastReader:
    """One pass over libyaml's events building data and positions; anything unusual raises `_Fallback`.

    One loop with the open collections on a stack (this runs for every value of every file, so it avoids calls).
    """

    def __init__(self) -> None:
        self.positions: dict[Path_, tuple[int, int]] = {}

    def read(self, parser: Any) -> Any:
        """The document's data (None for an empty stream); positions are left in `self.positions`."""
        get = parser.get_event
        get()  # stream start
        if isinstance(get(), yaml.StreamEndEvent):
            return None
        root = self._document(get)
        if not isinstance(get(), yaml.DocumentEndEvent) or not isinstance(get(), yaml.StreamEndEvent):
            raise _Fallback("more than one document")
        return root

    def _document(self, get: Any) -> Any:
        """Read the document's root node and everything inside it."""
        positions = self.positions
        event = get()
        value, opened = self._value(event)
        positions[()] = _start(event)
        if not opened:
            return value
        root = value
        # The open collection: its container, location, and for a mapping the key waiting for its value.
        stack: list[tuple[Any, Path_, Any, tuple[int, int] | None]] = []
        loc: Path_ = ()
        key: Any = _NO_KEY
        key_at: Any = None
        container = value
        while True:
            event = get()
            kind = type(event)
            if kind in _ENDS:
                if not stack:
                    return root
                container, loc, key, key_at = stack.pop()
                continue
            if key is _NO_KEY and type(container) is dict:  # a mapping key
                if kind is not _SCALAR or event.anchor is not None:
                    raise _Fallback("key")
                key = _fast_scalar(event)
                if key in container:
                    raise _Fallback("duplicate")
                key_at = _start(event)
                continue
            value, opened = self._value(event)
            here: Path_
            if type(container) is dict:
                here = loc + (key,)
                positions[here] = key_at
                container[key] = value
                key = _NO_KEY
            else:
                here = loc + (len(container),)
                positions[here] = _start(event)
                container.append(value)
            if opened:
                if len(stack) >= MAX_DEPTH - 2:
                    raise _Fallback("depth")
                stack.append((container, loc, key, key_at))
                container, loc, key, key_at = value, here, _NO_KEY, None

    @staticmethod
    def _value(event: Any) -> tuple[Any, bool]:
        """A value node: (its scalar value, False) or (a new empty collection, True)."""
        if event.anchor is not None or type(event) not in (_SCALAR, _MAP_START, _SEQ_START):
            raise _Fallback("anchor or alias")
        if type(event) is _SCALAR:
            if CONTROL.search(event.value):
                raise _Fallback("control character")
            return _fast_scalar(event), False
        if event.tag is not None and event.tag not in SAFE_TAGS:
            raise _Fallback(event.tag)
        return ({} if type(event) is _MAP_START else []), True


_NO_KEY = object()


def _fast_load(text: str) -> tuple[Any, dict[Path_, tuple[int, int]]] | None:
    """Data and positions from libyaml in one pass, or None when the guarded loader must read the file."""
    if CParser is None:
        return None
    parser = CParser(text)
    reader = _FastReader()
    try:
        return reader.read(parser), reader.positions
    except Exception:  # noqa: BLE001 - refused features and syntax errors get their exact message from the slow path
        return None
    finally:
        parser.dispose()


def fast_load(text: str) -> tuple[Any, dict[Path_, tuple[int, int]]] | None:
    """Data and positions of a YAML text when it is ordinary (None: read it with a full loader)."""
    return _fast_load(text)
