"""비공개 (정보공개법 제9조제1항): withheld projects and fields reach no built file, in no version.

The fixture portal gets two more projects with unique marker strings: `s1` withheld as a whole and
`s2` with its goals and budget withheld. They are committed to git in three steps (published,
edited, then marked 비공개), so the change history and the Atom feed are exercised too; then the
whole site is built and every file (HTML, search index, CSV/XLSX/JSON, feed, sitemap) is searched.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from site_builder.model import Project, Withholding
from site_builder.model.columns import HEADINGS
from site_builder.model.portal import plan_total, project_total
from site_builder.pipeline.run import Paths, build, check, generate
from site_builder.publish.redaction import lineage_marks, notice, redact_bundle, redact_portal, redact_project
from site_builder.render.markdown import money
from tests.conftest import FIXTURE_DATA, ROOT
from tests.test_history import commit, edit, git

PROJECTS = "data/demo-org/2024/projects"
WHOLE = """id: s1
title: WHOLEMARK 비밀 사업
number: "9"
unit: team-a
strategy: task1-1
goals:
  body: |
    - WHOLEMARK 목표 본문
overview:
  items:
    - {label: 소요예산, kind: budget, text: "8,642천원"}
budget:
  lines:
    - {category: 운영비, item: WHOLEMARK 항목, basis: WHOLEMARK 산출, amount: "8,642천원"}
"""
FIELDS = """id: s2
title: 일부 비공개 사업
number: "10"
unit: team-b
strategy: task1-2
contacts:
  - {role: 담당자, phone: "1234"}
goals:
  body: |
    - FIELDMARK 목표 첫 판
overview:
  items:
    - {label: 사업기간, kind: period, text: "2024. 1 ~ 12월"}
    - {label: 소요예산, kind: budget, text: "9,753천원"}
budget:
  lines:
    - {category: 운영비, item: FIELDMARK 항목, basis: FIELDMARK 산출, amount: "9,753천원"}
effects:
  body: |
    - PUBLICMARK 공개 효과
sections:
  - heading: 협약 업체
    withheld: {ground: 7, reason: REASONMARK 업체 요청}
    body: |
      - BLOCKMARK 업체 이름
    tables:
      - {title: BLOCKMARK 단가표, rows: [[BLOCKMARK 단가, "1"]]}
"""
MARKS = """withheld_fields:
  - {field: goals, ground: 5, reason: REASONMARK 감사 진행 중}
  - {field: budget, ground: 7, reason: REASONMARK 영업상 비밀}
"""
SECRETS = ("wholemark", "fieldmark", "reasonmark", "blockmark", "8,642", "8642", "9,753", "9753", "9,754", "9754")


def _site_texts(site: Path) -> dict[str, str]:
    """Every built file made from data, as lower-case text; XLSX and gzip are unpacked first."""
    texts = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if path.relative_to(site).parts[0] == "assets":  # theme and vendored scripts: no data in them
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                data = b"".join(z.read(n) for n in z.namelist())
        texts[path.relative_to(site).as_posix()] = data.decode("utf-8", errors="replace").lower()
    return texts


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fixture data in git: s1/s2 published, then edited, then marked 비공개 (uncommitted for s1)."""
    root = tmp_path_factory.mktemp("redact")
    shutil.copytree(FIXTURE_DATA, root / "data")
    (root / PROJECTS / "s1.yaml").write_text(WHOLE, encoding="utf-8")
    (root / PROJECTS / "s2.yaml").write_text(FIELDS, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "2024-01-10T10:00:00+09:00", "처음 올림")
    edit(root, f"{PROJECTS}/s2.yaml", "FIELDMARK 목표 첫 판", "FIELDMARK 목표 고친 판")
    edit(root, f"{PROJECTS}/s2.yaml", '"9,753천원"}\neffects', '"9,754천원"}\neffects')
    edit(root, f"{PROJECTS}/s1.yaml", "title: WHOLEMARK 비밀 사업", "title: WHOLEMARK 비밀 사업 확대")
    commit(root, "2024-02-10T10:00:00+09:00", "고침")
    (root / PROJECTS / "s2.yaml").write_text((root / PROJECTS / "s2.yaml").read_text(encoding="utf-8") + MARKS, encoding="utf-8")
    commit(root, "2024-03-10T10:00:00+09:00", "일부 비공개")
    (root / PROJECTS / "s1.yaml").write_text(WHOLE + "withheld: {ground: 2, reason: REASONMARK 국방}\n", encoding="utf-8")
    return root  # s1's mark is not committed: today's file decides, not the last commit


@pytest.fixture(scope="module")
def site(repo: Path) -> dict[str, str]:
    """The built site of the repository's data, as texts."""
    out = repo / "site"
    checked, output = build(Paths(ROOT, repo / "data", repo / "build"), out)
    assert not checked.problems, [p.format() for p in checked.problems] + [output]
    return _site_texts(out)


def _csv_rows(text: str) -> list[dict[str, str]]:
    """A CSV download's rows keyed by machine names (its first line holds the Korean headings)."""
    names = {heading: name for name, heading in HEADINGS.items()}
    return [{names[k]: v for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def test_no_withheld_text_in_any_built_file(site: dict[str, str]) -> None:
    kinds = {name.rsplit(".", 1)[-1] for name in site}
    assert {"html", "json", "csv", "xlsx", "xml"} <= kinds
    assert any(n.startswith("search") or "/search" in n for n in site if n.endswith(".json")), "search index shards built"
    leaks = [(name, secret) for name, text in site.items() for secret in SECRETS if secret in text]
    assert leaks == []


def test_notice_stands_where_the_content_was(site: dict[str, str]) -> None:
    whole = site["demo-org/2024/projects/s1/index.html"]
    assert notice(2) in whole and "제9조제1항제2호에 따라 공개하지 않습니다" in whole
    part = site["demo-org/2024/projects/s2/index.html"]
    assert notice(5) in part and notice(7) in part
    assert part.index("사업목표") < part.index(notice(5)), "the goals heading stays, with the notice under it"
    assert "publicmark 공개 효과" in part, "fields not marked stay published"
    assert "1234" in part and "2024. 1 ~ 12월" in part
    assert part.index("협약 업체") < part.rindex(notice(7)), "a withheld block keeps its heading, the notice under it"


def test_withheld_projects_stay_listed_with_their_notice(site: dict[str, str]) -> None:
    rows = _csv_rows(site["downloads/demo-org-2024-projects.csv"])
    by_id = {r["project_id"]: r for r in rows}
    assert by_id["s1"]["title"] == notice(2) and by_id["s1"]["number"] == "9" and by_id["s1"]["unit"] == "가팀"
    assert by_id["s1"]["budget_won"] == "0" and by_id["s2"]["budget_won"] == "0"
    assert notice(2) in site["projects/index.html"]


def test_download_totals_equal_page_totals_and_leave_withheld_amounts_out(repo: Path, site: dict[str, str]) -> None:
    portal = check(repo / "data").portal
    assert portal is not None
    raw = portal.plans[0]
    bundle = redact_bundle(raw)
    rows = _csv_rows(site["downloads/demo-org-2024-projects.csv"])
    assert sum(int(r["budget_won"]) for r in rows) == plan_total(bundle) == plan_total(raw) - 8_642_000 - 9_754_000
    budget_page = site["demo-org/2024/budget/index.html"]
    assert f"{money(plan_total(bundle), '천원')}천원" in budget_page
    assert "비공개 사업·예산 2건" in budget_page and "전체 비공개 1건" in budget_page


def test_history_and_feed_hide_every_version(repo: Path, site: dict[str, str]) -> None:
    feed, changes = site["feed.xml"], site["changes/index.html"]
    assert "일부 비공개 사업" in feed, "s2 still has a history, just without its withheld fields"
    assert "사업목표" not in feed and "예산 " not in feed.split("일부 비공개 사업", 1)[1][:400]
    assert "s1" not in changes and notice(2) not in feed


def test_redaction_is_idempotent_and_drops_reasons() -> None:
    project = Project.model_validate({"id": "x", "title": "t", "goals": {"body": "- g"}, "overview": {"items": [{"label": "소요예산", "kind": "budget", "text": "1,000천원"}]},
                                      "withheld_fields": [{"field": "budget", "ground": 3, "reason": "내부"}]})
    once = redact_project(project)
    assert once.goals is not None and once.overview is not None and once.overview.items[0].text == notice(3)
    assert project_total(once) is None and [w.reason for w in once.withheld_fields] == [None]
    assert redact_project(once) == once
    whole = redact_project(project.model_copy(update={"withheld": Withholding(ground=1, reason="내부")}))
    assert whole.title == notice(1) and whole.goals is None and whole.withheld is not None and whole.withheld.reason is None


def test_marks_of_any_version_apply_to_all() -> None:
    old = Project.model_validate({"id": "x", "title": "t", "withheld_fields": [{"field": "kpis", "ground": 4}]})
    new = Project.model_validate({"id": "x", "title": "t"})
    assert lineage_marks([old, None, new]) == (None, {"kpis": 4})
    assert lineage_marks([new, new.model_copy(update={"withheld": Withholding(ground=6)})])[0] == 6


def test_plan_text_naming_a_withheld_project_is_redacted(data_copy: Path) -> None:
    (data_copy / "demo-org/2024/projects/p2.yaml").write_text(
        (data_copy / "demo-org/2024/projects/p2.yaml").read_text(encoding="utf-8") + "withheld: {ground: 8}\n", encoding="utf-8")
    portal = check(data_copy).portal
    assert portal is not None
    plan = redact_portal(portal).plans[0].plan
    entries = {e.project: e.text for c in plan.catalogues for e in c.entries}
    assert entries["p2"] == notice(8) and entries["p1"] == "첫 사업"


def _generate_with_mark(data: Path, line: str, mark: str) -> dict[str, str | bytes]:
    """The generated files after `mark` (a `withheld:` line) is added under `line` of the fixture plan.yaml."""
    plan_file = data / "demo-org/2024/plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    assert line in text
    indent = " " * (len(line) - len(line.lstrip(" -")))
    plan_file.write_text(text.replace(line, f"{line}{indent}{mark}\n"), encoding="utf-8")
    portal = check(data).portal
    assert portal is not None
    return generate(portal)


def test_plan_block_marked_withheld_shows_only_heading_and_notice(data_copy: Path) -> None:
    page = _generate_with_mark(data_copy, "  - heading: 일반현황\n", "withheld: {ground: 6}")["demo-org/2024/index.md"]
    assert isinstance(page, str) and "일반현황" in page and notice(6) in page
    assert "1과장 2팀" not in page and "정원" not in page


def test_strategy_node_marked_withheld_keeps_its_place_but_not_its_content(data_copy: Path) -> None:
    files = _generate_with_mark(data_copy, "        title: 열린 인사\n", "withheld: {ground: 5, reason: REASONMARK 검토 중}")
    page = files["demo-org/2024/strategy/task1-1.md"]
    assert isinstance(page, str) and "열린 인사" in page and notice(5) in page and "제9조제1항제5호에 따라 공개하지 않습니다" in page
    assert "첫 사업" in page, "the projects linked to the node stay listed"
    texts = {name: (c if isinstance(c, str) else c.decode("utf-8", errors="replace")) for name, c in files.items() if not name.endswith(".xlsx")}
    secrets = ("세부 내용", "간담회 개최", "인사 운영 : 1,000천원", "reasonmark", "검토 중")
    assert [(n, s) for n, t in texts.items() for s in secrets if s in t.lower()] == []
    assert "열린 인사" in files["demo-org/2024/index.md"], "the node stays in the plan's strategy tree"
