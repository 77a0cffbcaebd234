"""The check's caches (load/memo.py: what files were read as; check/privacy.py: what the personal-data scan found) give
exactly what a check without them gives: the same problems with the same Korean messages and lines, the same findings,
the same portal. A damaged or foreign cache counts as none; a file is known by its bytes, never its size or date."""

from __future__ import annotations

import datetime
import marshal
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from site_builder.base import store
from site_builder.base.digest import tree_digest
from site_builder.base.store import CacheDir
from site_builder.check import privacy
from site_builder.git.history import History
from site_builder.load import memo as memo_mod
from site_builder.load import source
from site_builder.pipeline.run import Checked, check
from site_builder.render import reuse
from site_builder.shards.shard import data_fingerprint
from tests.conftest import DEMO_DATA, FIXTURE_DATA, ROOT, TESTS

DATA_SETS = {"fixture": FIXTURE_DATA, "demo": DEMO_DATA, "seeds": ROOT / "data", "multiyear": TESTS / "fixtures_multiyear" / "data"}
CASES = sorted((TESTS / "invalid").glob("*.yaml"))
PROJECT = "demo-org/2024/projects/p1.yaml"
PHONE = "010-2345-6789"


def summary(checked: Checked) -> dict[str, Any]:
    """Everything a check gives, as plain values: problems, findings, every model and every file as read (data, lines)."""
    portal = checked.portal
    plans = [] if portal is None else [
        (b.key, b.org.model_dump(), b.plan.model_dump(), [p.model_dump() for p in b.projects], [r.model_dump() for r in b.reports],
         [(s.display, s.kind, s.digest, repr(s.data), list(s.where().items())) for s in (b.org_file, b.plan_file, *b.sources, *b.report_files)])
        for b in portal.plans]
    return {"problems": [p.format() for p in checked.problems], "findings": checked.findings, "plans": plans,
            "site": None if portal is None else portal.site.model_dump()}


class Counted:
    """Counts the calls of a module function while it still does its work."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        self.calls = 0
        real = getattr(module, name)

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)


def writable(data: Path, tmp_path: Path) -> Path:
    """A copy of a data folder to change."""
    shutil.copytree(data, tmp_path / "data")
    return tmp_path / "data"


@pytest.mark.parametrize("name", sorted(DATA_SETS))
def test_a_check_with_the_caches_equals_one_without(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, cache = DATA_SETS[name], CacheDir(tmp_path / "cache")
    plain = summary(check(data))
    assert summary(check(data, cache=cache)) == plain  # the first build fills the caches
    parsed, scanned = Counted(monkeypatch, source, "_parsed"), Counted(monkeypatch, privacy, "file_hits")
    assert summary(check(data, cache=cache)) == plain
    assert (parsed.calls, scanned.calls) == (0, 0)  # the second reads every file from them


def test_the_full_flag_recalls_nothing_but_keeps_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    check(FIXTURE_DATA, cache=CacheDir(cache))
    parsed = Counted(monkeypatch, source, "_parsed")
    check(FIXTURE_DATA, cache=CacheDir(cache, fresh=True))
    assert parsed.calls == len(list(FIXTURE_DATA.rglob("*.yaml")))
    check(FIXTURE_DATA, cache=CacheDir(cache))
    assert parsed.calls == len(list(FIXTURE_DATA.rglob("*.yaml")))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_an_invalid_file_has_the_same_problems_on_a_cached_run(case: Path, data_copy: Path, tmp_path: Path) -> None:
    target = data_copy / case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# target: ").strip()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
    plain, cache = summary(check(data_copy)), CacheDir(tmp_path / "cache")
    assert plain["problems"]
    assert summary(check(data_copy, cache=cache)) == plain
    assert summary(check(data_copy, cache=cache)) == plain


def test_a_file_that_failed_to_load_is_never_kept(data_copy: Path, tmp_path: Path) -> None:
    (data_copy / PROJECT).write_text("id: p01\nid: p01\n", encoding="utf-8")  # a key twice: read, with a problem
    memo = memo_mod.ParseMemo(CacheDir(tmp_path / "cache"))
    loaded, problems = source.load_file(data_copy / PROJECT, PROJECT, "project", memo)
    assert loaded is not None and problems
    memo.save()
    assert memo_mod.ParseMemo(CacheDir(tmp_path / "cache")).recall(loaded.digest) is None


def _phone(path: Path) -> None:
    """Give the project's contact a mobile number (personal data the scan finds)."""
    text = path.read_text(encoding="utf-8")
    assert 'phone: "1001"' in text
    path.write_text(text.replace('phone: "1001"', f'phone: "{PHONE}"', 1), encoding="utf-8")


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace text by text of the same byte length, then put the file's modification time back."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old.encode()) == len(new.encode())
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


def test_an_edited_file_is_read_again_even_with_the_same_size_and_time(data_copy: Path, tmp_path: Path) -> None:
    cache = CacheDir(tmp_path / "cache")
    check(data_copy, cache=cache)
    _same_size_edit(data_copy / PROJECT, "title: 첫 사업", "title: 둘 사업")
    cached = check(data_copy, cache=cache)
    assert summary(cached) == summary(check(data_copy))
    assert cached.portal is not None and cached.portal.plans[0].projects[0].title.startswith("둘 사업")


def _flip_text(path: Path) -> None:
    """Change a key inside a cache file (`title` → `Title`): marshal still reads it, as other data."""
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"title", b"Title", 1))


DAMAGE = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "garbage": lambda p: p.write_bytes(b"\x00garbage" * 40),
    "empty": lambda p: p.write_bytes(b""),
    "a title changed inside": _flip_text,
    "another code's key": lambda p: store.write_store(p, "another code", store.read_store(p, _key_of(p))),
    "planted values": lambda p: store.write_store(p, _key_of(p), {d: ("no", 1) for d in store.read_store(p, _key_of(p))}),
    "a folder": lambda p: (p.unlink(), p.mkdir()),
}


def _key_of(path: Path) -> str:
    """The key a cache file is stored under."""
    return str(marshal.loads(path.read_bytes())[0])


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_or_foreign_cache_is_ignored(damage: str, data_copy: Path, tmp_path: Path) -> None:
    _phone(data_copy / PROJECT)
    cache = CacheDir(tmp_path / "cache")
    plain = summary(check(data_copy))
    assert any("휴대전화" in p for p in plain["problems"])
    check(data_copy, cache=cache)
    files = sorted((tmp_path / "cache").rglob("*.bin"))
    assert len(files) > 2
    for path in files:
        DAMAGE[damage](path)
    assert summary(check(data_copy, cache=cache)) == plain
    assert summary(check(data_copy, cache=cache)) == plain  # and the cache written again after it is whole


def _walk(value: Any) -> list[tuple[type, Any]]:
    """Every value with its type, keys included (repr alone would not tell a date from a string of it)."""
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _walk(k) + _walk(v)]
    if isinstance(value, (list, tuple)):
        return [(type(value), len(value))] + [item for v in value for item in _walk(v)]
    return [(type(value), value)]


DATED = [
    {"as_of": datetime.date(2024, 3, 31), "at": datetime.datetime(2024, 3, 31, 9, 30, 5, 120000, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))},
    {datetime.date(2024, 1, 2): [datetime.datetime(2024, 1, 2, 10, 0), {"x": None, 1: 2.5, False: "t"}]},
    [datetime.date(1, 1, 1), datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC), "2024-01-01", ["date", "2024-01-01"]],
]


@pytest.mark.parametrize("value", DATED, ids=["values", "keys", "list"])
def test_dates_come_back_as_dates(value: Any) -> None:
    packed = memo_mod.pack_data(value)
    assert packed[:1] == b"t"  # marshal alone cannot store them
    back = memo_mod.unpack_data(packed)
    assert back == value and _walk(back) == _walk(value)


def test_every_yaml_file_of_the_repository_comes_back_as_read() -> None:
    paths = [p for folder in ("data", "examples/data", "tests") for p in sorted((ROOT / folder).rglob("*.yaml"))]
    tagged = 0
    for path in paths:
        loaded, problems = source.load_file(path, path.name, "x")
        if loaded is None or problems:
            continue
        data, positions = memo_mod.pack_data(loaded.data), memo_mod.pack_positions(loaded.positions)
        tagged += data[:1] == b"t"
        back = memo_mod.unpack_data(data)
        assert back == loaded.data and _walk(back) == _walk(loaded.data), path
        assert list(memo_mod.unpack_positions(positions).items()) == list(loaded.positions.items()), path
    assert tagged >= 6  # the demo's progress reports, dated: the tagged path is exercised


def test_an_acknowledgement_applies_to_kept_hits(data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _phone(data_copy / PROJECT)
    cache = CacheDir(tmp_path / "cache")
    found = check(data_copy, cache=cache).problems
    assert [p.file for p in found] == [f"data/{PROJECT}"] and found == check(data_copy).problems
    site = data_copy / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"acknowledged_personal_data: [\"{PHONE}\"]\n", encoding="utf-8")
    scanned = Counted(monkeypatch, privacy, "file_hits")
    assert check(data_copy, cache=cache).problems == []
    assert scanned.calls == 1  # site.yaml, changed: the project's hits were kept and are now acknowledged
    assert check(data_copy).problems == []


def test_other_email_domains_scan_again(data_copy: Path, tmp_path: Path) -> None:
    project = data_copy / PROJECT
    project.write_text(project.read_text(encoding="utf-8").replace("title: 첫 사업", "title: 첫 사업 (문의 kim@city.example.kr)", 1), encoding="utf-8")
    cache = CacheDir(tmp_path / "cache")
    assert [p.message for p in check(data_copy, cache=cache).problems] == ["개인정보로 보이는 값이 있습니다: 개인 전자우편 주소"]
    site = data_copy / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "email_domains: [city.example.kr]\n", encoding="utf-8")
    assert check(data_copy, cache=cache).problems == check(data_copy).problems == []


def test_fingerprints_from_the_loaders_digests_equal_those_from_the_files(tmp_path: Path) -> None:
    data = writable(DEMO_DATA, tmp_path)
    (data / "demo-city" / "notes.txt").write_text("읽지 않는 파일도 지문에 듭니다\n", encoding="utf-8")
    portal = check(data).portal
    assert portal is not None
    dates = {os.path.realpath(s.path): "2024-01-01" for b in portal.plans for s in b.sources}
    known = reuse.fingerprints(portal, History(), dates)
    assert data_fingerprint(data, reuse.source_digests(portal)) == data_fingerprint(data)
    for bundle in portal.plans:
        for sourcefile in (bundle.org_file, bundle.plan_file, *bundle.sources, *bundle.report_files):
            sourcefile.digest = ""  # the files are read again instead
    assert reuse.fingerprints(portal, History(), dates) == known
    (data / "demo-city" / "notes.txt").write_text("바뀜\n", encoding="utf-8")
    assert reuse.fingerprints(portal, History(), dates) != known


def test_a_tree_digest_names_every_file_by_path_and_bytes(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x").write_bytes(b"1")
    (tmp_path / "a" / "y").write_bytes(b"2")
    first = tree_digest(tmp_path).hexdigest()
    (tmp_path / "a" / "b" / "x").rename(tmp_path / "a" / "x2")
    assert tree_digest(tmp_path).hexdigest() != first  # moved
    (tmp_path / "a" / "x2").rename(tmp_path / "a" / "b" / "x")
    assert tree_digest(tmp_path).hexdigest() == first
    (tmp_path / "a" / "y").write_bytes(b"3")
    assert tree_digest(tmp_path).hexdigest() != first  # changed
    (tmp_path / "a" / "y").write_bytes(b"2")
    (tmp_path / "a" / "dangling").symlink_to(tmp_path / "nowhere")
    assert tree_digest(tmp_path).hexdigest() == first  # a link to nothing is no file


@pytest.mark.parametrize("fresh", [False, True])
def test_compiled_templates_are_kept_in_the_build_cache_and_recalled_unless_fresh(fresh: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.render import markdown

    def environment() -> Any:  # a new process's: nothing compiled in memory yet
        env = markdown.make_environment()
        monkeypatch.setattr(markdown, "_ENVIRONMENTS", [env])
        return env

    markdown.keep_compiled_templates(CacheDir(tmp_path, fresh=False))
    environment().get_template("project.md.j2")
    assert list((tmp_path / "templates").iterdir())  # stored
    markdown.keep_compiled_templates(CacheDir(tmp_path, fresh=fresh))
    compiled: list[str] = []
    env = environment()
    compile_source = env.compile
    monkeypatch.setattr(env, "compile", lambda source, name=None, *a, **k: compiled.append(name) or compile_source(source, name, *a, **k))
    env.get_template("project.md.j2")
    assert ("project.md.j2" in compiled) == fresh  # recalled unless the build is fresh (`--full`)
    markdown.keep_compiled_templates(None)
    assert environment().bytecode_cache is None
