"""The kept search index (outputs/searchstate.py): after random edits, the patched index equals the one laid out whole, byte for byte."""

from __future__ import annotations

import hashlib
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.outputs import search, searchstate
from site_builder.outputs.memo import Outputs, PlanMemo
from site_builder.outputs.search import INDEX_DIR, index_files
from site_builder.pipeline.run import check
from site_builder.publish.redaction import redact_portal
from site_builder.write.tree import update_file
from tests.test_incremental_build import EDITS, _build, _tree


def _plan_keys(data: Path) -> dict[str, str]:
    """A key per plan that changes with its files (the build's fingerprints do the same, per organisation)."""
    keys = {}
    for plan in sorted(data.glob("*/*/plan.yaml")):
        digest = hashlib.sha256((plan.parent.parent / "org.yaml").read_bytes())
        for path in sorted(plan.parent.rglob("*.yaml")):
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
        keys[plan.parent.relative_to(data).as_posix()] = digest.hexdigest()
    return keys


def _sub(path: Path, pattern: str, replace: Callable[[re.Match[str]], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replace, text, count=1, flags=re.M)
    assert changed != text, f"{path}: {pattern}"
    path.write_text(changed, encoding="utf-8")


def _ids(plan: Path, pattern: str) -> list[str]:
    return re.findall(pattern, plan.read_text(encoding="utf-8"), flags=re.M)


def _added(path: Path, rng: random.Random) -> None:
    """A copy of a project in another plan, with a new id (anywhere among the plan's) and number, linked to that plan's units and strategy."""
    folder = rng.choice([f for f in sorted(path.parents[3].glob("*/*/projects")) if f != path.parent])
    plan = folder.parent / "plan.yaml"
    new = next(n for n in (f"p{rng.randrange(60):03d}{rng.choice('abc')}" for _ in range(99)) if not (folder / f"{n}.yaml").exists())
    text = re.sub(r"^id: \S+$", f"id: {new}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    text = re.sub(r"^number: .*$", f"number: '{rng.randrange(100, 999)}'", text, count=1, flags=re.M)
    text = re.sub(r"^unit: \S+$", "unit: " + rng.choice(_ids(plan, r"^\s*- id: (t\d+)$")), text, count=1, flags=re.M)
    text = re.sub(r"^strategy: \S+$", "strategy: " + rng.choice(_ids(plan, r"^\s+- id: (s\d+-\d+)$")), text, count=1, flags=re.M)
    (folder / f"{new}.yaml").write_text(re.sub(r"^  year: \d+$", f"  year: {folder.parent.name}", text, flags=re.M), encoding="utf-8")


# Edits of the synthetic portal's project files (benchmarks/portal.py): the six kinds of tests/test_incremental_build.py, and an addition.
SYNTHETIC: dict[str, Callable[[Path, random.Random], None]] = {
    "title": lambda path, rng: _sub(path, r"^title: (.*)$", lambda m: f"title: {m.group(1)} {rng.choice(['고침', '새로운 돌봄사업', 'ESG 2031'])}"),
    "budget": lambda path, rng: _sub(path, r"(\d{1,3}(?:,\d{3})+)천원", lambda m: f"{int(m.group(1).replace(',', '')) + rng.choice([1_000, 70_000]):,}천원"),
    "strategy": lambda path, rng: _sub(path, r"^strategy: (\S+)$", lambda m: "strategy: " + rng.choice(
        [s for s in _ids(path.parent.parent / "plan.yaml", r"^\s+- id: (s\d+-\d+)$") if s != m.group(1)])),
    "unit": lambda path, rng: _sub(path, r"^unit: (\S+)$", lambda m: "unit: " + rng.choice(
        [u for u in _ids(path.parent.parent / "plan.yaml", r"^\s*- id: (t\d+)$") if u != m.group(1)])),
    "withheld": lambda path, rng: path.write_text(path.read_text(encoding="utf-8") + "withheld: {ground: 5}\n", encoding="utf-8"),
    "deletion": lambda path, rng: path.unlink(),
    "addition": _added,
}
FITS = {"budget": re.compile(r"\d{1,3}(?:,\d{3})+천원"), "withheld": re.compile(r"\A(?![\s\S]*^withheld:)", re.M)}  # projects an edit applies to


def _rooms(files: dict[str, bytes]) -> list[tuple[str, int]]:
    """Each plan's key and room (`search.plan_room`): another room renumbers every later plan, so the index is laid out whole."""
    return [(p["key"], search.plan_room(p["end"] - p["start"])) for p in search.index_plans(files)]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 200-project synthetic portal: 8 plans, 528 documents, 1,024 shards."""
    from benchmarks.portal import generate

    data = tmp_path_factory.mktemp("synthetic") / "data"
    generate(data, 200, 25, history=False)
    return data


def _index(data: Path, cache: Path, docs: Path) -> tuple[Outputs, dict[str, bytes]]:
    """The kept index after the data as it is now, and the index laid out whole from scratch."""
    checked = check(data)
    assert checked.portal is not None, [p.format() for p in checked.problems]
    portal = redact_portal(checked.portal)
    kept = searchstate.kept_index_files(portal, memo=PlanMemo(cache, _plan_keys(data), docs=docs))
    assert isinstance(kept, Outputs)
    whole, joined, sharding = search.full_index(sorted(portal.plans, key=lambda b: b.key), INDEX_DIR, None)
    state = searchstate._loaded(PlanMemo(cache), INDEX_DIR)
    if state is not None and kept == whole:  # what the kept state decided is what a whole layout decides (the shard count's size too)
        assert (state.sharding.size, state.sharding.lengths, state.sharding.best, state.sharding.prefix, state.sharding.effects) == (
            sharding.size, sharding.lengths, sharding.best, sharding.prefix, sharding.effects)
        assert (state.bounds, state.counts, state.rows) == ([*joined.starts, len(joined.rows)], joined.counts, joined.rows)
    return kept, whole


def _write(docs: Path, files: Outputs) -> None:
    """Write the files as a build does: the ones the docs tree holds are not looked at."""
    made: set[str] = set()
    for path, content in files.items():
        if path not in files.held:
            update_file(docs, path, content, made)


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the whole layouts the kept index falls back to."""
    counted: list[int] = []
    full_index = searchstate.full_index

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        counted.append(1)
        return full_index(*args, **kwargs)

    monkeypatch.setattr(searchstate, "full_index", counting)
    return counted


@pytest.mark.parametrize(("seed", "tight"), [(1, False), (2, True), (3, True)])
def test_random_edits_patch_to_the_whole_layout(synthetic: Path, tmp_path: Path, laid_out: list[int], seed: int, tight: bool,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`tight`: fewer, fuller shards whose row budgets run out, so that one phrase's rows change what later ones add."""
    monkeypatch.setattr(search, "ZIPPED", 4_096)  # shards with gzip files, which the patches must keep in step
    if tight:
        monkeypatch.setattr(search, "SHARD_TARGET", 200_000)
        monkeypatch.setattr(search, "ROWS_MAX", 2_000)
        for module in (search, searchstate):
            monkeypatch.setattr(module, "PHRASE_MAX", 1_500)
    data, cache, docs = tmp_path / "data", tmp_path / "cache", tmp_path / "docs"
    shutil.copytree(synthetic, data)
    kept, whole = _index(data, cache, docs)
    assert kept == whole and laid_out == [1] and not kept.held
    assert any(path.endswith(".gz") for path in kept)
    _write(docs, kept)
    rng = random.Random(seed)
    kinds = [*rng.sample(sorted(SYNTHETIC), len(SYNTHETIC)), "deletion", "addition"]
    patched = []
    for round_, kind in enumerate(kinds):
        fits = FITS.get(kind, re.compile(""))
        projects = [p for p in sorted(data.glob("*/*/projects/*.yaml")) if fits.search(p.read_text(encoding="utf-8"))]
        for path in rng.sample(projects, 1 if round_ % 2 else 2):  # one edit, or two in one build (in one plan or two)
            SYNTHETIC[kind](path, rng)
        laid_out.clear()
        rooms = _rooms(kept)
        kept, whole = _index(data, cache, docs)
        assert kept == whole, kind
        assert laid_out == ([] if _rooms(kept) == rooms else [1]), kind
        patched += [kind] if not laid_out else []
        assert {path for path in kept.held if (docs / path).read_bytes() != kept[path]} == set()
        _write(docs, kept)
    assert {"deletion", "addition"} <= set(patched)


def test_a_plan_whose_room_changes_lays_the_index_out_whole(synthetic: Path, tmp_path: Path, laid_out: list[int]) -> None:
    """Deletions that take a plan's count under its room's step renumber every later plan: laid out whole, then patched again."""
    data, cache, docs = tmp_path / "data", tmp_path / "cache", tmp_path / "docs"
    shutil.copytree(synthetic, data)
    kept = _index(data, cache, docs)[0]
    plan = search.index_plans(kept)[0]
    count, projects = plan["end"] - plan["start"], sorted((data / plan["key"] / "projects").glob("*.yaml"))
    under = count - search.plan_room(count) // 2 + 1  # deletions to the next smaller room (a step of at least ROOM)
    assert search.plan_room(count - under) < search.plan_room(count) and under < len(projects)
    for path in projects[1 : 1 + under]:
        path.unlink()
    kept, whole = _index(data, cache, docs)
    assert kept == whole and laid_out == [1, 1]
    projects[-1].unlink()
    kept, whole = _index(data, cache, docs)
    assert kept == whole and laid_out == [1, 1]


def test_a_build_writes_no_index_file_it_holds_and_repairs_those_changed_by_hand(synthetic: Path, tmp_path: Path, laid_out: list[int]) -> None:
    data, cache, docs = tmp_path / "data", tmp_path / "cache", tmp_path / "docs"
    shutil.copytree(synthetic, data)
    _write(docs, _index(data, cache, docs)[0])
    kept = _index(data, cache, docs)[0]  # read once and compared, then known by size and mtime
    assert kept.held == {path for path in kept if not search.is_plan_file(path)}
    touched, gone = docs / INDEX_DIR / "s/3.json", docs / INDEX_DIR / "t/7.json"
    touched.write_bytes(touched.read_bytes().replace(b'"k":', b'"K":'))
    gone.unlink()
    SYNTHETIC["title"](sorted(data.glob("*/*/projects/*.yaml"))[5], random.Random(0))
    kept, whole = _index(data, cache, docs)
    assert kept == whole and laid_out == [1]
    assert f"{INDEX_DIR}/s/3.json" not in kept.held and f"{INDEX_DIR}/t/7.json" not in kept.held
    _write(docs, kept)
    assert touched.read_bytes() == kept[f"{INDEX_DIR}/s/3.json"] and gone.read_bytes() == kept[f"{INDEX_DIR}/t/7.json"]


def _truncated(name: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    return lambda cache, monkeypatch: (cache / name).write_bytes((cache / name).read_bytes()[:1000])


NOT_APPLYING: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {
    "state damaged": _truncated(searchstate.STATE),
    "base damaged": _truncated(searchstate.BASE),
    "base of another state": lambda cache, monkeypatch: (cache / searchstate.BASE).write_bytes(
        (cache / searchstate.BASE).read_bytes().replace(searchstate._loaded(PlanMemo(cache), INDEX_DIR).token.encode(), b"0" * 16)),  # type: ignore[union-attr]
    "other code": lambda cache, monkeypatch: monkeypatch.setattr(searchstate, "CODE", "다른 코드"),
    "other shard count": lambda cache, monkeypatch: monkeypatch.setattr(search, "SHARD_TARGET", search.SHARD_TARGET * 2),
}


@pytest.mark.parametrize("case", sorted(NOT_APPLYING))
def test_the_index_is_laid_out_whole_when_the_state_does_not_apply(synthetic: Path, tmp_path: Path, laid_out: list[int], monkeypatch: pytest.MonkeyPatch,
                                                                     case: str) -> None:
    data, cache, docs = tmp_path / "data", tmp_path / "cache", tmp_path / "docs"
    shutil.copytree(synthetic, data)
    _index(data, cache, docs)
    NOT_APPLYING[case](cache, monkeypatch)
    SYNTHETIC["title"](sorted(data.glob("*/*/projects/*.yaml"))[0], random.Random(0))
    kept, whole = _index(data, cache, docs)
    assert kept == whole and laid_out == [1, 1]
    SYNTHETIC["title"](sorted(data.glob("*/*/projects/*.yaml"))[0], random.Random(1))
    kept, whole = _index(data, cache, docs)  # kept again: the next edit is patched
    assert kept == whole and laid_out == [1, 1]


def _add(work: Path, rng: random.Random) -> None:
    """A copy of a demo-city 2025 project under a new id (anywhere among the plan's) and number."""
    path = rng.choice(sorted((work / "data/demo-city/2025/projects").glob("*.yaml")))
    new = rng.choice(["aa-new", "m-new", "zz-new"])
    text = re.sub(r"^id: \S+$", f"id: {new}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    text = re.sub(r"^number: .*$", "number: '99'", text, count=1, flags=re.M)
    (path.parent / f"{new}.yaml").write_text(text, encoding="utf-8")
    for report in (work / "data/demo-city/2025/progress").glob("*.yaml"):  # reported on as its original (a deletion takes it out again)
        _sub(report, rf"^  {path.stem}:\n(?:    .*\n)*", lambda m: m.group(0) + m.group(0).replace(f"  {path.stem}:", f"  {new}:", 1))


@pytest.mark.parametrize("seed", [2026, 7])
def test_builds_after_random_edits_have_the_index_a_full_build_has(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """The real pipeline (the fixture portals: 3 plans, 32 shards), one edit of each kind after the other."""
    from tests.conftest import DEMO_DATA, FIXTURE_DATA

    work = tmp_path / "work"
    shutil.copytree(FIXTURE_DATA, work / "data")
    shutil.copytree(DEMO_DATA / "demo-city", work / "data/demo-city")
    _build(work)
    patched: list[bool] = []
    kept_index = searchstate.kept_index
    full_index = searchstate.full_index
    monkeypatch.setattr(searchstate, "kept_index", lambda *a: patched.append(True) or kept_index(*a))
    monkeypatch.setattr(searchstate, "full_index", lambda *a: patched.__setitem__(-1, False) or full_index(*a))
    rng = random.Random(seed)
    edits = EDITS | {"addition": _add}
    for kind in rng.sample(sorted(edits), len(edits)):
        edits[kind](work, rng)
        checked = _build(work)
        assert checked.portal is not None
        whole = index_files(redact_portal(checked.portal))
        files = {path: content for path, content in _tree(work / "build/docs" / INDEX_DIR).items() if content is not None}  # not folders
        assert files == {path.removeprefix(f"{INDEX_DIR}/"): content for path, content in whole.items()}, kind
        assert patched[-1], kind  # the fixture portals' plans keep their rooms
    fresh = tmp_path / "fresh"
    shutil.copytree(work / "data", fresh / "data")
    _build(fresh)
    assert _tree(work / "site") == _tree(fresh / "site")


def test_a_phrase_page_said_to_hold_is_the_page_worked_out_again() -> None:
    """`searchstate.page_holds` against `search.phrase_page` on small random postings and random changes (stems and emptied keys included)."""
    rng = random.Random(5)
    syllables, phrases = "가나다을에서는", ["가나다", "가나다을", "가나을", "다을가나", "가나에서는", "나다에서는", "가나다에서"]  # stems: 가나, 가나에서
    held = 0
    for _ in range(6_000):
        before = {key: {d: rng.randrange(8) for d in rng.sample(range(30), rng.randrange(0, 14))} for key in (a + b for a in syllables for b in syllables)}
        after = {key: dict(row) for key, row in before.items()}
        removed, gained, changed = set(), set(), set()
        for key in rng.sample(sorted(after), rng.randrange(1, 4)):
            row = after[key]
            for d in rng.sample(range(30), rng.randrange(1, 3)):
                if d in row and rng.random() < 0.5:
                    del row[d]
                    removed.add(d)
                else:
                    row[d] = rng.randrange(8)
                    gained.add(d)
            changed.add(key)
        phrase = rng.choice(phrases)
        page = search.phrase_page({k: v for k, v in before.items() if v}, phrase, {})
        index = searchstate.Packed.of({k: v for k, v in after.items() if v})
        if searchstate.page_holds(index, phrase, page, changed, removed, gained):
            held += 1
            assert search.phrase_page(index, phrase, {}) == page, (phrase, before, after)
    assert held > 300
