"""Browser libraries installed from npm at set-up time (`make setup` → `npm ci`), copied into the docs tree; never a CDN."""

from __future__ import annotations

from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
TARGET = "assets/vendor"
# (file under node_modules, name in the site): the sort library and its number parser, with the licence.
FILES = [
    ("tablesort/dist/tablesort.min.js", "tablesort/tablesort.min.js"),
    ("tablesort/dist/sorts/tablesort.number.min.js", "tablesort/tablesort.number.min.js"),
    ("tablesort/LICENCE", "tablesort/LICENCE.txt"),
]
_MISSING = b"/* tablesort is not installed: run `make setup` (npm ci). Tables stay readable and pre-sorted. */\n"


def vendor_files(node_modules: Path = NODE_MODULES) -> dict[str, bytes]:
    """The vendored files keyed by docs-tree path; a harmless stub for each one `make setup` has not installed."""
    files = {}
    for source, name in FILES:
        path = node_modules / source
        files[f"{TARGET}/{name}"] = path.read_bytes() if path.is_file() else _MISSING
    return files
