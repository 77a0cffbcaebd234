"""Synthetic portals for benchmarks: many organisations and years, projects with budgets, KPIs, schedules.

Text comes from the real data in data/ (lines of the plans, reshuffled), so the vocabulary and line
lengths are those of Korean public plans. Every plan reuses the JB plan's strategy tree and units; a
project keeps its id from year to year in most organisations, so the multi-year links are exercised too.
The same seed always gives the same files.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PER_PLAN = 50  # projects per plan: a national portal has hundreds of organisations × a few years × dozens
YEARS = (2023, 2024)
FIRST_YEAR_LABELS = {"target": "목표", "result": "실적"}
EDIT_COMMITS = 3  # commits after the first, each retitling EDIT_SHARE of the projects
EDIT_SHARE = 0.02

_DUMP = {"allow_unicode": True, "sort_keys": False, "Dumper": getattr(yaml, "CSafeDumper", yaml.SafeDumper)}


def text_pool(data: Path) -> tuple[list[str], list[str]]:
    """Lines of real text and words of real titles, the material of the synthetic projects."""
    from site_builder.outputs.search import strings

    lines: list[str] = []
    words: list[str] = []
    for path in sorted(data.glob("*/*/projects/*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        words += str(doc.get("title", "")).split()
        for text in strings({k: v for k, v in doc.items() if k != "title"}):
            lines += [ln.strip().lstrip("-◆▣○ ").strip() for ln in text.splitlines() if len(ln.strip()) > 8]
    return lines, words


def _bullets(rng: random.Random, lines: list[str], count: int) -> str:
    """A bullet block: top-level `-` lines with some ` -` sub-lines."""
    return "\n".join((" - " if rng.random() < 0.3 else "- ") + rng.choice(lines) for _ in range(count)) + "\n"


def _budget(rng: random.Random, year: int) -> tuple[dict[str, Any] | None, str]:
    """A budget table whose lines add up to the stated 소요예산 (천원), or none (비예산)."""
    if rng.random() < 0.25:
        return None, "비예산"
    lines, total = [], 0
    for category in rng.sample(["운영비", "여비", "업무추진비", "자산취득비", "사업비", "인건비"], rng.randrange(2, 5)):
        unit, count = rng.randrange(1, 60) * 100, rng.randrange(1, 40)
        total += unit * count
        lines.append({"category": category, "item": f"{category} 집행", "basis": f"{unit:,}천원×{count}회", "amount": f"{unit * count:,}천원"})
    funding = [{"source": "국비", "share_pct": 50, "amount": f"{total // 2:,}천원"}, {"source": "도비", "share_pct": 50, "amount": f"{total - total // 2:,}천원"}]
    return {"heading": "소요예산", "unit_note": "(단위: 천원)", "lines": lines, "funding": funding}, f"{total:,}천원"


def _kpis(rng: random.Random, year: int) -> list[dict[str, Any]]:
    """One to three indicators with targets for this year and the next and last year's result."""
    kpis = []
    for name, unit in rng.sample([("교육 실시", "회"), ("만족도", "점"), ("참여 인원", "명"), ("달성률", "%"), ("협약 체결", "건")], rng.randrange(1, 4)):
        base = rng.randrange(2, 90)
        targets = [{"year": year - 1, "label": f"'{(year - 1) % 100}년", "value": f"{base}{unit}", "kind": "result"},
                   {"year": year, "label": f"'{year % 100}년", "value": f"{base + 2}{unit}"},
                   {"year": year + 1, "label": f"'{(year + 1) % 100}년", "value": f"{base + 4}{unit}"}]
        kpis.append({"indicator": name, "marker": "▶", "unit": unit, "targets": targets})
    return kpis


def _schedule(rng: random.Random, year: int, lines: list[str]) -> dict[str, Any]:
    """A monthly schedule table with a few activities."""
    rows = []
    for _ in range(rng.randrange(2, 6)):
        start = rng.randrange(1, 12)
        rows.append({"label": rng.choice(lines)[:30], "marks": list(range(start, min(13, start + rng.randrange(1, 6))))})
    return {"heading": "추진일정", "year": year, "rows": rows}


def project(rng: random.Random, pid: str, number: int, plan: dict[str, Any], pool: tuple[list[str], list[str]], nodes: list[str]) -> dict[str, Any]:
    """One synthetic project in the data format."""
    lines, words = pool
    budget, stated = _budget(rng, plan["year"])
    doc: dict[str, Any] = {
        "id": pid, "title": " ".join(rng.sample(words, rng.randrange(3, 7))), "number": str(number),
        "unit": rng.choice(plan["units"])["id"], "strategy": rng.choice(nodes),
        "contacts": [{"role": "담당자", "phone": f"{rng.randrange(4000, 4999)}"}],
        "goals": {"heading": "사업목표", "body": _bullets(rng, lines, 3)},
        "overview": {"heading": "사업개요", "items": [
            {"label": "목적", "text": rng.choice(lines), "kind": "purpose"},
            {"label": "사업기간", "text": f"{plan['year']}. {rng.randrange(1, 7)} ~ 12월", "kind": "period"},
            {"label": "소요예산", "text": stated, "kind": "budget"},
        ]},
        "results": {"heading": "주요성과", "body": _bullets(rng, lines, rng.randrange(2, 6))},
        "actions": {"heading": "실행방안", "body": _bullets(rng, lines, rng.randrange(6, 18))},
        "schedule": _schedule(rng, plan["year"], lines),
        "kpis": _kpis(rng, plan["year"]),
    }
    if budget:
        doc["budget"] = budget
    return doc


def _walk(nodes: list[dict[str, Any]]) -> list[str]:
    """Ids of a strategy tree."""
    return [i for n in nodes for i in [n["id"]] + _walk(n.get("children", []))]


def _write(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(yaml.dump(doc, **_DUMP), encoding="utf-8")


def generate(target: Path, projects: int, per_plan: int = PER_PLAN, seed: int = 7, history: bool = True) -> dict[str, int]:
    """Write a synthetic portal of `projects` projects into `target` (a data directory; with `history`, under git); returns its shape."""
    rng = random.Random(seed)
    pool = text_pool(ROOT / "data")
    skeleton = yaml.safe_load((ROOT / "data/jb-sswa/2024/plan.yaml").read_text(encoding="utf-8"))
    keep = {"year", "title", "money_unit", "levels", "strategy", "units"}
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "data/site.yaml", target / "site.yaml")
    plans = max(1, projects // per_plan)
    sizes = [projects // plans + (1 if i < projects % plans else 0) for i in range(plans)]
    orgs = max(1, plans // len(YEARS))
    for p, size in enumerate(sizes):
        o, year = p % orgs, YEARS[(p // orgs) % len(YEARS)] - (p // (orgs * len(YEARS)))
        org = f"org{o:04d}"
        (target / org).mkdir(exist_ok=True)
        _write(target / org / "org.yaml", {"id": org, "name": f"합성기관 {o:04d}"})
        plan = {k: v for k, v in skeleton.items() if k in keep} | {"year": year, "title": f"{year}년 합성 연간계획"}
        folder = target / org / str(year) / "projects"
        folder.mkdir(parents=True, exist_ok=True)
        _write(target / org / str(year) / "plan.yaml", plan)
        nodes = _walk(plan["strategy"])
        for i in range(size):
            pid = f"p{i:03d}" if rng.random() < 0.8 else f"y{year}-{i:03d}"  # most projects continue from year to year
            _write(folder / f"{pid}.yaml", project(rng, pid, i + 1, plan, pool, nodes))
    if history and shutil.which("git"):
        commit_history(target, rng)
    return {"projects": projects, "plans": plans, "orgs": orgs}


def _git(repo: Path, *args: str, date: str = "2024-01-02T09:00:00+09:00") -> None:
    """Run git in the portal's repository with a fixed identity and date (the same seed gives the same commits)."""
    who = {"GIT_AUTHOR_NAME": "벤치", "GIT_AUTHOR_EMAIL": "bench@example.go.kr", "GIT_COMMITTER_NAME": "벤치",
           "GIT_COMMITTER_EMAIL": "bench@example.go.kr", "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-C", str(repo), *args], env={**os.environ, **who}, check=True, capture_output=True)


def commit_history(data: Path, rng: random.Random, edits: int = EDIT_COMMITS, share: float = EDIT_SHARE) -> None:
    """Put the portal under git as staff would: one first commit, then commits that each retitle a share of the projects.

    Real portals are published from git, so a build reads the history (change lists, feed, last-updated dates).
    """
    repo = data.parent
    _git(repo, "init", "-q")
    _git(repo, "add", "--", data.name)
    _git(repo, "commit", "-q", "-m", "처음 올림")
    files = sorted(data.glob("*/*/projects/*.yaml"))
    for k in range(edits):
        for path in rng.sample(files, max(1, int(len(files) * share))):
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            doc["title"] = f"{doc['title']} (수정 {k + 1})"
            _write(path, doc)
        _git(repo, "commit", "-q", "-a", "-m", f"사업명 수정 {k + 1}", date=f"2024-0{k + 2}-01T09:00:00+09:00")
