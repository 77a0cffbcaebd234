"""What a child process is handed by its parent: the module constants a forked child would simply inherit.

A spawned child (macOS, Windows, or a parent with other threads alive: `workers.can_fork` is False) imports our
modules afresh, so any constant the parent holds at another value than its source says (a setting changed at run
time, a test's monkeypatch) would differ in the child: a shard would then not split the all-projects table as the
assembly in the parent does, and link to pages nobody makes. `constants()` takes the parent's, `adopt()` sets them in
the child, so a spawned child works from what a forked one would. Only plain values (numbers, strings, tuples of
them): anything else is made by code, which the child runs too.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

PACKAGE = "site_builder"
_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*")  # public constants only: a private `_CACHE` is per process by design
_PLAIN = (bool, int, float, str, bytes, type(None))

Constants = dict[str, dict[str, Any]]  # module → constant → value


def _plain(value: Any) -> bool:
    """Whether a value is plain data that means the same in any process (never an object made by code)."""
    if type(value) in (tuple, frozenset):
        return all(_plain(item) for item in value)
    return type(value) in _PLAIN


def constants(package: str = PACKAGE) -> Constants:
    """The plain constants of every module of `package` loaded in this process, as they are now."""
    found: Constants = {}
    for name, module in sorted(sys.modules.items()):
        if module is not None and (name == package or name.startswith(package + ".")) and not name.endswith(".__main__"):  # running it is the command
            values = {key: value for key, value in vars(module).items() if _CONSTANT.fullmatch(key) and _plain(value)}
            if values:
                found[name] = values
    return found


def adopt(handed: Constants) -> None:
    """Set the parent's constants in this process (modules it has not loaded yet are imported first)."""
    for name, values in handed.items():
        module = importlib.import_module(name)
        for key, value in values.items():
            if getattr(module, key, None) != value:
                setattr(module, key, value)
