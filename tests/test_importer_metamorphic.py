"""Metamorphic tests: the seeds and a genre sample rewritten the way other plans write the same things keep their structure."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from site_builder.importer.command import document_text
from site_builder.importer.link import walk
from site_builder.importer.stages import Imported, import_text
from site_builder.load.document import Cell, Paragraph, Table
from site_builder.model import Project
from site_builder.model.portal import project_total
from tests.hwpx_maker import make_hwpx
from tests.test_importer import JB, JC, SAMPLES, needs_seeds

NO_OVERRIDES = Path("/nonexistent/overrides.yaml")


def imported(text: str, year: int) -> Imported:
    """Import a document text without overrides."""
    return import_text(text, "doc.txt", "org", year, NO_OVERRIDES)


def quarters(marks: list[int]) -> list[int]:
    """The quarters that hold marked months."""
    return sorted({(m - 1) // 3 + 1 for m in marks})


def structure(result: Imported, months_as_quarters: bool = False) -> dict[str, Any]:
    """What must survive a rewrite: nodes, projects with their links, totals in 원 and schedule rows."""
    def schedule(p: dict[str, Any]) -> list[tuple[str, list[int]]]:
        rows = (p.get("schedule") or {}).get("rows", [])
        unit = (p.get("schedule") or {}).get("unit")
        return [(r["label"], quarters(r["marks"]) if months_as_quarters and unit == "month" else r["marks"]) for r in rows]
    projects = {pid: (p["title"], p.get("strategy"), p.get("unit"), p.get("group"), project_total(Project.model_validate(p)), schedule(p))
                for pid, p in result.projects.items()}
    return {"nodes": [(n["id"], n["title"]) for n in walk(result.plan.get("strategy", []))], "projects": projects,
            "units": [u["name"] for u in result.plan.get("units", [])]}


# ---------------------------------------------------------------- rewrites

def swap_bullets(text: str) -> str:
    """Other bullet glyphs for the same levels: ○ → ◦, - → ·, ㅇ → ○."""
    table = {"○": "◦", "-": "·", "ㅇ": "○"}
    return re.sub(r"(?m)^(\s*)([○\-ㅇ])(?=\s)", lambda m: m.group(1) + table[m.group(2)], text)


def rename_levels(text: str) -> str:
    """Other level words: 전략 목표 → 경영목표, 이행과제 → 실천과제."""
    return re.sub(r"(?m)^(\s*)이행과제", r"\1실천과제", re.sub(r"(?m)^(\s*)전략\s*목표", r"\1경영목표", text))


def thousands_to_millions(text: str) -> str:
    """Every `N천원` written as the same amount in 백만원 (19,200천원 → 19.2백만원)."""
    def one(m: re.Match[str]) -> str:
        value = Decimal(m.group(1).replace(",", "")) / 1000
        return f"{value.normalize():,f}백만원"
    return re.sub(r"(\d[\d,]*)천원", one, text)


def grids_to_quarter_text(text: str) -> str:
    """Each ■ month grid written as a quarter table with text in the cells (`추진`)."""
    lines = text.split("\n")
    out: list[str] = []
    in_grid: int | None = None
    for line in lines:
        cells = line.split("\t")
        months = [i for i, c in enumerate(cells) if c.strip() in [str(n) for n in range(1, 13)]]
        if len(months) == 12 and [cells[i].strip() for i in months] == [str(n) for n in range(1, 13)]:
            in_grid = months[0]
            out.append("\t".join(cells[:in_grid] + ["1분기", "2분기", "3분기", "4분기"]))
        elif in_grid is not None and "\t" in line:
            marks = [n + 1 for n, c in enumerate(cells[in_grid:in_grid + 12]) if c.strip() == "■"]
            out.append("\t".join(cells[:in_grid] + ["추진" if q in quarters(marks) else "" for q in range(1, 5)]))
        else:
            in_grid = None if "\t" not in line else in_grid
            out.append(line if in_grid is None or "\t" not in line else "\t".join(cells[:in_grid + 1]))
    return "\n".join(out)


def as_hwpx(text: str, tmp_path: Path) -> str:
    """The text written into an HWPX file (runs of table rows as tables) and read back through the reader."""
    return document_text(as_hwpx_file(text, tmp_path / "doc.hwpx"))


def as_hwpx_file(text: str, path: Path) -> Path:
    """The text written into an HWPX file: lines as paragraphs, runs of table rows as tables."""
    blocks: list[Paragraph | Table] = []
    rows: list[list[str]] = []
    for line in [*text.split("\n"), ""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            blocks.append(table(rows) if len(rows) > 1 else Paragraph(" ".join(c for c in rows[0] if c.strip())))
            rows = []
        blocks.append(Paragraph(line))
    return make_hwpx(path, blocks)


def table(rows: list[list[str]]) -> Table:
    """A table of plain cells, every row padded to the widest."""
    width = max(len(r) for r in rows)
    cells = tuple(Cell(r, c, 1, 1, (Paragraph(row[c] if c < len(row) else ""),), None) for r, row in enumerate(rows) for c in range(width))
    return Table(len(rows), width, cells)


# ---------------------------------------------------------------- the tests

REWRITES: list[tuple[str, Callable[[str], str], bool]] = [
    ("bullets", swap_bullets, False), ("levels", rename_levels, False), ("units", thousands_to_millions, False),
    ("quarters", grids_to_quarter_text, True),
]


@needs_seeds
@pytest.mark.parametrize(("seed", "year"), [(JC, 2022), (JB, 2024)], ids=["jc", "jb"])
@pytest.mark.parametrize(("name", "rewrite", "by_quarter"), REWRITES, ids=[r[0] for r in REWRITES])
def test_seed_structure_survives_a_rewrite(seed: Path, year: int, name: str, rewrite: Callable[[str], str], by_quarter: bool) -> None:
    text = seed.read_text(encoding="utf-8")
    before, after = imported(text, year), imported(rewrite(text), year)
    assert structure(after, by_quarter) == structure(before, by_quarter)
    assert after.keep.percent >= before.keep.percent - 1


@needs_seeds
@pytest.mark.parametrize(("seed", "year"), [(JC, 2022), (JB, 2024)], ids=["jc", "jb"])
def test_seed_flattened_into_hwpx_keeps_its_structure(seed: Path, year: int, tmp_path: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    assert structure(imported(as_hwpx(text, tmp_path), year)) == structure(imported(text, year))


GENRE_REWRITES: list[tuple[str, Callable[[str], str]]] = [
    ("markers", lambda t: t.replace("󰊱", "①").replace("󰊲", "②").replace("󰊳", "③").replace("󰊴", "④").replace("□ ", "◇ ").replace(" ㅇ ", " ◦ ")),
    ("amount-units", lambda t: t.replace("(57억원)", "(5,700백만원)").replace("(2,000백만원)", "(20억원)").replace("(1,000백만원)", "(1,000,000천원)")),
    ("amounts-in-lines", lambda t: re.sub(r"(?m)^□ (.+?)\((\d[\d,]*백만원)\)$", r"□ \1\n ㅇ (사업비) \2", t)),
    ("hwpx", lambda t: t),
    ("heading-boxes", lambda t: re.sub(r"(?m)^(\d)\. ", "\\1\t", t)),  # `1 | 제목` one-row tables in the HWPX below
]


@pytest.mark.parametrize(("name", "rewrite"), GENRE_REWRITES, ids=[r[0] for r in GENRE_REWRITES])
def test_genre_sample_structure_survives_a_rewrite(name: str, rewrite: Callable[[str], str], tmp_path: Path) -> None:
    text = (SAMPLES / "genre_ministry.txt").read_text(encoding="utf-8")
    changed = as_hwpx(rewrite(text), tmp_path) if name in ("hwpx", "heading-boxes") else rewrite(text)
    before, after = structure(imported(text, 2025)), structure(imported(changed, 2025))
    if name == "amounts-in-lines":  # the title no longer prints the amount: titles differ by exactly that text
        before["projects"] = {k: (re.sub(r"\(\d[\d,]*백만원\)$", "", v[0]), *v[1:]) for k, v in before["projects"].items()}
    if name in ("markers", "amount-units", "amounts-in-lines"):
        for s in (before, after):
            s["nodes"] = [(i, re.sub(r"\s*\(.*\)$", "", t)) for i, t in s["nodes"]]
            s["projects"] = {k: (re.sub(r"\s*\(.*\)$", "", v[0]), *v[1:]) for k, v in s["projects"].items()}
    assert after == before
