"""Live-reload serving: `mkdocs serve` polling as often as the docs tree allows, or a site our builds keep up to date.

`run` (started by `seam.serve` as a child process) is `mkdocs serve` with its poll set; `serve_site` serves a site
that our own incremental builds update (a whole big portal). MkDocs polls the docs tree every 0.5 s, a quarter of the 2 s an edit may take to show. A preview of one
organisation (`serve --only-org`) has a few hundred files, cheap to poll every 0.1 s; a whole portal of 10,000
projects has ~57,000, and polling them that often would keep a core busy, so it stays at 0.5 s.

    python -m site_builder.engine.live SECONDS mkdocs-serve-arguments…
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler


def run(poll: float, arguments: list[str]) -> None:
    """Run `mkdocs serve arguments…` with a file poll of `poll` seconds (exits as MkDocs' command line does)."""
    from mkdocs import __main__ as mkdocs_cli
    from mkdocs.commands import serve

    serve.LiveReloadServer = functools.partial(serve.LiveReloadServer, polling_interval=poll)  # type: ignore[misc, assignment]
    mkdocs_cli.cli(["serve", *arguments], prog_name="mkdocs")


def serve_site(site_dir: Path, address: str, watched: list[Path], rebuild: Callable[[set[str]], None], poll: float) -> None:
    """Serve `site_dir` at `address` until Ctrl+C; when `watched` files change, run `rebuild` with their paths (it updates the site), then reload open pages.

    MkDocs' live-reload server does the serving, the file watching and the reload script; the site is whatever
    `rebuild` leaves, so the preview is the published site, byte for byte.
    """
    from mkdocs.livereload import LiveReloadServer

    host, port = address.rsplit(":", 1)
    changes = _Changes()
    server = LiveReloadServer(builder=lambda: rebuild(changes.take()), host=host, port=int(port), root=str(site_dir), polling_interval=poll)
    server.observer = _observer(server.observer)
    for path in watched:
        if path.exists():
            server.watch(str(path))  # MkDocs' handler: a rebuild once the changes stop (its build delay, 0.1 s)
            server.observer.schedule(changes, os.path.abspath(path), recursive=True)  # the same watch: its paths, recorded at once
    try:
        server.serve()
    except KeyboardInterrupt:
        pass  # Ctrl+C: the preview ends
    finally:
        server.shutdown()


class _Changes(FileSystemEventHandler):
    """The paths of the files changed since the last `take` (a watchdog event handler)."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: set[str] = set()
        self.lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Record a changed file's path (and where it moved to); folders are not files MkDocs rebuilds for."""
        if event.is_directory:
            return
        with self.lock:
            self.paths.update(os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p)

    def take(self) -> set[str]:
        """The paths recorded since the last call."""
        with self.lock:
            paths, self.paths = self.paths, set()
        return paths


def _observer(polling: Any) -> Any:
    """The kernel's file events where there are (inotify on Linux), else MkDocs' polling observer.

    MkDocs polls: every `poll` seconds it lists and stats every watched file, ~0.1 s of CPU for a big portal's 10,000
    data files, and an edit waits half a poll on average before its build starts. Events come at once and cost nothing.
    """
    if not sys.platform.startswith("linux") or not os.path.isdir("/proc/sys/fs/inotify"):
        return polling
    from watchdog.observers.inotify import InotifyObserver

    class ChangesOnly(InotifyObserver):  # type: ignore[misc]
        """Events of files written, made, moved or removed: a build reading 10,000 data files opens each (no rebuild for that)."""

        def schedule(self, handler: Any, path: Any, *, recursive: bool = False, event_filter: Any = None, follow_symlink: bool = False) -> Any:
            """Watchdog's schedule, with the changing kinds of event only."""
            return super().schedule(handler, path, recursive=recursive, event_filter=event_filter or _changing_events(), follow_symlink=follow_symlink)

    return ChangesOnly()


def _changing_events() -> list[Any]:
    """The kinds of file event that change what a build reads."""
    from watchdog import events

    return [events.FileCreatedEvent, events.FileModifiedEvent, events.FileMovedEvent, events.FileDeletedEvent, events.FileClosedEvent,
            events.DirCreatedEvent, events.DirMovedEvent, events.DirDeletedEvent]


if __name__ == "__main__":
    run(float(sys.argv[1]), sys.argv[2:])
