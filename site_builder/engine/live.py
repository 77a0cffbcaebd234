"""`mkdocs serve` with the docs tree polled as often as its size allows (run by `seam.serve` as a child process).

MkDocs polls the docs tree every 0.5 s, a quarter of the 2 s an edit may take to show. A preview of one
organisation (`serve --only-org`) has a few hundred files, cheap to poll every 0.1 s; a whole portal of 10,000
projects has ~57,000, and polling them that often would keep a core busy, so it stays at 0.5 s.

    python -m site_builder.engine.live SECONDS mkdocs-serve-arguments…
"""

from __future__ import annotations

import functools
import sys


def run(poll: float, arguments: list[str]) -> None:
    """Run `mkdocs serve arguments…` with a file poll of `poll` seconds (exits as MkDocs' command line does)."""
    from mkdocs import __main__ as mkdocs_cli
    from mkdocs.commands import serve

    serve.LiveReloadServer = functools.partial(serve.LiveReloadServer, polling_interval=poll)  # type: ignore[misc, assignment]
    mkdocs_cli.cli(["serve", *arguments], prog_name="mkdocs")


if __name__ == "__main__":
    run(float(sys.argv[1]), sys.argv[2:])
