#!/usr/bin/env python3
"""Importer benchmark: time, text kept, share structured and hand-made structure facts held, per document.

Prints numbers only (nothing is asserted). Documents: every file of ../shared/corpus/hwp/, both seeds (as text and
flattened into an HWPX file, a ~100-page plan), the genre samples of tests/importer_samples/, and any `--doc`.
Facts: benchmarks/import_facts/<stem>.yaml (or `--facts`), a list of items with a title and, where the document
states them, an amount, a phrase of the body and a phrase of the schedule. A fact holds when an item (strategy node
or project) carries the title, the amount as a number, and the phrases inside that item (not in plan sections).
For the seeds, the facts are the committed, hand-checked data in data/.

    .venv/bin/python benchmarks/importer.py [--doc FILE --facts FACTS.yaml] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_builder.importer.audit import won  # noqa: E402
from site_builder.importer.command import document_text  # noqa: E402
from site_builder.importer.lines import squeeze  # noqa: E402
from site_builder.importer.link import walk  # noqa: E402
from site_builder.importer.stages import Imported, import_text  # noqa: E402
from site_builder.load.document import DocumentError  # noqa: E402
from site_builder.model import Project  # noqa: E402
from site_builder.model.portal import project_total  # noqa: E402

SHARED = ROOT.parent / "shared"
FACTS = Path(__file__).resolve().parent / "import_facts"
SEEDS = {"000_b402933fbcd95559": ("jincheon-haengjeong", 2022), "004_399716ee5e97800e": ("jb-sswa", 2024)}


def items(result: Imported) -> list[dict[str, Any]]:
    """Every strategy node and project of a draft."""
    return [*walk(result.plan.get("strategy", [])), *result.projects.values()]


def amount_of(item: dict[str, Any]) -> int | None:
    """A node's stated amount, or a project's total."""
    if "strategy" in item or "unit" in item or "group" in item or item.get("id", "").startswith("p"):
        try:
            total = project_total(Project.model_validate(item))
        except ValueError:
            total = None
        if total is not None:
            return total
    return won(item.get("stated_budget"))


def fact_checks(fact: dict[str, Any], found: list[dict[str, Any]]) -> dict[str, bool]:
    """Which parts of one fact hold in the draft."""
    title = squeeze(fact["title"])
    item = next((i for i in found if title in squeeze(i.get("title", ""))), None)
    checks = {"title": item is not None and bool(item.get("id"))}
    inside = squeeze(json.dumps({k: v for k, v in (item or {}).items() if k not in ("title", "children")}, ensure_ascii=False, default=str))
    if fact.get("amount") is not None:
        checks["amount"] = item is not None and amount_of(item) == won(fact["amount"])
    for part in ("body", "schedule"):
        if fact.get(part):
            checks[part] = item is not None and squeeze(fact[part]) in inside.replace("\\n", "")
    return checks


def seed_facts(org: str, year: int) -> list[dict[str, Any]]:
    """Facts of a seed: the committed data's projects (title, total) and strategy nodes."""
    base = ROOT / "data" / org / str(year)
    plan = yaml.safe_load((base / "plan.yaml").read_text(encoding="utf-8"))
    facts = [{"title": n["title"]} for n in walk(plan.get("strategy", []))]
    for path in sorted((base / "projects").glob("*.yaml")):
        project = yaml.safe_load(path.read_text(encoding="utf-8"))
        facts.append({"title": project["title"], "amount": project_total(Project.model_validate(project))})
    return facts


def facts_for(path: Path, explicit: Path | None) -> list[dict[str, Any]] | None:
    """The facts of a document, when known."""
    stem = path.stem.removesuffix(".hwpx")
    if explicit:
        return list(yaml.safe_load(explicit.read_text(encoding="utf-8"))["items"])
    if stem in SEEDS:
        return seed_facts(*SEEDS[stem])
    file = FACTS / f"{stem}.yaml"
    return list(yaml.safe_load(file.read_text(encoding="utf-8"))["items"]) if file.is_file() else None


def measure(path: Path, facts: list[dict[str, Any]] | None, repeat: int) -> dict[str, Any]:
    """One document: best time of `repeat` imports, keep, structured share, counts and facts held."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = import_text(document_text(path), path.name, "org", None, Path("/nonexistent/overrides.yaml"))
        best = min(best, time.perf_counter() - start)
    assert result is not None
    generic = {no for no, _ in result.draft.ledger.generic}
    placed = sum(1 for ln in result.draft.lines if ln.kind != "blank" and ln.stripped and ln.no not in generic)
    out = {"seconds": best, "keep": result.keep.percent, "structured": 100.0 * min(placed, result.keep.total) / max(result.keep.total, 1),
           "nodes": sum(1 for _ in walk(result.plan.get("strategy", []))), "projects": len(result.projects), "layout": result.layout.name if result.layout else "?"}
    if facts:
        checks = [fact_checks(f, items(result)) for f in facts]
        held = sum(v for c in checks for v in c.values())
        total = sum(len(c) for c in checks)
        out["facts"] = f"{100.0 * held / total:.1f}% ({held}/{total})"
        out["items_whole"] = f"{sum(all(c.values()) for c in checks)}/{len(checks)}"
    return out


def flattened_seed(seed: Path, folder: Path) -> Path:
    """A seed written as an HWPX file (as the metamorphic tests do), for a ~100-page timing."""
    sys.path.insert(0, str(ROOT))
    from tests.test_importer_metamorphic import as_hwpx_file  # the test helper that builds the HWPX

    return as_hwpx_file(seed.read_text(encoding="utf-8"), folder / f"{seed.stem}.hwpx")


def documents(args: argparse.Namespace, folder: Path) -> list[Path]:
    """Every document to measure."""
    docs = sorted((SHARED / "corpus" / "hwp").glob("*.hwp*")) + sorted((SHARED / "seeds").glob("*.txt"))
    docs += sorted((ROOT / "tests" / "importer_samples").glob("genre_*.txt"))
    docs += [flattened_seed(s, folder) for s in sorted((SHARED / "seeds").glob("*.txt"))]
    return docs + ([args.doc] if args.doc else [])


def main() -> None:
    """Measure every document and print one row each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc", type=Path)
    parser.add_argument("--facts", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'document':34} {'s':>6} {'kept%':>6} {'struct%':>7} {'nodes':>5} {'proj':>4}  facts held (items whole)  layout")
    with tempfile.TemporaryDirectory() as tmp:
        for doc in documents(args, Path(tmp)):
            try:
                m = measure(doc, facts_for(doc, args.facts if doc == args.doc else None), args.repeat)
            except DocumentError as exc:
                print(f"{doc.name:34} refused: {exc}")
                continue
            facts = f"{m['facts']} ({m['items_whole']})" if "facts" in m else "-"
            print(f"{doc.name:34} {m['seconds']:6.2f} {m['keep']:6.1f} {m['structured']:7.1f} {m['nodes']:5} {m['projects']:4}  {facts:24}  {m['layout']}")


if __name__ == "__main__":
    main()
