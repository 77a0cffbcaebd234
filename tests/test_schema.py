"""The committed JSON Schema is generated from the models and referenced by the data files."""

from __future__ import annotations

import re

import pytest

from site_builder.model.schema import reference_markdown, schema_texts
from tests.conftest import ROOT


def test_committed_schema_is_current():
    for name, text in schema_texts().items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == text, f"schema/{name} is stale: run `site-builder schema`"


def test_every_data_file_references_its_schema():
    kinds = {"site.yaml": "site", "org.yaml": "organisation", "plan.yaml": "plan"}
    for path in sorted((ROOT / "data").rglob("*.yaml")):
        kind = kinds.get(path.name, "project" if path.parent.name == "projects" else None)
        if kind is None:
            continue
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=") and first.endswith(f"schema/{kind}.schema.json"), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == (ROOT / "schema" / f"{kind}.schema.json").resolve(), path


def test_reference_page_describes_every_field():
    text = reference_markdown()
    for field in ("`title`", "`budget`", "`schedule`", "`show_person_names`", "`money_unit`", "`declared_count`"):
        assert field in text
    assert "| 항목 | 종류 | 필수 | 설명 |" in text


def test_booleans_are_not_numbers() -> None:
    """`true` is not 1: pydantic's lax mode would take it (`ground: true` became 제1호)."""
    from pydantic import ValidationError

    from site_builder.model.parts import FundingShare, Withholding

    for make in (lambda: Withholding(ground=True), lambda: FundingShare(source="국비", share_pct=True)):
        with pytest.raises(ValidationError):
            make()
    assert Withholding(ground=5).ground == 5 and FundingShare(source="국비", share_pct=50).share_pct == 50


ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[\s,.;:()/]+[A-Za-z][A-Za-z'’-]*){3,}")


def test_reference_page_is_korean() -> None:
    """No English sentence (a run of 4+ ASCII words) outside code; every model has a Korean name."""
    from site_builder.model.schema import MODEL_NAMES, schemas

    text = re.sub(r"`[^`]*`|\]\(#[^)]*\)|\{ #[^}]*\}", " ", reference_markdown())
    assert ENGLISH_RUN.findall(text) == []
    models = {s.get("title") for s in schemas().values()} | {name for s in schemas().values() for name in s.get("$defs", {})}
    assert models <= set(MODEL_NAMES), sorted(models - set(MODEL_NAMES))
    assert "### 원문 위치 { #sourceref }" in reference_markdown() and "[원문 위치](#sourceref)" in reference_markdown()
