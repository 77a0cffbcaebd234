"""`site-builder new`: skeletons with the next free id that validate as soon as they are written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from site_builder.cli.scaffold import insert_unit, next_id
from site_builder.pipeline.run import check
from tests.conftest import ROOT, TESTS, run_cli

MULTIYEAR = TESTS / "fixtures_multiyear" / "data"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A writable copy of the two-year fixture."""
    target = tmp_path / "data"
    shutil.copytree(MULTIYEAR, target)
    return target


@pytest.fixture
def real_data(tmp_path: Path) -> Path:
    """A writable copy of the repository's real data (both house styles of YAML lists)."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def valid(data: Path) -> None:
    checked = check(data)
    assert not checked.problems, [p.format() for p in checked.problems]


def test_next_id_keeps_padding_and_skips_used() -> None:
    assert next_id(["t01-01", "t01-02"], "t01-") == "t01-03"
    assert next_id(["new-3", "new-8", "current-1"], "new-", 1) == "new-9"
    assert next_id([], "p") == "p01"
    assert next_id(["u09"], "u") == "u10"


def test_new_project_in_unit_validates_and_says_what_next(data: Path) -> None:
    result = run_cli("new", "project", "--data", str(data), "--plan", "town/2024", "--unit", "u01")
    assert result.code == 0, result.err
    path = data / "town/2024/projects/u01-01.yaml"
    assert path.exists()
    assert "만들었습니다" in result.out and "다음으로 고칠 곳" in result.out and "site-builder validate" in result.out
    text = path.read_text(encoding="utf-8")
    assert "# " in text and "id: u01-01" in text and "unit: u01" in text
    valid(data)
    again = run_cli("new", "project", "--data", str(data), "--plan", "town/2024", "--unit", "u01", "--title", "둘째: 사업")
    assert again.code == 0 and (data / "town/2024/projects/u01-02.yaml").exists()
    assert yaml.safe_load((data / "town/2024/projects/u01-02.yaml").read_text(encoding="utf-8"))["title"] == "둘째: 사업"
    valid(data)


def test_new_project_in_real_plan_with_next_number(real_data: Path) -> None:
    result = run_cli("new", "project", "--data", str(real_data), "--plan", "jb-sswa/2024", "--unit", "t01", "--strategy", "s8")
    assert result.code == 0, result.err
    existing = sorted(p.stem for p in (real_data / "jb-sswa/2024/projects").glob("t01-*.yaml"))
    assert existing[-1] == next_id(existing[:-1], "t01-")
    valid(real_data)


def test_new_project_rejects_unknown_unit_and_plan(data: Path) -> None:
    result = run_cli("new", "project", "--data", str(data), "--plan", "town/2024", "--unit", "nope")
    assert result.code == 1 and "부서 `nope`" in result.err and "u01" in result.err
    result = run_cli("new", "project", "--data", str(data), "--plan", "town/1999")
    assert result.code == 1 and "town/2023" in result.err
    assert sorted(p.name for p in (data / "town/2024/projects").iterdir()) == ["care.yaml", "trail.yaml"]


def test_new_unit_appends_and_keeps_the_rest(data: Path) -> None:
    plan = data / "town/2024/plan.yaml"
    before = plan.read_text(encoding="utf-8")
    result = run_cli("new", "unit", "--data", str(data), "--plan", "town/2024", "--title", "돌봄팀")
    assert result.code == 0, result.err
    after = plan.read_text(encoding="utf-8")
    assert [u["id"] for u in yaml.safe_load(after)["units"]] == ["u01", "u02"]
    assert after.replace("".join(line for line in after.splitlines(keepends=True) if line not in before), "") == before
    valid(data)


def test_insert_unit_in_both_list_styles_and_without_units() -> None:
    indented = "year: 2024\nunits:\n  - id: t01\n    name: 가\n\nirregularities: []\n"
    flat = "year: 2024\nlevels:\n- name: 목표\nunits:\n- id: t01\n  name: 가\nsections: []\n"
    none = "year: 2024\nlevels:\n- name: 목표\n"
    for text in (indented, flat, none):
        data = yaml.safe_load(insert_unit(text, "t02", "나"))
        assert data["units"][-1] == {"id": "t02", "name": "나"}
    assert "\n- id: t02" in insert_unit(flat, "t02", "나") and "\n  - id: t02" in insert_unit(indented, "t02", "나")


def test_new_unit_in_real_plans(real_data: Path) -> None:
    for plan in ("jb-sswa/2024", "jincheon-haengjeong/2022"):
        assert run_cli("new", "unit", "--data", str(real_data), "--plan", plan).code == 0
    valid(real_data)


def test_new_plan_copies_levels_from_latest_earlier_plan(data: Path) -> None:
    result = run_cli("new", "plan", "--data", str(data), "--org", "town")
    assert result.code == 0, result.err
    plan = yaml.safe_load((data / "town/2025/plan.yaml").read_text(encoding="utf-8"))
    assert plan["year"] == 2025 and [lv["name"] for lv in plan["levels"]] == ["전략목표", "추진과제"]
    assert plan["title"] == "기획과 업무계획"
    valid(data)
    assert run_cli("new", "plan", "--data", str(data), "--org", "town", "--year", "2025").code == 1  # exists already


def test_new_plan_for_new_organisation(data: Path) -> None:
    assert run_cli("new", "plan", "--data", str(data), "--org", "newbody").code == 1  # year unknown
    result = run_cli("new", "plan", "--data", str(data), "--org", "newbody", "--year", "2025")
    assert result.code == 0, result.err
    assert (data / "newbody/org.yaml").exists() and "org.yaml" in result.out
    valid(data)
    assert run_cli("new", "unit", "--data", str(data), "--plan", "newbody/2025").code == 0
    assert run_cli("new", "project", "--data", str(data), "--plan", "newbody/2025", "--unit", "u01").code == 0
    valid(data)


def test_a_skeleton_that_does_not_validate_is_taken_back(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.cli import scaffold

    monkeypatch.setattr(scaffold, "PROJECT_TEMPLATE", scaffold.PROJECT_TEMPLATE.replace("title:", "titel:"))
    result = run_cli("new", "project", "--data", str(data), "--plan", "town/2024", "--unit", "u01")
    assert result.code == 1 and "되돌렸습니다" in result.err and "titel" in result.err
    assert not (data / "town/2024/projects/u01-01.yaml").exists()


def _tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_new_never_writes_outside_data_or_with_a_bad_id(data: Path) -> None:
    before = _tree(data.parent)
    cases = [("unit", "--plan", "../../x"), ("unit", "--plan", "../2024"), ("plan", "--org", "x\n", "--year", "2025"),
             ("plan", "--org", "", "--year", "2025"), ("project", "--plan", "town/2024", "--unit", "u01", "--id", ""),
             ("project", "--plan", "town/2024", "--unit", "u01", "--id", "p9\n"), ("plan", "--org", "a" * 250, "--year", "2025"),
             ("project", "--plan", "town/2024", "--unit", "u01", "--id", "p" * 101), ("unit", "--plan", "town/2024", "--id", "u" * 101)]
    for case in cases:
        result = run_cli("new", *case[:1], "--data", str(data), *case[1:])
        assert result.code == 1 and "만들지 않았습니다" in result.err and "Traceback" not in result.err, case
    assert _tree(data.parent) == before


def test_a_refused_plan_skeleton_leaves_no_folders_behind(data: Path) -> None:
    before = _tree(data)
    result = run_cli("new", "plan", "--data", str(data), "--org", "neworg", "--year", "3000")
    assert result.code == 1 and "되돌렸습니다" in result.err
    assert _tree(data) == before
