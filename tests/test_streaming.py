"""Pages and downloads written into the docs tree as they are made (pipeline/run.generate_into, render/markdown.streaming).

The files are those `generate` gives in memory, written by the workers that rendered them; a build that streams
(workers, one MkDocs part per core) gives the same docs tree and site, byte for byte, as a one-process build, also
after an edit (incremental) and with files to prune.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.write.tree import update_file, write_tree
from tests.conftest import DEMO_DATA, FIXTURE_DATA, ROOT


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_write_tree_keeps_streamed_files_and_prunes_the_rest(tmp_path: Path) -> None:
    docs, content = tmp_path / "docs", tmp_path / "content"
    (content / "guide").mkdir(parents=True)
    (content / "guide/a.md").write_text("손으로 쓴 쪽\n", encoding="utf-8")
    (content / "p.md").write_text("손으로 쓴 p\n", encoding="utf-8")  # a generated file of the same path wins
    (docs / "old").mkdir(parents=True)
    (docs / "old/gone.md").write_text("지난 빌드\n", encoding="utf-8")
    (docs / "same.md").write_text("그대로\n", encoding="utf-8")
    before = os.stat(docs / "same.md").st_mtime_ns
    made: set[str] = set()
    streamed = {rel: update_file(docs, rel, text, made) for rel, text in {"p.md": "생성된 p\n", "x/y/z.md": "깊은 쪽\n", "same.md": "그대로\n"}.items()}
    assert streamed == {"p.md": True, "x/y/z.md": True, "same.md": False}
    done = write_tree({"feed.xml": b"<feed/>"}, [content], docs, streamed=streamed)
    assert _tree(docs) == {"feed.xml": b"<feed/>", "guide/a.md": "손으로 쓴 쪽\n".encode(), "p.md": "생성된 p\n".encode(),
                           "same.md": "그대로\n".encode(), "x/y/z.md": "깊은 쪽\n".encode()}
    assert done.changed == ["feed.xml", "guide/a.md", "p.md", "x/y/z.md"] and done.removed == ["old/gone.md"]
    assert os.stat(docs / "same.md").st_mtime_ns == before and not (docs / "old").exists()
    with pytest.raises(ValueError, match="generated twice"):
        write_tree({"p.md": "둘"}, [], docs, streamed=streamed)


def _in_fresh_process(code: str, *args: str) -> None:
    """Run `code` in a new interpreter with two jobs (pytest may run threads here, and then nothing forks)."""
    env = {**os.environ, "SITE_BUILDER_JOBS": "2"}
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


def streamed_files_equal_generated(data: str, out: str) -> None:
    """generate_into with workers writes exactly generate's files, each by the process that made it."""
    from site_builder.outputs.search import INDEX_DIR
    from site_builder.pipeline import run as pipeline
    from site_builder.render import markdown

    markdown.PARALLEL_MIN_PAGES, markdown._CHUNK = 1, 3
    portal = pipeline.check(Path(data)).portal
    assert portal is not None
    expected = pipeline.generate(portal)
    docs, log = Path(out) / "docs", Path(out) / "writers"

    def write(rel: str, content: str | bytes) -> bool:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {rel}\n")
        return update_file(docs, rel, content, set())

    written = pipeline.generate_into(write, portal)
    assert written.keys() == expected.keys() and all(written.values())
    assert _tree(docs) == {rel: c if isinstance(c, bytes) else c.encode() for rel, c in expected.items()}
    writers = {rel: int(pid) for pid, rel in (line.split(" ", 1) for line in log.read_text(encoding="utf-8").splitlines())}
    pages = {writers[rel] for rel in expected if rel.endswith(".md")}
    index = {writers[rel] for rel in expected if rel.startswith(f"{INDEX_DIR}/")}
    downloads = {writers[rel] for rel in expected if rel.startswith("downloads/")}
    assert os.getpid() not in index and len(index) == 1  # the first side job by the one worker (two jobs: it and this process)
    assert downloads == {os.getpid()}  # the other by this process: one side job per worker, none queued behind another
    assert pages <= index | {os.getpid()}  # pages by this process (from the back) and the worker (after its side job)
    assert writers["feed.xml"] == os.getpid()  # the feeds by this process, while the worker works
    assert pipeline.generate_into(write, portal) == dict.fromkeys(expected, False)  # unchanged: nothing written again


def test_streamed_files_equal_generated_ones(tmp_path: Path) -> None:
    _in_fresh_process("import sys; from tests.test_streaming import streamed_files_equal_generated as t; t(*sys.argv[1:])",
                      str(FIXTURE_DATA), str(tmp_path))


def streaming_build_equals_one_process_build(work: str) -> None:
    """Builds with workers (pages streamed by them) equal one-process builds: first, after an edit, after a removal."""
    from site_builder.pipeline.run import Paths, build
    from site_builder.render import markdown

    markdown.PARALLEL_MIN_PAGES = 1
    base = Path(work)

    def built(name: str, jobs: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
        os.environ["SITE_BUILDER_JOBS"] = jobs
        checked, output = build(Paths(ROOT, base / "data", base / name / "build"), base / name / "site")
        assert not checked.problems, [p.format() for p in checked.problems] + [output]
        return _tree(base / name / "build/docs"), _tree(base / name / "site")

    assert built("streamed", "2") == built("serial", "1")
    project = sorted((base / "data/demo-city/2025/projects").glob("*.yaml"))[0]
    project.write_text(project.read_text(encoding="utf-8").replace("title: ", "title: 고친 ", 1), encoding="utf-8")
    assert built("streamed", "2") == built("fresh-1", "1")  # incremental over the first build
    shutil.rmtree(base / "data/demo-org")
    assert built("streamed", "2") == built("fresh-2", "1")  # pages of a removed organisation are pruned


def test_streaming_build_equals_one_process_build(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    shutil.copytree(DEMO_DATA / "demo-city", tmp_path / "data/demo-city")
    _in_fresh_process("import sys; from tests.test_streaming import streaming_build_equals_one_process_build as t; t(sys.argv[1])", str(tmp_path))


def test_this_process_renders_the_chunks_no_worker_started() -> None:
    from concurrent.futures import Future

    from site_builder.git.history import History
    from site_builder.pipeline.run import check
    from site_builder.plan.pages import portal_pages
    from site_builder.publish.redaction import redact_portal
    from site_builder.render import markdown

    checked = check(FIXTURE_DATA)
    assert checked.portal is not None
    portal = redact_portal(checked.portal)
    pages = portal_pages(portal, History())[:6]
    started: Future[list[tuple[str, str]]] = Future()
    started.set_running_or_notify_cancel()  # a worker has it
    started.set_result([(p.path, "워커") for p in pages[:2]])
    pending: list[Future[list[tuple[str, str]]]] = [Future(), Future()]
    got = markdown._render_alongside({0: started, 1: pending[0], 2: pending[1]}, [(0, 2), (2, 4), (4, 6)], portal, pages, None)
    assert list(got) == [p.path for p in pages]  # in page order, whoever rendered them
    assert [got[p.path] == "워커" for p in pages] == [True, True, False, False, False, False]
    assert got[pages[3].path] == markdown.render_page(markdown.make_environment(), pages[3], portal)
    assert all(f.cancelled() for f in pending)


def test_a_new_file_is_written_in_and_one_cut_short_is_written_again(tmp_path: Path):
    """update_file writes a new file straight in; a file a crash cut short (other bytes) is replaced whole."""
    assert update_file(tmp_path, "a/b.md", "가나다", set())
    page = tmp_path / "a" / "b.md"
    assert page.read_text(encoding="utf-8") == "가나다" and sorted(p.name for p in page.parent.iterdir()) == ["b.md"]
    page.write_bytes("가나다".encode()[:4])
    cut = page.stat().st_ino
    assert update_file(tmp_path, "a/b.md", "가나다", set())
    assert page.read_text(encoding="utf-8") == "가나다" and page.stat().st_ino != cut
    assert not update_file(tmp_path, "a/b.md", "가나다", set())
    (tmp_path / "a" / "c.md").symlink_to(tmp_path / "nowhere")  # a dangling link where a new file goes: replaced, never followed
    assert update_file(tmp_path, "a/c.md", "라", {str(tmp_path / "a")})
    assert not (tmp_path / "a" / "c.md").is_symlink() and not (tmp_path / "nowhere").exists()
