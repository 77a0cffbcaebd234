"""Change history from git: plain-Korean messages, dates from commits, graceful without git."""

from __future__ import annotations

import marshal
import posixpath
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.base.store import CacheDir, read_store, write_store
from site_builder.git import changes as changes_mod
from site_builder.git import history as history_mod
from site_builder.git.changes import describe
from site_builder.git.history import History, load_history
from site_builder.git.screen import Screen
from site_builder.model import Project
from site_builder.model.portal import Portal
from site_builder.outputs.feed import atom_feed
from site_builder.pipeline.run import check, generate
from site_builder.plan.pages import page_url
from site_builder.publish.purge import Purge, fingerprint
from tests.conftest import TESTS, git, run_cli

MULTIYEAR = TESTS / "fixtures_multiyear" / "data"
CARE = "data/town/2024/projects/care.yaml"


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    """Replace text in a data file (the replacement must happen)."""
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def commit(repo: Path, date: str, message: str) -> None:
    """Commit everything with a fixed date."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)


SCHEDULE = """schedule:
  rows:
    - {label: 돌봄 인력 모집, marks: [1, 2]}
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with a short, dated history of the two-year fixture."""
    root = tmp_path_factory.mktemp("hist")
    shutil.copytree(MULTIYEAR, root / "data")
    git(root, "init", "-q", "-b", "main")
    commit(root, "2024-01-10T10:00:00+09:00", "처음 올림")
    edit(root, CARE, '"10,000천원"', '"9,500천원"')
    edit(root, CARE, 'value: "85"', 'value: "90"')
    (root / CARE).write_text((root / CARE).read_text(encoding="utf-8") + SCHEDULE, encoding="utf-8")
    commit(root, "2024-03-05T09:30:00+09:00", "예산 조정")
    edit(root, CARE, "marks: [1, 2]", "marks: [1, 2, 3]")
    commit(root, "2024-04-01T18:00:00+09:00", "추진계획 3월 추가")
    edit(root, CARE, "title: 마을 돌봄", "title: 마을 돌봄 확대")
    edit(root, "data/town/2024/projects/trail.yaml", "title: 둘레길 조성", "title: [깨진 YAML")  # invalid in between
    commit(root, "2024-05-02T12:00:00+09:00", "제목 변경 (둘레길은 실수)")
    edit(root, "data/town/2024/projects/trail.yaml", "title: [깨진 YAML", "title: 둘레길 조성")
    edit(root, CARE, "id: care", "# 주석만 바꿈\nid: care")  # no model change: no entry
    commit(root, "2024-05-03T12:00:00+09:00", "되돌림과 주석")
    git(root, "rm", "-q", "data/town/2023/projects/walk.yaml")
    edit(root, "data/town/2024/projects/trail.yaml", 'continues: ["town/2023/walk"]\n', "")
    commit(root, "2024-06-01T08:00:00+09:00", "2023 걷기 사업 삭제")
    return root


def portal_of(data: Path) -> Portal:
    checked = check(data)
    assert checked.portal is not None, [p.format() for p in checked.problems]
    return checked.portal


def test_project_history_in_plain_korean(repo: Path) -> None:
    hist = load_history(repo / "data", portal_of(repo / "data"))
    assert hist.available
    changes = hist.of("town/2024/care")
    assert [c.date for c in changes] == ["2024-05-02", "2024-04-01", "2024-03-05", "2024-01-10"]
    assert changes[0].messages == ("제목 변경: 마을 돌봄 → 마을 돌봄 확대",)
    assert changes[1].messages == ("추진계획 3월 추가 (돌봄 인력 모집)",)
    assert set(changes[2].messages) == {"예산 10,000천원 → 9,500천원", "목표치 85 → 90 (이용자 만족도, 2024년)", "추진계획 추가: 돌봄 인력 모집"}
    assert changes[3].messages == ("사업 추가",)


def test_invalid_and_comment_only_versions_are_skipped(repo: Path) -> None:
    hist = load_history(repo / "data", portal_of(repo / "data"))
    trail = hist.of("town/2024/trail")
    assert [c.messages for c in trail] == [("다른 해 사업 연결 삭제",), ("사업 추가",)]  # the broken version never shows
    assert "2024-05-03" not in [c.date for c in hist.of("town/2024/care")]


def test_deleted_project_appears_in_recent_changes(repo: Path) -> None:
    hist = load_history(repo / "data", portal_of(repo / "data"))
    first = hist.recent()[0]
    assert (first.date, first.key, first.messages, first.exists) == ("2024-06-01", "town/2023/walk", ("사업 삭제",), False)
    assert [c.date for c in hist.recent()] == sorted((c.date for c in hist.recent()), reverse=True)


def test_one_git_log_and_one_cat_file_for_all_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = history_mod.run_git

    def counting(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
        calls.append(args[0])
        return real(root, *args, stdin=stdin)

    monkeypatch.setattr(history_mod, "run_git", counting)
    load_history(repo / "data", portal_of(repo / "data"))
    assert calls.count("log") == 1 and calls.count("cat-file") == 1 and "show" not in calls


def test_committed_files_are_not_read_again(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The version in the working tree is the project the build validated: only older versions are parsed, and the
    # history is the one that parsing every version gives, also for a file changed since its last commit.
    work = tmp_path / "repo"
    shutil.copytree(repo, work)
    edit(work, CARE, "title: 마을 돌봄 확대", "title: 마을 돌봄 (저장 전)")
    portal = portal_of(work / "data")
    parsed: list[bytes | None] = []
    real = history_mod._version_data
    monkeypatch.setattr(history_mod, "_version_data", lambda blob: parsed.append(blob) or real(blob))
    quick = load_history(work / "data", portal)
    monkeypatch.setattr(history_mod, "_blob_id", lambda path, like: None)  # as before: every version parsed
    parsed_before = len(parsed)
    slow = load_history(work / "data", portal)
    assert quick.by_project == slow.by_project
    assert parsed_before == len(parsed) - parsed_before - 2  # 2023 care and 2024 trail: their working files are in HEAD
    assert quick.of("town/2024/care")[0].title == "마을 돌봄 확대"  # the committed title: uncommitted edits are no history


def test_pages_show_history_and_feed_is_valid_atom(repo: Path) -> None:
    portal = portal_of(repo / "data")
    files = generate(portal, load_history(repo / "data", portal))
    page = files["town/2024/projects/care.md"]
    assert isinstance(page, str)
    assert "## 변경 이력" in page and "2024-03-05" in page and "예산 10,000천원 → 9,500천원" in page
    recent = files["changes.md"]
    assert isinstance(recent, str) and "사업 삭제" in recent and "feed.xml" in recent
    feed = ET.fromstring(files["feed.xml"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert entries and feed.findtext("a:updated", namespaces=ns) == "2024-06-01T08:00:00+09:00"
    assert entries[1].findtext("a:link", namespaces=ns) is not None


def test_output_is_deterministic(repo: Path) -> None:
    portal = portal_of(repo / "data")
    assert generate(portal, load_history(repo / "data", portal)) == generate(portal, load_history(repo / "data", portal))


def test_shallow_clone_has_no_history_and_still_builds(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    portal = portal_of(clone / "data")
    hist = load_history(clone / "data", portal)
    assert not hist.available and hist.by_project == {}
    files = generate(portal, hist)
    assert "## 변경 이력" not in str(files["town/2024/projects/care.md"])
    assert "변경 이력을 보여 줄 수 없습니다" in str(files["changes.md"])
    ET.fromstring(files["feed.xml"])


def test_without_repository_or_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(MULTIYEAR, data)
    portal = portal_of(data)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert not load_history(data, portal).available
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # no git binary at all
    assert not load_history(data, portal).available


def project(**fields: object) -> Project:
    return Project.model_validate({"id": "p", "title": "사업", **fields})


def test_describe_messages() -> None:
    words = changes_mod.Words("천원", {"u1": "기획팀", "u2": "예산팀"})
    budget = {"items": [{"label": "소요예산", "kind": "budget", "text": "12,000천원"}]}
    old = project(unit="u1", overview=budget, goals={"body": "- 하나\n"})
    new = project(unit="u2", overview={"items": [{"label": "소요예산", "kind": "budget", "text": "비예산"}]}, goals={"body": "- 둘\n"})
    assert describe(old, new, words) == ["담당 부서 변경: 기획팀 → 예산팀", "예산 12,000천원 → 비예산", "사업목표 수정 (1줄 바뀜)"]
    assert describe(old, old, words) == []
    longer = project(unit="u1", overview=budget, goals={"body": "- 하나\n- 둘\n- 셋\n"})
    assert describe(old, longer, words) == ["사업목표 수정 (2줄 추가)"]
    assert describe(longer, old, words) == ["사업목표 수정 (2줄 삭제)"]
    steps = {"steps": [{"when": "2024. 3.", "text": "공고"}]}
    assert describe(old, project(unit="u1", overview=budget, goals={"body": "- 하나\n"}, steps=[steps]), words) == ["향후계획 추가: 2024. 3. 공고"]


def test_empty_feed_has_fixed_date() -> None:
    feed = atom_feed(History(), "누리집", "https://example.go.kr/", set())
    assert "<updated>2024-01-01T00:00:00+00:00</updated>" in feed and "https://example.go.kr/changes/" in feed


def _other_year_links(page: str) -> list[str]:
    """Link addresses of the 「다른 해의 같은 사업」 section of a generated project page (relative to the page's URL)."""
    if "## 다른 해의 같은 사업" not in page:
        return []
    section = page.split("## 다른 해의 같은 사업", 1)[1].split("\n## ", 1)[0]
    return re.findall(r'href="([^"]+)"', section)


def test_multi_year_projects_link_their_other_years() -> None:
    files = generate(portal_of(MULTIYEAR))
    expected = {
        "town/2024/projects/care.md": ["../../../2023/projects/care/"],  # same id, other year
        "town/2023/projects/care.md": ["../../../2024/projects/care/"],
        "town/2024/projects/trail.md": ["../../../2023/projects/walk/"],  # explicit `continues`
        "town/2023/projects/walk.md": ["../../../2024/projects/trail/"],  # … shown on both sides
    }
    for path, links in expected.items():
        assert _other_year_links(str(files[path])) == links, path
        for link in links:
            assert posixpath.normpath(posixpath.join(page_url(path), link)) + ".md" in files
    org = str(files["town/index.md"])
    assert org.index("2024년") < org.index("2023년")  # both years side by side on the organisation page


def test_continues_chain_shows_every_year(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MULTIYEAR, data)
    shutil.copytree(data / "town/2024", data / "town/2025")
    edit(tmp_path, "data/town/2025/plan.yaml", "year: 2024", "year: 2025")
    (data / "town/2025/projects/care.yaml").unlink()
    edit(tmp_path, "data/town/2025/projects/trail.yaml", 'continues: ["town/2023/walk"]', 'continues: ["town/2024/trail"]')
    files = generate(portal_of(data))
    assert _other_year_links(str(files["town/2023/projects/walk.md"])) == ["../../../2024/projects/trail/", "../../../2025/projects/trail/"]
    assert _other_year_links(str(files["town/2024/projects/care.md"])) == ["../../../2023/projects/care/"]


def test_cli_build_publishes_history_and_feed(repo: Path, tmp_path: Path) -> None:
    result = run_cli("build", "--data", str(repo / "data"), "--site-dir", str(tmp_path / "site"), "--build-dir", str(tmp_path / "build"))
    assert result.code == 0, result.err
    assert (tmp_path / "site" / "feed.xml").read_text(encoding="utf-8") == (tmp_path / "build" / "docs" / "feed.xml").read_text(encoding="utf-8")
    care = (tmp_path / "site" / "town" / "2024" / "projects" / "care" / "index.html").read_text(encoding="utf-8")
    assert "변경 이력" in care and "예산 10,000천원 → 9,500천원" in care and "다른 해의 같은 사업" in care
    assert "사업 삭제" in (tmp_path / "site" / "changes" / "index.html").read_text(encoding="utf-8")


def test_serve_shows_the_history_build_shows(repo: Path, tmp_path: Path) -> None:
    from site_builder.pipeline.preview import regenerate
    from site_builder.pipeline.run import Paths

    paths = Paths(TESTS.parent, repo / "data", tmp_path / "build")
    assert regenerate(paths)
    page = (paths.docs_dir / "town" / "2024" / "projects" / "care.md").read_text(encoding="utf-8")
    assert "## 변경 이력" in page and "예산 10,000천원 → 9,500천원" in page


def test_every_project_field_is_in_the_change_history_or_said_not_to_be() -> None:
    """A new project field needs `Field(title=…)` (its change-history label) or an entry in `history.UNLISTED`."""
    listed = set(changes_mod.FIELD_LABELS) | set(changes_mod.DESCRIBED) | set(changes_mod.UNLISTED)
    missing = sorted(set(Project.model_fields) - listed)
    assert not missing, f"project fields whose changes the history would drop silently: {missing}"
    assert not set(changes_mod.DESCRIBED) & set(changes_mod.UNLISTED)


# --- Removed is not gone: what history shows passes today's personal-data gate and 비공개 marks -----------------

TRAIL = "data/town/2024/projects/trail.yaml"
WALK = "data/town/2023/projects/walk.yaml"
LEAKED = ("01012345678", "9001011234568")  # every spelling below folds to one of these digit runs
SECRET = "부지 매입 협상"  # later marked 비공개
CARE_LEAK = """steps:
  - steps:
      - {when: "2024. 3.", text: "신청 접수 (담당 010-1234-5678)"}
      - {when: "2024. 4.", text: "당직 010-2222-3333"}
schedule:
  rows:
    - {label: "상담 ０１０－１２３４－５６７８", marks: [1]}
"""


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Personal data committed by mistake and removed in the next commit, in a project that stays and one that is deleted."""
    root = tmp_path_factory.mktemp("leak")
    shutil.copytree(MULTIYEAR, root / "data")
    (root / "data/site.yaml").write_text("title: 시험\noperator: 시험 운영팀\nacknowledged_personal_data: [010-2222-3333]\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "2024-01-10T10:00:00+09:00", "처음 올림")
    clean = {rel: (root / rel).read_text(encoding="utf-8") for rel in (CARE, TRAIL)}
    edit(root, CARE, "title: 마을 돌봄", "title: 마을 돌봄 (문의 010 1234 5678)")
    edit(root, CARE, 'value: "85"', 'value: "900101-1234568"')
    (root / CARE).write_text((root / CARE).read_text(encoding="utf-8") + CARE_LEAK, encoding="utf-8")
    edit(root, TRAIL, "title: 둘레길 조성", "title: 둘레길 조성 010.1234.5678")
    (root / TRAIL).write_text(clean[TRAIL].replace("title: 둘레길 조성", "title: 둘레길 조성 010.1234.5678")
                              + 'steps:\n  - steps:\n      - {when: "3월", text: "현장 점검 (900101 1234568)"}\n', encoding="utf-8")
    (root / WALK).write_text((root / WALK).read_text(encoding="utf-8") + f'steps:\n  - steps:\n      - {{when: "5월", text: "{SECRET}"}}\n',
                             encoding="utf-8")
    commit(root, "2024-02-01T10:00:00+09:00", "실수로 연락처를 올림")
    (root / CARE).write_text(clean[CARE], encoding="utf-8")
    commit(root, "2024-02-02T10:00:00+09:00", "연락처 지움")
    git(root, "rm", "-q", TRAIL)
    (root / WALK).write_text((root / WALK).read_text(encoding="utf-8") + "withheld_fields:\n  - {field: steps, ground: 5}\n", encoding="utf-8")
    commit(root, "2024-02-03T10:00:00+09:00", "둘레길 삭제, 걷기 향후계획 비공개")
    return root


def leaked_spellings(text: str) -> list[str]:
    """The leaked numbers in `text` in any spelling (full-width digits, any separators), and the 비공개 text."""
    folded = unicodedata.normalize("NFKC", text)
    found = [d for d in LEAKED if re.search(r"\D{0,3}".join(d), folded)]
    return found + [SECRET] * (SECRET in folded)


def test_removed_personal_data_is_not_published_again_by_history(leaky: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = run_cli("build", "--data", str(leaky / "data"), "--site-dir", str(site), "--build-dir", str(tmp_path / "build"))
    assert result.code == 0, result.err
    leaks = {str(p.relative_to(site)): found for p in sorted(site.rglob("*")) if p.is_file()
             if (found := leaked_spellings(p.read_bytes().decode("utf-8", errors="replace")))}
    assert leaks == {}
    changes = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "향후계획 추가 (개인정보가 있어 내용을 싣지 않음)" in changes and "당직 010-2222-3333" in changes  # acknowledged: shown
    assert "사업 trail" in (site / "feed.xml").read_text(encoding="utf-8")  # a deleted project's title with a hit


def test_history_of_removed_personal_data_says_what_changed(leaky: Path) -> None:
    hist = load_history(leaky / "data", portal_of(leaky / "data"))
    removed, added, first = hist.of("town/2024/care")
    note = "(개인정보가 있어 내용을 싣지 않음)"
    assert [c.title for c in (removed, added, first)] == ["마을 돌봄"] * 3  # the committed title had a number: today's title
    assert removed.messages == (f"제목 변경 {note}", f"목표치 변경 {note}", f"추진계획 삭제 {note}", f"향후계획 삭제 {note}",
                                "향후계획 삭제: 2024. 4. 당직 010-2222-3333")
    assert set(added.messages) == {f"제목 변경 {note}", f"목표치 변경 {note}", f"추진계획 추가 {note}", f"향후계획 추가 {note}",
                                   "향후계획 추가: 2024. 4. 당직 010-2222-3333"}


def test_deleted_project_with_personal_data_is_named_by_its_id(leaky: Path) -> None:
    hist = load_history(leaky / "data", portal_of(leaky / "data"))
    deleted, changed, first = hist.of("town/2024/trail")
    assert (deleted.title, deleted.messages, deleted.exists) == ("사업 trail", ("사업 삭제",), False)
    assert (changed.title, first.title) == ("사업 trail", "둘레길 조성")
    assert set(changed.messages) == {"제목 변경 (개인정보가 있어 내용을 싣지 않음)", "향후계획 추가 (개인정보가 있어 내용을 싣지 않음)"}


def test_text_marked_withheld_later_is_not_in_any_version(leaky: Path) -> None:
    hist = load_history(leaky / "data", portal_of(leaky / "data"))
    shown = [m for c in hist.of("town/2023/walk") for m in (c.title, *c.messages)]
    assert shown and not [m for m in shown if SECRET in m]


def test_each_message_has_a_form_without_its_content() -> None:
    # The content-free message is the same message without the data's text: nothing of the parts survives in it.
    words = changes_mod.Words("천원", {"u1": "기획팀"}, {"n1": "돌봄"})
    schedule = {"rows": [{"label": "상담 010-1234-5678", "marks": [1]}]}
    steps = [{"heading": "추진계획", "steps": [{"when": "3월", "text": "접수 010-1234-5678"}]}]
    kpis = [{"indicator": "만족도", "targets": [{"year": 2024, "value": "010-1234-5678"}]}]
    old = project(unit="u1", kpis=[{"indicator": "만족도", "targets": [{"year": 2024, "value": "80"}]}])
    new = project(title="사업 010-1234-5678", strategy="n1", schedule=schedule, steps=steps, kpis=kpis)
    found = changes_mod.changes(old, new, words)
    assert [m.without_content("…") for m in found] == [
        "제목 변경 (…)", "담당 부서 변경 (…)", "연결 전략 변경 (…)", "목표치 변경 (…)", "추진계획 추가 (…)", "추진계획 추가 (…)"]
    assert [m.text for m in found] == describe(old, new, words)
    assert all("010" not in m.kind for m in found)


def test_screen_shows_what_passes_and_hides_only_the_content() -> None:
    screen = Screen(acknowledged=frozenset({"010-2222-3333"}), domains=frozenset({"town.or.kr"}))
    message = changes_mod.Message("향후계획 삭제", "{kind}: {0}", ("3월 접수 010-1234-5678",))
    assert screen.message(message) == "향후계획 삭제 (개인정보가 있어 내용을 싣지 않음)"
    assert screen.message(changes_mod.Message("향후계획 삭제", "{kind}: {0}", ("3월 당직 010-2222-3333",))) == "향후계획 삭제: 3월 당직 010-2222-3333"
    assert screen.message(changes_mod.Message("향후계획 삭제", "{kind}: {0}", ("문의 kim@town.or.kr",))) == "향후계획 삭제: 문의 kim@town.or.kr"
    heading = changes_mod.Message("담당 010-1234-5678 삭제", "{kind}: {0}", ("3월",))  # a list heading with a number
    assert screen.message(heading) == "내용 변경 (개인정보가 있어 내용을 싣지 않음)"
    assert screen.title("사업 010-1234-5678", None, "사업 p") == "사업 p"
    assert screen.title("사업 010-1234-5678", "01012345678") == "제목을 싣지 않은 사업"


def test_purged_text_is_hidden_from_every_history_output(repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(repo, work)
    before = load_history(work / "data", portal_of(work / "data"))
    assert "추진계획 추가: 돌봄 인력 모집" in before.of("town/2024/care")[2].messages
    for text in ("돌봄인력", "마을 돌봄 확대"):  # another spelling than the data's; today's title too
        assert run_cli("purge", text, "--data", str(work / "data")).code == 0
    assert "돌봄 인력" not in (work / "data/site.yaml").read_text(encoding="utf-8")
    hist = load_history(work / "data", portal_of(work / "data"))
    care = hist.of("town/2024/care")
    assert [c.title for c in care] == ["사업 care", "마을 돌봄", "마을 돌봄", "마을 돌봄"]  # only versions titled 마을 돌봄 확대 lose it
    assert care[0].messages == ("제목 변경 (지우기로 한 내용이 있어 싣지 않음)",)
    assert care[1].messages == ("추진계획 3월 추가 (지우기로 한 내용이 있어 싣지 않음)",)
    assert set(care[2].messages) == {"예산 10,000천원 → 9,500천원", "목표치 85 → 90 (이용자 만족도, 2024년)", "추진계획 추가 (지우기로 한 내용이 있어 싣지 않음)"}
    files = generate(portal_of(work / "data"), hist)
    shown = str(files["changes.md"]) + str(files["feed.xml"]) + str(files["town/2024/projects/care.md"]).split("## 변경 이력")[1]
    assert "돌봄 인력" not in shown and "마을 돌봄 확대" not in shown  # today's page above its history still shows both


def test_purge_matches_the_text_in_any_spelling_inside_longer_texts() -> None:
    entry = fingerprint("010-1234-5678")
    assert entry is not None and entry.length == 11 and fingerprint("- 김 -") is None
    purge = Purge.of([entry])
    assert purge.holds("향후계획 삭제: 3월 ０１０ １２３４ ５６７８ 연락") and purge.holds("x01012345678y")
    assert not purge.holds("010-1234-5679") and not Purge().holds("010-1234-5678")
    name = Purge.of([e for e in [fingerprint("홍길동")] if e])
    assert Screen(purge=name).message(changes_mod.Message("성과지표 추가", "{kind}: {0}", ("문의 홍 길동 주무관",))) == \
        "성과지표 추가 (지우기로 한 내용이 있어 싣지 않음)"


class GitCalls:
    """Every git command the history runs (its first arguments), while it still runs them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, ...]] = []
        real = history_mod.run_git

        def counting(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
            self.calls.append(args)
            return real(root, *args, stdin=stdin)

        monkeypatch.setattr(history_mod, "run_git", counting)

    def names(self) -> list[str]:
        """The git commands run since the last call."""
        found, self.calls = [c[0] for c in self.calls], []
        return found


def same_with_cache(data: Path, cache: CacheDir) -> History:
    """The history with the cache, after asserting that it equals the history without one."""
    portal = portal_of(data)
    plain = load_history(data, portal)
    cached = load_history(data, portal, cache=cache)
    assert cached == plain
    return cached


def test_history_with_a_cache_equals_history_without(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work, cache = tmp_path / "repo", CacheDir(tmp_path / "cache")
    shutil.copytree(repo, work)
    data = work / "data"
    first = same_with_cache(data, cache)
    git_calls, parsed = GitCalls(monkeypatch), []
    real = history_mod._version_data
    monkeypatch.setattr(history_mod, "_version_data", lambda blob: parsed.append(blob) or real(blob))
    assert load_history(data, portal_of(data), cache=cache) == first
    assert git_calls.names() == ["rev-parse", "rev-parse"] and parsed == []  # top level and HEAD: as it was, so nothing is read
    edit(work, CARE, "title: 마을 돌봄 확대", "title: 마을 돌봄 더 확대")  # a new commit on top
    commit(work, "2024-07-01T09:00:00+09:00", "제목 다시 변경")
    assert same_with_cache(data, cache).of("town/2024/care")[0].messages == ("제목 변경: 마을 돌봄 확대 → 마을 돌봄 더 확대",)
    git_calls.names()
    load_history(data, portal_of(data), cache=cache)
    assert "log" not in git_calls.names()
    edit(work, CARE, "title: 마을 돌봄 더 확대", "title: 마을 돌봄 또 확대")  # the same commit made again: HEAD^ is no longer the kept HEAD
    git(work, "commit", "-q", "-a", "--amend", "-m", "제목 다시 변경", date="2024-07-02T09:00:00+09:00")
    assert same_with_cache(data, cache).of("town/2024/care")[0].messages == ("제목 변경: 마을 돌봄 확대 → 마을 돌봄 또 확대",)


def test_history_with_a_cache_follows_uncommitted_marks_and_the_site_settings(repo: Path, tmp_path: Path) -> None:
    work, cache = tmp_path / "repo", CacheDir(tmp_path / "cache")
    shutil.copytree(repo, work)
    data = work / "data"
    before = same_with_cache(data, cache)
    (work / CARE).write_text((work / CARE).read_text(encoding="utf-8") + "withheld_fields:\n  - {field: kpis, ground: 5}\n", encoding="utf-8")
    marked = same_with_cache(data, cache)  # not committed: today's 비공개 marks hide the old values too
    assert "목표치 85 → 90 (이용자 만족도, 2024년)" in before.of("town/2024/care")[2].messages
    assert "목표치 85 → 90 (이용자 만족도, 2024년)" not in marked.of("town/2024/care")[2].messages
    assert run_cli("purge", "돌봄 인력 모집", "--data", str(data)).code == 0  # site.yaml: every plan's screen
    assert same_with_cache(data, cache).of("town/2024/care")[1].messages == ("추진계획 3월 추가 (지우기로 한 내용이 있어 싣지 않음)",)
    edit(work, "data/town/2024/plan.yaml", "  - {id: u01, name: 기획팀}", "  - {id: u01, name: 기획팀}\n  - {id: u02, name: 복지팀}")
    edit(work, CARE, "unit: u01", "unit: u02")
    commit(work, "2024-07-01T09:00:00+09:00", "담당 부서 변경")
    assert same_with_cache(data, cache).of("town/2024/care")[0].messages == ("담당 부서 변경: 기획팀 → 복지팀",)
    edit(work, "data/town/2024/plan.yaml", "name: 복지팀", "name: 돌봄복지팀")  # today's words name the units of every version
    assert same_with_cache(data, cache).of("town/2024/care")[0].messages == ("담당 부서 변경: 기획팀 → 돌봄복지팀",)


@pytest.mark.parametrize("damage", ["garbage", "foreign", "planted"])
def test_a_damaged_history_cache_is_ignored(damage: str, repo: Path, tmp_path: Path) -> None:
    cache = CacheDir(tmp_path / "cache")
    first = same_with_cache(repo / "data", cache)
    for path in sorted((tmp_path / "cache" / "history").glob("*.bin")):
        key, values = marshal.loads(path.read_bytes())[0], read_store(path, marshal.loads(path.read_bytes())[0])
        if damage == "garbage":
            path.write_bytes(path.read_bytes()[:40] + b"\x00" * 40)
        else:
            write_store(path, "another" if damage == "foreign" else key, {k: ("x", [1], None) for k in values})
    assert same_with_cache(repo / "data", cache) == first
