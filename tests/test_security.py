"""Hostile or broken files that cannot live in tests/invalid as text: bytes, sizes, links, timings.

Each case must end in exit 1 with one Korean `file:line:col` message, no traceback, fast; a few go
through a real build to show the previous site stays untouched.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.load.source import MAX_FILE_BYTES
from site_builder.pipeline.run import Paths, build
from tests.conftest import FIXTURE_DATA, ROOT, run_cli

P4 = "demo-org/2024/projects/p4.yaml"


def _euc_kr(data: Path) -> str:
    (data / P4).write_bytes("id: p4\ntitle: 한글 제목\n".encode("euc-kr"))
    return "data/demo-org/2024/projects/p4.yaml:2:8: 오류: 파일을 UTF-8로 읽을 수 없습니다"


def _latin1_in_site(data: Path) -> str:
    (data / "site.yaml").write_bytes((data / "site.yaml").read_bytes() + "description: caf\xe9\n".encode("latin-1"))
    return "data/site.yaml:"


def _huge(data: Path) -> str:
    with (data / P4).open("wb") as f:
        f.write(b"id: p4\ntitle: big\nsections:\n")
        f.truncate(50 * 1024 * 1024)  # 50 MB (sparse), refused by size before it is read
    return "data/demo-org/2024/projects/p4.yaml:1:1: 오류: 파일이 너무 큽니다 (최대 2MB)"


def _symlink_outside(data: Path) -> str:
    secret = data.parent / "secret.yaml"
    secret.write_text("id: p4\ntitle: 바깥 파일\n", encoding="utf-8")
    (data / P4).symlink_to(secret)
    return "data/demo-org/2024/projects/p4.yaml:1:1: 오류: 데이터 폴더 밖을 가리키는 링크입니다"


def _symlink_dir_outside(data: Path) -> str:
    outside = data.parent / "elsewhere"
    (outside / "2024" / "projects").mkdir(parents=True)
    (outside / "org.yaml").write_text("id: other\nname: 바깥 기관\n", encoding="utf-8")
    (data / "other").symlink_to(outside, target_is_directory=True)
    return "data/other/:1:1: 오류: 데이터 폴더 밖을 가리키는 링크입니다"


def _fifo(data: Path) -> str:
    os.mkfifo(data / P4)  # reading it would block forever
    return "data/demo-org/2024/projects/p4.yaml:1:1: 오류: 일반 파일이 아닙니다"


def _control_char(data: Path) -> str:
    (data / P4).write_text("id: p4\ntitle: 제목\x07\n", encoding="utf-8")
    return "data/demo-org/2024/projects/p4.yaml:2:10: 오류: YAML 문법 오류입니다: 쓸 수 없는 제어 문자가 있습니다"


def _bomb_in_site(data: Path) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    (data / "site.yaml").write_text("title: x\noperator: y\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return "data/site.yaml:3:5: 오류: 허용하지 않는 YAML 기능입니다: 앵커(&)와 별칭(*)은 쓸 수 없습니다"


def _python_tag(data: Path) -> str:
    (data / P4).write_text('id: p4\ntitle: !!python/object/new:os.system ["touch /tmp/pwned"]\n', encoding="utf-8")
    return "data/demo-org/2024/projects/p4.yaml:2:8: 오류: 허용하지 않는 YAML 기능입니다: 사용자 정의 태그는 쓸 수 없습니다"


def _timestamp_tag(data: Path) -> str:
    (data / P4).write_text("id: p4\ntitle: !!timestamp 2024-01-01\n", encoding="utf-8")
    return "data/demo-org/2024/projects/p4.yaml:2:8: 오류: 허용하지 않는 YAML 기능입니다"


BROKEN: dict[str, Callable[[Path], str]] = {
    "non-utf8-euc-kr": _euc_kr, "non-utf8-latin1-site": _latin1_in_site, "50mb-file": _huge,
    "symlink-outside": _symlink_outside, "symlink-dir-outside": _symlink_dir_outside, "fifo": _fifo,
    "control-character": _control_char, "alias-bomb-site": _bomb_in_site, "python-tag": _python_tag,
    "timestamp-tag": _timestamp_tag,
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_one_korean_error(name: str, data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    expected = BROKEN[name](data_copy)
    monkeypatch.chdir(data_copy.parent)
    started = time.monotonic()
    result = run_cli("validate", "--quiet", "--data", "data")
    assert time.monotonic() - started < 1.0
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.err.startswith(expected), result.err
    assert result.err.count("오류:") == 1, result.err


def test_corpus_counts_at_least_forty():
    text_cases = list((Path(__file__).parent / "invalid").glob("*.yaml"))
    assert len(text_cases) + len(BROKEN) >= 40


def test_size_limit_is_far_above_real_plans():
    largest = max(p.stat().st_size for p in (ROOT / "data").rglob("*.yaml"))
    assert largest * 10 < MAX_FILE_BYTES


def test_bom_file_is_accepted(data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    path = data_copy / "demo-org/2024/projects/p1.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Windows Notepad's "UTF-8 (BOM)"
    monkeypatch.chdir(data_copy.parent)
    assert run_cli("validate", "--quiet", "--data", "data").code == 0


def test_symlink_inside_data_is_accepted(data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    (data_copy / "shared.yaml").write_text("id: p4\ntitle: 안쪽 링크\nunit: team-a\n", encoding="utf-8")
    (data_copy / P4).symlink_to(data_copy / "shared.yaml")
    monkeypatch.chdir(data_copy.parent)
    assert run_cli("validate", "--quiet", "--data", "data").code == 0


def test_python_tag_is_never_executed(data_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    marker = tmp_path / "pwned"
    (data_copy / P4).write_text(f'id: p4\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    monkeypatch.chdir(data_copy.parent)
    assert run_cli("validate", "--quiet", "--data", "data").code == 1
    assert not marker.exists()


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("sec")
    shutil.copytree(FIXTURE_DATA, tmp / "data")
    checked, output = build(Paths(ROOT, tmp / "data", tmp / "build"), tmp / "site")
    assert not checked.problems, output
    return tmp, _tree(tmp / "site")


@pytest.mark.parametrize("name", ["50mb-file", "alias-bomb-site", "symlink-outside", "non-utf8-euc-kr", "python-tag"])
def test_failed_build_keeps_previous_site(name: str, built_once: tuple[Path, dict[str, bytes]], tmp_path: Path):
    base, before = built_once
    data = tmp_path / "data"
    shutil.copytree(base / "data", data, symlinks=True)
    BROKEN[name](data)
    checked, _ = build(Paths(ROOT, data, tmp_path / "build"), base / "site")
    assert checked.problems
    assert _tree(base / "site") == before
    assert not list(base.glob(".site-tmp-*"))


# --- Personal data gate (site_builder/check/privacy.py) ---------------------------------------------------

# Run together, a resident number must pass its check digit (site_builder/check/identifiers.py says why).
RRNS = ["900101-1234567", "9001011234568", "050315-3123456", "800229 2234567"]
MOBILES = ["010-1234-5678", "01098765432", "010.2345.6789", "+82 10 3456 7890", "+82-10-4567-8901", "+821056789012", "011-234-5678", "(010)1111-2222"]
EMAILS = ["hong.gildong@gmail.com", "kim_1234@naver.com", "someone+tag@example.com", "jc1365@hanmail.net"]

# (file, how the value is planted) — every published text kind: titles, bullets, table cells, labels,
# contacts, unit and organisation names, site title and description, budget basis, steps, KPI values.
PLANTINGS: list[tuple[str, Callable[[str], str]]] = [
    (P4, lambda v: f"id: p4\ntitle: 사업 {v}\nunit: team-a\n"),
    (P4, lambda v: f"id: p4\ntitle: 본문\ngoals:\n  body: |\n    - 목표\n     - 문의 {v} 로\n"),
    (P4, lambda v: f"id: p4\ntitle: 표\ninvestment:\n  rows: [[계, '{v}', '1']]\n"),
    (P4, lambda v: f"id: p4\ntitle: 연락처\ncontacts:\n  - {{role: 담당자, phone: '{v}'}}\n"),
    (P4, lambda v: f"id: p4\ntitle: 개요\noverview:\n  items:\n    - {{label: '담당 {v}', text: 내용}}\n"),
    (P4, lambda v: f"id: p4\ntitle: 예산\nbudget:\n  lines:\n    - {{category: 운영비, basis: '{v} 외', amount: 1000}}\n"),
    (P4, lambda v: f"id: p4\ntitle: 단계\nsteps:\n  - steps:\n      - {{when: '2024. 3.', text: '연락 {v}'}}\n"),
    (P4, lambda v: f"id: p4\ntitle: 지표\nkpis:\n  - indicator: 문의\n    targets:\n      - {{year: 2024, value: '{v}'}}\n"),
    ("demo-org/org.yaml", lambda v: f"id: demo-org\nname: 시험군 행정과 {v}\nkind: 기초자치단체 부서\n"),
    ("demo-org/org.yaml", lambda v: f"id: demo-org\nname: 시험군 행정과\nphone: '{v}'\n"),
    ("site.yaml", lambda v: f"title: 누리집 {v}\noperator: 시험 운영팀\n"),
    ("site.yaml", lambda v: f"title: 누리집\noperator: 시험 운영팀\ndescription: |\n  안내\n  문의: {v}\n"),
]


def _gate(data: Path) -> list[str]:
    from site_builder.pipeline.run import check

    return [p.format() for p in check(data).problems]


@pytest.mark.parametrize("value", RRNS + MOBILES + EMAILS)
def test_personal_data_is_caught_in_every_field(value: str, data_copy: Path):
    original = {name: (data_copy / name).read_text(encoding="utf-8") for name, _ in PLANTINGS if (data_copy / name).exists()}
    for target, plant in PLANTINGS:
        text = plant(value)
        (data_copy / target).write_text(text, encoding="utf-8")
        problems = _gate(data_copy)
        line = next(i for i, ln in enumerate(text.splitlines(), 1) if value in ln)
        hits = [p for p in problems if "개인정보로 보이는 값" in p]
        assert len(hits) == 1, (target, text, problems)
        assert hits[0].startswith(f"data/{target}:{line}:"), (hits[0], text)
        assert value not in hits[0]  # the message masks the value (CI logs may be public)
        (data_copy / target).write_text(original.get(target, ""), encoding="utf-8") if target in original else (data_copy / target).unlink()


def test_acknowledged_value_passes_and_only_that_value(data_copy: Path):
    (data_copy / P4).write_text("id: p4\ntitle: 센터 010-1234-5678, 010-9999-8888\nunit: team-a\n", encoding="utf-8")
    plan = data_copy / "demo-org/2024/plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "acknowledged_personal_data: ['010-1234-5678']\n", encoding="utf-8")
    problems = _gate(data_copy)
    assert len(problems) == 1 and "010-****-*888" in problems[0]
    site = data_copy / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "acknowledged_personal_data: ['010-9999-8888']\n", encoding="utf-8")
    assert _gate(data_copy) == []


def test_institutional_email_domains(data_copy: Path):
    (data_copy / P4).write_text("id: p4\ntitle: 문의 info@jincheon.go.kr, plan@jbsswa.or.kr\nunit: team-a\n", encoding="utf-8")
    assert len(_gate(data_copy)) == 1  # go.kr is institutional; jbsswa.or.kr is not listed yet
    site = data_copy / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "email_domains: [jbsswa.or.kr]\n", encoding="utf-8")
    assert _gate(data_copy) == []


def test_contact_names_are_scanned_whether_or_not_names_are_shown(data_copy: Path):
    """A number typed into a name field is published the day `show_person_names` is turned on."""
    (data_copy / P4).write_text("id: p4\ntitle: t\nunit: team-a\ncontacts:\n  - {role: 담당자, name: 'hong@gmail.com'}\n", encoding="utf-8")
    assert [p for p in _gate(data_copy) if "개인 전자우편" in p]


@pytest.mark.parametrize("data", [ROOT / "data", FIXTURE_DATA], ids=["seed-plans", "fixture"])
def test_no_false_alarms_on_real_data(data: Path):
    assert [p for p in _gate(data) if "개인정보" in p] == []


@pytest.mark.parametrize("text", ["내선 4032", "☎ 043-539-4032", "578,904천원", "2024. 1. 18.", "1,611.2백만원", "원문 3005-3010행",
                                  "'22년 2회", "사업번호 20240118-1234567890", "043)533-8897, 532-8897", "1588-1234", "info@jeonbuk.go.kr"])
def test_no_false_alarms_on_office_numbers_and_figures(text: str):
    from site_builder.check.privacy import find_personal_data

    assert find_personal_data(text) == []


def test_impossible_birth_date_is_not_a_resident_number():
    from site_builder.check.privacy import find_personal_data

    assert find_personal_data("991332-1234567 990230-1234567") == []
    assert [h.kind for h in find_personal_data("990228-1234567")] == ["rrn"]


def test_build_stops_on_personal_data_and_keeps_site(built_once: tuple[Path, dict[str, bytes]], tmp_path: Path):
    base, before = built_once
    data = tmp_path / "data"
    shutil.copytree(base / "data", data)
    (data / P4).write_text("id: p4\ntitle: 문의 010-1234-5678\nunit: team-a\n", encoding="utf-8")
    checked, _ = build(Paths(ROOT, data, tmp_path / "build"), base / "site")
    assert any("휴대전화" in p.message for p in checked.problems)
    assert _tree(base / "site") == before


def test_hand_written_pages_are_gated_too(built_once: tuple[Path, dict[str, bytes]], tmp_path: Path):
    base, before = built_once
    root = tmp_path / "root"
    shutil.copytree(ROOT / "content", root / "content")
    for name in ("mkdocs.yml", "theme"):
        (root / name).symlink_to(ROOT / name)
    (root / "content/about.md").write_text("# 안내\n\n문의: 담당자 휴대전화 010-2345-6789\n", encoding="utf-8")
    checked, _ = build(Paths(root, base / "data", tmp_path / "build"), base / "site")
    assert len(checked.problems) == 1
    assert checked.problems[0].format().startswith("content/about.md:3:14: 오류: 개인정보로 보이는 값이 있습니다: 휴대전화 번호")
    assert _tree(base / "site") == before
