"""Live preview: regenerate the docs tree when data changes, while MkDocs serves it with reload."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ..engine import seam
from ..engine.config import config_text
from ..render.reuse import PageReuse
from ..write.tree import write_tree
from .run import Options, Paths, prepare

POLL_SECONDS = 0.1  # save → page ≈ poll + regenerate (~1 s on the seeds) + MkDocs --dirty (its own 0.5 s poll)


def _snapshot(dirs: list[Path]) -> tuple[tuple[str, float], ...]:
    """Modification times of every file under the watched directories."""
    return tuple(sorted((str(p), p.stat().st_mtime) for d in dirs if d.exists() for p in d.rglob("*") if p.is_file()))


def regenerate(paths: Paths) -> bool:
    """Validate and rewrite the docs tree; on errors print them and keep the last good pages."""
    reuse = PageReuse(paths.cache_dir, paths.docs_dir)  # pages of organisations the edit did not touch stay as they are
    prepared = prepare(paths, Options(reuse=reuse))  # the pipeline `build` runs, git history included
    checked = prepared.checked
    for problem in checked.problems:
        print(problem.format(), file=sys.stderr)
    if checked.portal is None or prepared.files is None:
        print(f"오류 {len(checked.problems)}건: 미리 보기는 마지막으로 성공한 내용을 보여 줍니다.", file=sys.stderr)
        return False
    written = write_tree(prepared.files, [paths.content_dir], paths.docs_dir, reuse.kept)
    reuse.remember()
    config = config_text(checked.portal, paths.root)
    if not paths.config.exists() or paths.config.read_text(encoding="utf-8") != config:  # an unchanged config is not touched
        paths.config.write_text(config, encoding="utf-8")
    print(f"다시 만들었습니다 (바뀐 파일 {len(written.changed)}개, 지운 파일 {len(written.removed)}개).", file=sys.stderr)
    return True


def serve(paths: Paths, address: str) -> int:
    """Serve with live reload until interrupted."""
    if not regenerate(paths) and not paths.docs_dir.exists():
        return 1
    process = seam.serve(paths.config, address)
    print(f"미리 보기: http://{address}/  (끝내려면 Ctrl+C)", file=sys.stderr)
    watched = [paths.data_dir, paths.content_dir]
    last = _snapshot(watched)
    try:
        while process.poll() is None:
            time.sleep(POLL_SECONDS)
            now = _snapshot(watched)
            if now != last:
                last = now
                regenerate(paths)
    finally:
        process.terminate()
    return process.returncode or 0
