"""Row data of the filterable project tables (site_builder/render/tables.py): periods, natural sort keys, ids, region labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.pipeline.run import check
from site_builder.render.tables import RegionLabels, natural_key, parse_period, row_data

FIXTURE = Path(__file__).parent / "fixtures" / "data"


@pytest.mark.parametrize(("text", "expected"), [
    ("2024. 1 ~ 12월", ("2024-01", "2024-12")),
    ("2024. 1. ~ 12.", ("2024-01", "2024-12")),
    ("2024. 1~12월", ("2024-01", "2024-12")),
    ("2022년 4월 ~ 11월(약 8개월)", ("2022-04", "2022-11")),
    ("2023. 11. ~ 2024. 2.", ("2023-11", "2024-02")),
    ("2022. 3.", ("2022-03", "2022-03")),
    ("연중", None),
    (None, None),
    ("2024. 13 ~ 12월", None),
])
def test_parse_period(text: str | None, expected: tuple[str, str] | None) -> None:
    assert parse_period(text) == expected


def test_natural_key_sorts_numbers_as_numbers() -> None:
    numbers = ["10", "2", "1-10", "1-2", "", "Ⅱ-1"]
    assert sorted(numbers, key=natural_key) == ["", "1-2", "1-10", "2", "10", "Ⅱ-1"]


def test_row_data_qualifies_ids_and_lists_the_node_chain() -> None:
    portal = check(FIXTURE).portal
    assert portal is not None
    bundle = portal.plans[0]
    project = next(p for p in bundle.projects if p.id == "p1")
    data = row_data(bundle, project)
    assert data["plan"] == bundle.key
    assert data["unit"] == f"{bundle.key}:team-a"
    assert data["node"].split() == [f"{bundle.key}:goal1", f"{bundle.key}:task1-1"]
    assert data["budget"] == "2300000" and (data["start"], data["end"]) == ("2024-01", "2024-12")


def test_region_labels_are_unique_per_page() -> None:
    labels = RegionLabels()
    assert [labels("표"), labels("표"), labels("담당"), labels("표")] == ["표", "표 (2)", "담당", "표 (3)"]
    assert RegionLabels()("표") == "표"  # the next page starts afresh (render_page passes a new one)


def test_bold_marks_of_the_source_show_as_bold_and_stay_escaped() -> None:
    from site_builder.render.tables import escape_with_strong

    assert escape_with_strong("① **기관 비전** 공유") == "① <strong>기관 비전</strong> 공유"
    assert escape_with_strong("**<script>**") == "<strong>&lt;script&gt;</strong>"
    assert escape_with_strong("*강조* ** 띄움 **") == "*강조* ** 띄움 **"
