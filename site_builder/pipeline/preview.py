"""Live preview: regenerate the docs tree when data changes, while MkDocs serves it with reload.

A whole portal of over BIG_PORTAL projects is previewed differently: `mkdocs serve` would rebuild its navigation
over every file on each edit (40 s at 10,000 projects), so the preview is the site an incremental `build` makes in
`build/serve/` (a child process per edit), served with live reload; the edited organisation is shown first from a
build of it alone (pipeline/quickview.py).

With `orgs` (`serve --only-org`) the preview is those organisations as a site of their own: only their project
files are read (as a shard's), so on a portal of 10,000 projects an edit shows in about as long as on a small one.
Their pages are the ones a whole build makes; the portal-wide pages (home, all projects, search) hold them alone.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Collection
from pathlib import Path

from ..engine import seam
from ..engine.config import config_text
from ..render.reuse import PageReuse
from ..write.tree import write_tree
from .quickview import QuickView
from .run import Options, Paths, prepare

POLL_SECONDS = 0.1  # save → page ≈ poll + regenerate (~1 s on the seeds) + MkDocs --dirty (its own poll: engine/live.py)
BIG_PORTAL = 2_000  # projects: above this, a whole-portal preview is the site incremental builds make (`serve_built`)


def _snapshot(dirs: list[Path]) -> tuple[tuple[str, int], ...]:
    """Modification times of every file under the watched directories (plain strings: pathlib costs a second at 10,000 files)."""
    found: list[tuple[str, int]] = []
    for top in dirs:
        if top.is_file():
            found.append((str(top), top.stat().st_mtime_ns))
        for here, _, names in os.walk(top):
            for name in names:
                path = os.path.join(here, name)
                try:
                    found.append((path, os.stat(path).st_mtime_ns))
                except OSError:  # removed between the listing and the stat: the next snapshot sees it gone
                    continue
    return tuple(sorted(found))


def regenerate(paths: Paths, orgs: Collection[str] = ()) -> bool:
    """Validate and rewrite the docs tree (`orgs`: those organisations alone); on errors print them and keep the last good pages."""
    reuse = PageReuse(paths.cache_dir, paths.docs_dir)  # pages of organisations the edit did not touch stay as they are
    options = Options(orgs=frozenset(orgs), reuse=reuse, alone=True) if orgs else Options(reuse=reuse)
    prepared = prepare(paths, options)  # the pipeline `build` runs, git history included
    checked = prepared.checked
    for problem in checked.problems:
        print(problem.format(), file=sys.stderr)
    if checked.portal is None or prepared.files is None:
        print(f"오류 {len(checked.problems)}건: 미리 보기는 마지막으로 성공한 내용을 보여 줍니다.", file=sys.stderr)
        return False
    written = write_tree(prepared.files, [paths.content_dir], paths.docs_dir, reuse.kept)
    reuse.remember()
    config = config_text(checked.portal.only(orgs) if orgs else checked.portal, paths.root)
    if not paths.config.exists() or paths.config.read_text(encoding="utf-8") != config:  # an unchanged config is not touched
        paths.config.write_text(config, encoding="utf-8")
    print(f"다시 만들었습니다 (바뀐 파일 {len(written.changed)}개, 지운 파일 {len(written.removed)}개).", file=sys.stderr)
    return True


def watched(paths: Paths, orgs: Collection[str]) -> list[Path]:
    """What the preview watches: the data (with `orgs`, those organisations' folders and site.yaml) and content/."""
    if not orgs:
        return [paths.data_dir, paths.content_dir]
    return [paths.data_dir / org for org in sorted(orgs)] + [paths.data_dir / "site.yaml", paths.content_dir]


def project_files(data_dir: Path) -> int:
    """How many project files the data folder has (`<org>/<year>/projects/*.yaml`), from names alone."""
    return sum(1 for _ in data_dir.glob("*/*/projects/*.yaml")) if data_dir.is_dir() else 0


def serve_built(paths: Paths, address: str) -> int:
    """Preview a whole big portal: the site incremental `build`s make in `build/serve/`, an edited organisation shown first from a build of it alone."""
    view = QuickView(paths, paths.build_dir / "serve")
    print(f"사업이 많은 누리집이라 고칠 때마다 바뀐 부분만 다시 빌드해서 보여 줍니다 ({view.site}). 고친 기관의 페이지가 먼저 "
          "바뀌고, 첫 화면·전체 사업·검색은 전체 빌드가 끝나면 바뀝니다.", file=sys.stderr)
    dirs = [paths.data_dir, paths.content_dir]
    view.build_whole()
    if not (view.site / "index.html").is_file():
        return 1
    view.stamp.mkdir(parents=True, exist_ok=True)
    stamp = os.path.join(os.path.abspath(view.stamp), "")

    def rebuild(changed: set[str]) -> None:
        """What the server runs with the changed files' paths (a finished whole build writes its stamp: browsers reload, nothing to build)."""
        changed = {path for path in changed if not path.startswith(stamp)}
        if changed:
            view.on_change(changed)

    print(f"미리 보기: http://{address}/  (끝내려면 Ctrl+C)", file=sys.stderr)
    seam.serve_site(view.view, address, [*dirs, view.stamp], rebuild)
    return 0


def serve(paths: Paths, address: str, orgs: Collection[str] = ()) -> int:
    """Serve with live reload until interrupted (`orgs`: a preview of those organisations alone)."""
    if not orgs and project_files(paths.data_dir) > BIG_PORTAL:
        return serve_built(paths, address)
    if not regenerate(paths, orgs) and not paths.docs_dir.exists():
        return 1
    process = seam.serve(paths.config, address, sum(len(names) for _, _, names in os.walk(paths.docs_dir)))
    print(f"미리 보기: http://{address}/  (끝내려면 Ctrl+C)", file=sys.stderr)
    dirs = watched(paths, orgs)
    last = _snapshot(dirs)
    try:
        while process.poll() is None:
            time.sleep(POLL_SECONDS)
            now = _snapshot(dirs)
            if now != last:
                last = now
                regenerate(paths, orgs)
    finally:
        process.terminate()
    return process.returncode or 0
