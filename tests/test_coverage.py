"""Seed coverage: the built site must show (almost) every non-empty line of each official seed document.

The site is built once into a temporary folder. Each page's visible text (tags stripped, entities
unescaped, all whitespace removed) is searched for every non-empty seed line, normalised the same way
(also without leftover `**` and without leading bullet markers, which the site shows separately).
A line counts as found when
  1. its normalised text occurs in one page, or
  2. it is a TAB-separated table row and all its non-empty cells occur in one page, or
  3. the site shows its label and its value in separate elements (definition lists, step tables,
     `이행과제 1-1` badges, `번호 6` + title): the line splits, after its first 1–3 words or at its
     first ` : `, into two parts that both occur in one page.
Personal names of contacts are removed from seed lines first: the data keeps them, the site withholds
them by policy (`show_person_names: false`), so a contact row is found by its role and phone.
Lines listed in tests/coverage_exceptions.yaml (layout debris with a one-line justification) are
accepted as not found; exception `patterns` are removed from the seed text before matching.
Run `pytest tests/test_coverage.py -s` to see the lines that were not found.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT.parent / "shared" / "seeds"
EXCEPTIONS = Path(__file__).with_name("coverage_exceptions.yaml")
THRESHOLD = 0.99
SEEDS = {"jc": "000_b402933fbcd95559.txt", "jb": "004_399716ee5e97800e.txt"}

_MARKERS = "-○□▶■▪◆▣·"
_LEADING = re.compile(rf"^(?:[{re.escape(_MARKERS)}]\s*)+")
_SPACE = re.compile(r"\s+")
_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def normalise(text: str) -> str:
    """Seed text → comparable form: no `**`, no leading bullet markers, no whitespace."""
    text = text.replace("**", "").strip()
    return _SPACE.sub("", _LEADING.sub("", text))


def page_text(raw: str) -> str:
    """Visible text of one HTML page, whitespace removed."""
    return _SPACE.sub("", html.unescape(_TAG.sub("", _DROP.sub("", raw))))


def _splits(line: str) -> list[tuple[str, str]]:
    """Label/value splits of a line: after its first 1–3 words, and at its first ` : `."""
    text = _LEADING.sub("", line.replace("**", "").strip())
    words = text.split()
    out = [(" ".join(words[:n]), " ".join(words[n:])) for n in range(1, min(4, len(words)))]
    if " : " in text:
        out.append(tuple(text.split(" : ", 1)))  # type: ignore[arg-type]
    # `(소요예산) 12,400천원`: the site shows the label without its brackets in a definition list
    parts = ((normalise(x).strip(":.").removeprefix("(").removesuffix(")"), normalise(y).strip(":")) for x, y in out)  # `6.` heading numbers: the site shows `번호 6`
    return [(a, b) for a, b in parts if (len(a) >= 2 or a.isdigit()) and len(b) >= 2]


@dataclass
class Coverage:
    """Result of matching one seed against the site."""

    total: int = 0
    exact: int = 0
    cells: int = 0
    parts: int = 0
    excused: list[int] = field(default_factory=list)
    missing: list[tuple[int, str]] = field(default_factory=list)

    @property
    def found(self) -> int:
        return self.exact + self.cells + self.parts

    @property
    def ratio(self) -> float:
        return (self.found + len(self.excused)) / self.total if self.total else 1.0

    def report(self, key: str) -> str:
        head = (f"[{key}] 비어 있지 않은 줄 {self.total}: 그대로 {self.exact}, 칸별 {self.cells}, 이름표·값 나눔 {self.parts}, "
                f"예외 {len(self.excused)}, 못 찾음 {len(self.missing)} → {self.ratio:.2%} (예외 빼면 {self.found / max(self.total, 1):.2%})")
        return "\n".join([head] + [f"  {n}: {text}" for n, text in self.missing])


def _in_one_page(pages: list[str], needles: list[str]) -> bool:
    """True when one page holds every needle."""
    return any(all(n in p for n in needles) for p in pages)


def _match(line: str, pages: list[str], joined: str) -> str | None:
    """How a seed line is found in the site: 'exact', 'cells', 'parts', or None."""
    norm = normalise(line)
    if len(norm) >= 2 and norm in joined:
        return "exact"
    if "\t" in line:
        cells = [c for c in (normalise(c) for c in line.split("\t")) if len(c) >= 2]  # one-character cells (■, -) would match anywhere
        return "cells" if cells and _in_one_page(pages, cells) else None
    for a, b in _splits(line):
        if a in joined and b in joined and _in_one_page(pages, [a, b]):
            return "parts"
    return None


def _excused_lines(spec: list[dict]) -> set[int]:
    """Line numbers accepted as not found."""
    out: set[int] = set()
    for entry in spec:
        for item in entry.get("lines", []):
            a, _, b = str(item).partition("-")
            out.update(range(int(a), int(b or a) + 1))
    return out


def _contact_names(node: object) -> set[str]:
    """`name` values of contact mappings (those with a `role` or `phone`) anywhere in a YAML tree."""
    if isinstance(node, list):
        return {n for item in node for n in _contact_names(item)}
    if not isinstance(node, dict):
        return set()
    own = {str(node["name"])} if "name" in node and ("role" in node or "phone" in node) else set()
    return own | {n for value in node.values() for n in _contact_names(value)}


def personal_names() -> list[str]:
    """Contact names kept in data/ but withheld from the site by policy (show_person_names: false)."""
    names: set[str] = set()
    for path in (ROOT / "data").rglob("*.yaml"):
        names |= _contact_names(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def measure(seed: Path, pages: list[str], spec: list[dict]) -> Coverage:
    """Match every non-empty line of a seed file against the site pages."""
    joined = "\n".join(pages)
    excused = _excused_lines(spec)
    patterns = [e["pattern"] for e in spec if "pattern" in e] + personal_names()
    cov = Coverage()
    for number, raw in enumerate(seed.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        cov.total += 1
        line = raw
        for pat in patterns:
            line = line.replace(pat, "")
        if not line.strip():  # only personal names or debris patterns: withheld or removed by policy
            cov.excused.append(number)
            continue
        how = _match(line, pages, joined)
        if how:
            setattr(cov, how, getattr(cov, how) + 1)
        elif number in excused:
            cov.excused.append(number)
        else:
            cov.missing.append((number, raw.strip().replace("\t", " → ")[:160]))
    return cov


@pytest.fixture(scope="module")
def site_pages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Build the site once and return the visible text of every HTML page."""
    out = tmp_path_factory.mktemp("coverage")
    cmd = [sys.executable, "-m", "site_builder", "build", "--site-dir", str(out / "site"), "--build-dir", str(out / "build")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return [page_text(p.read_text(encoding="utf-8")) for p in sorted((out / "site").rglob("*.html"))]


def _exceptions() -> dict[str, list[dict]]:
    data = yaml.safe_load(EXCEPTIONS.read_text(encoding="utf-8")) or {}
    return {key: data.get(key) or [] for key in SEEDS}


@pytest.mark.parametrize("key", ["jc", "jb"])
def test_seed_lines_are_on_the_site(key: str, site_pages: list[str]) -> None:
    seed = SEED_DIR / SEEDS[key]
    if not seed.exists():
        pytest.skip(f"원문 파일 없음: {seed}")
    cov = measure(seed, site_pages, _exceptions()[key])
    print(cov.report(key))
    assert cov.ratio >= THRESHOLD, cov.report(key)


def test_exceptions_are_short_and_justified() -> None:
    for key, spec in _exceptions().items():
        assert len(spec) <= 10, f"{key}: 예외가 너무 많습니다"
        for entry in spec:
            assert str(entry.get("reason", "")).strip(), f"{key}: 예외마다 이유(reason)가 필요합니다: {entry}"
            assert ("lines" in entry) != ("pattern" in entry), f"{key}: 예외는 lines 또는 pattern 하나만: {entry}"


def test_matching_can_fail() -> None:
    pages = [page_text("<p>사업기간</p><p>2022. 1. ~ 12.</p><table><tr><td>2회</td><td>x</td><td>3회</td></tr></table>")]
    joined = "\n".join(pages)
    assert _match("- 사업기간 : 2022. 1. ~ 12.", pages, joined) == "parts"
    assert _match("2회\t3회", pages, joined) == "cells"
    assert _match("- 없는 줄입니다", pages, joined) is None
    assert _match("비", pages, joined) is None  # one-character debris never matches by accident
