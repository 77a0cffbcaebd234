"""benchmarks/peers.py and the peer columns of benchmarks/run.py: the Hugo site, the Zensical config, the cells.

Needs neither hugo nor zensical: the one real Hugo build is skipped when Debian's hugo is absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from benchmarks import peers
from benchmarks import run as bench

PAGE = ("---\ntitle: 사업 하나\ndescription: 설명\nbreadcrumbs:\n- title: 홈\n  url: ../../\nhide:\n- toc\nupdated: '2024-01-02'\n---\n\n"
        "# 사업 하나\n\n<div class=\"x\"><b>원문</b></div>\n")


def docs_tree(root: Path) -> Path:
    """A tiny docs tree: a home page, a plan folder with index.md and a project under it, and a data file."""
    docs = root / "build/docs"
    for rel, text in {"index.md": "# 홈\n", "org/2024/index.md": "# 계획\n", "org/2024/projects/p1.md": PAGE,
                      "downloads/a.json": "{}"}.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    return docs


def test_hugo_site_renames_index_pages_and_keeps_the_markdown(tmp_path: Path) -> None:
    docs = docs_tree(tmp_path)
    site = tmp_path / "hugo"
    assert peers.hugo_site(docs, site) == 3
    content = sorted(str(p.relative_to(site / "content")) for p in (site / "content").rglob("*") if p.is_file())
    # index.md would make a leaf bundle that hides the pages below it: it must be _index.md, everywhere.
    assert content == ["_index.md", "org/2024/_index.md", "org/2024/projects/p1.md"]
    assert (site / "content/org/2024/projects/p1.md").read_text(encoding="utf-8") == PAGE
    assert (site / "static/downloads/a.json").read_text() == "{}"
    config = (site / "config.toml").read_text()
    assert "unsafe = true" in config and "[markup.goldmark.renderer]" in config and "theme" not in config
    for layout in ("baseof", "single", "list"):
        assert ".Content" in (site / f"layouts/_default/{layout}.html").read_text() or layout == "baseof"
    # Written again over an older site: nothing of the old one stays.
    (site / "content/old.md").write_text("x")
    peers.hugo_site(docs, site)
    assert not (site / "content/old.md").exists()


@pytest.mark.skipif(shutil.which("hugo") is None, reason="Debian's hugo is not installed")
def test_hugo_builds_every_page_with_raw_html(tmp_path: Path) -> None:
    docs_tree(tmp_path)
    result = peers.hugo_peer(tmp_path, timeout=60)
    assert result["s"] is not None, result
    # 3 pages and the list page Hugo makes itself for the top-level folder `org/`, which has no index.md.
    assert result["pages"] == 4 and result["version"].startswith("v")
    assert (tmp_path / "hugo-public/org/index.html").exists()
    page = (tmp_path / "hugo-public/org/2024/projects/p1/index.html").read_text(encoding="utf-8")
    assert '<div class="x"><b>원문</b></div>' in page and "<title>사업 하나</title>" in page


def test_zensical_config_drops_hooks_and_rebases_paths(tmp_path: Path) -> None:
    docs_tree(tmp_path)
    parent = tmp_path / "base.yml"
    parent.write_text("site_name: x\n")
    (tmp_path / "build/mkdocs.yml").write_text(yaml.safe_dump({"INHERIT": "../base.yml", "docs_dir": "docs", "hooks": ["h.py"], "site_name": "합성"}))
    config = yaml.safe_load(peers.zensical_config(tmp_path).read_text(encoding="utf-8"))
    assert "hooks" not in config
    assert config["INHERIT"] == str(parent.resolve())
    assert config["docs_dir"] == "build/docs" and config["site_dir"] == "zensical-site" and config["site_name"] == "합성"


def test_a_missing_peer_gives_a_cell_with_the_reason(tmp_path: Path) -> None:
    hugo = peers.hugo_peer(tmp_path, hugo="/nonexistent/hugo")
    zensical = peers.zensical_peer(tmp_path, zensical=str(tmp_path / "no-venv/bin/zensical"))
    assert hugo["s"] is None and hugo["cell"] == "– (no hugo: apt-get install hugo)"
    assert zensical["cell"] == "– (no zensical: make bench-peers-setup)"
    assert peers.ratio_cell(10.0, hugo) == "–" and peers.peer_cell(None) == "–"


def test_failed_and_timed_out_runs_say_why(tmp_path: Path) -> None:
    run = {"seconds": 3.0, "rc": 1, "timed_out": False, "rss_mb": 10.0, "output": "Build started\nError: search index too large\n"}
    failed = peers.outcome(run, tmp_path, 60, "0.1")
    assert failed["s"] is None and failed["cell"] == "failed: Error: search index too large"
    assert peers.outcome({**run, "rc": -9}, tmp_path, 60, "")["cell"] == "failed: killed by signal 9"
    assert peers.outcome({**run, "rc": None, "timed_out": True}, tmp_path, 1200, "")["cell"] == "failed: timeout 1200 s"
    assert peers.outcome({**run, "rc": 0}, tmp_path, 60, "")["cell"] == "failed: no pages written"
    (tmp_path / "a.html").write_text("x")
    assert peers.outcome({**run, "rc": 0}, tmp_path, 60, "")["cell"] == "3.0"


def test_run_measured_reports_seconds_exit_code_and_timeout(tmp_path: Path) -> None:
    ok = peers.run_measured(["sh", "-c", "echo hi; exit 3"], tmp_path, 30)
    assert ok["rc"] == 3 and not ok["timed_out"] and ok["output"] == "hi\n" and ok["rss_mb"] > 0
    slow = peers.run_measured(["sleep", "30"], tmp_path, 0.2)
    assert slow["timed_out"] and slow["seconds"] < 10


def row(hugo: dict | None, zensical: dict | None) -> dict:
    """A table row as measure() returns it, peers included."""
    numbers = {k: 1.0 for _, k, _ in bench.COLUMNS}
    found = {name: r for name, r in (("hugo", hugo), ("zensical", zensical)) if r is not None}
    return {**numbers, "n": 10000, "pages": 3, "total_s": 48.0, "ratio": 0.4, "peers": found}


def test_table_has_peer_columns_and_ratios_to_each() -> None:
    hugo = {"s": 30.0, "cell": "30.0", "why": ""}
    zensical = {"s": None, "cell": "failed: search index", "why": "search index"}
    lines = bench.table([row(hugo, zensical)], ["hugo", "zensical"]).splitlines()
    head = lines[0].split()
    assert head[head.index("ratio") + 1:head.index("ratio") + 7] == ["hugo", "s", "zensical", "s", "÷hugo", "÷zensical"]
    assert "30.0" in lines[1] and "failed: search index" in lines[1] and " 1.60 " in lines[1]
    assert lines[1].rstrip().endswith("1.0")  # the old columns follow
    # --peers none: the old table, exactly.
    assert bench.table([row(None, None)]).splitlines()[0].split() == [w for h, _, _ in bench.COLUMNS for w in h.split()]


def test_notes_name_the_columns_and_the_target() -> None:
    text = "\n".join(bench.notes([row({"s": 30.0, "cell": "30.0", "why": "", "version": "v0.111.3", "rss_mb": 900.0, "pages": 3,
                                      "run_s": 30.0}, peers.missing("no zensical: make bench-peers-setup"))], ["hugo", "zensical"]))
    assert "10k: total ≤ 0.3 × plain mkdocs" in text and "10k: total/plain = 0.40" in text
    assert "N=10,000 hugo v0.111.3: 30.0 s, peak 900 MB, 3 pages" in text
    assert "N=10,000 zensical: not run (no zensical: make bench-peers-setup)" in text


def test_peers_option() -> None:
    assert peers.parse_peers("all") == ["hugo", "zensical"] and peers.parse_peers("none") == []
    assert peers.parse_peers("zensical") == ["zensical"]
    with pytest.raises(ValueError, match="unknown peer"):
        peers.parse_peers("jekyll")
