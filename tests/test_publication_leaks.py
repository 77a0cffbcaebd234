"""What the redaction stage must not let out beyond 비공개 marks: internal lists, and withheld titles quoted elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

from site_builder.pipeline.run import check, generate
from tests.conftest import run_cli

PLAN = "demo-org/2024/plan.yaml"
P2 = "demo-org/2024/projects/p2.yaml"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_plan_json_has_no_acknowledged_personal_data_nor_findings_about_withheld_projects(data_copy: Path) -> None:
    plan = (data_copy / PLAN).read_text(encoding="utf-8")
    plan = plan.replace("acknowledged:\n", "acknowledged_personal_data: [\"INTERNALMARK 010-2345-6789\"]\nacknowledged:\n  - title:p2:SECRETVARIANT\n", 1)
    (data_copy / PLAN).write_text(plan, encoding="utf-8")
    _append(data_copy / P2, "withheld: {ground: 8}\n")
    portal = check(data_copy).portal
    assert portal is not None
    doc = json.loads(generate(portal)["downloads/demo-org-2024.json"])
    assert "acknowledged_personal_data" not in doc["plan"] or doc["plan"]["acknowledged_personal_data"] == []
    assert "title:p2:SECRETVARIANT" not in doc["plan"]["acknowledged"]
    assert doc["plan"]["acknowledged"]  # the plan's other acknowledged findings stay: the quality page marks them 확인됨


def test_withheld_title_quoted_in_plan_text_is_a_finding(data_copy: Path) -> None:
    _append(data_copy / P2, "withheld: {ground: 8}\n")
    plan = (data_copy / PLAN).read_text(encoding="utf-8")
    (data_copy / PLAN).write_text(plan.replace("    - 주민 중심 행정\n", "    - 주민 중심 행정 (둘째   사업 포함)\n", 1), encoding="utf-8")
    checked = check(data_copy)
    echoes = [f for f in checked.findings if f.kind == "withheld"]
    assert [(f.id, f.line) for f in echoes] == [("withheld-echo:p2:plan.mission.body", 7)]
    assert "비공개 사업 p2의 제목이 mission.body에 그대로 있습니다" in echoes[0].message
    assert "둘째" not in echoes[0].message  # validate output may be public (CI logs): the title itself is not repeated


def test_withheld_title_only_in_redacted_places_is_not_a_finding(data_copy: Path) -> None:
    _append(data_copy / P2, "withheld: {ground: 8}\n")  # the catalogue entry naming p2 is redacted by id
    assert [f for f in check(data_copy).findings if f.kind == "withheld"] == []


def test_strict_validate_refuses_an_unacknowledged_echo(data_copy: Path, monkeypatch) -> None:
    _append(data_copy / P2, "withheld: {ground: 8}\n")
    plan = (data_copy / PLAN).read_text(encoding="utf-8")
    (data_copy / PLAN).write_text(plan.replace("    - 주민 중심 행정\n", "    - 둘째 사업 포함\n", 1), encoding="utf-8")
    monkeypatch.chdir(data_copy.parent)
    result = run_cli("validate", "--strict", "--quiet", "--data", data_copy.name)
    assert result.code == 1 and "withheld-echo:p2:plan.mission.body" in result.err and "Traceback" not in result.err
