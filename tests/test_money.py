from decimal import Decimal

import pytest

from site_builder.check.findings import formula_value
from site_builder.model.money import MoneyError, format_in_unit, parse_money


@pytest.mark.parametrize(
    ("text", "won"),
    [
        ("13,200천원", 13_200_000),
        ("1,611.2백만원", 1_611_200_000),
        ("2억9천만원", 290_000_000),
        ("2억9천", 290_000_000),
        ("4,000천 원", 4_000_000),
        ("0.8백만원", 800_000),
        ("20만 원(최초1회)", 200_000),
        ("12,400천원(도비 100%)", 12_400_000),
        ("215백만원(군비)", 215_000_000),
        (31600, 31_600),
        ("31600", 31_600),
        ("1억", 100_000_000),
    ],
)
def test_parse_money_exact(text, won):
    assert parse_money(text).won == won


def test_non_budget_keeps_raw():
    money = parse_money("비예산")
    assert money.non_budget and money.won is None and money.raw == "비예산"


def test_note_after_amount_is_kept():
    assert parse_money("12,000천원(도비50%, 국비 50%)").note == "(도비50%,국비50%)"


@pytest.mark.parametrize("text", ["abc", "천원", "", "0.0001천원", True, None])
def test_bad_money_is_rejected(text):
    with pytest.raises(MoneyError):
        parse_money(text)


def test_format_in_unit_has_no_float_error():
    assert format_in_unit(1_611_200_000, "백만원") == "1,611.2"
    assert format_in_unit(13_200_000, "천원") == "13,200"
    assert format_in_unit(None, "천원") == "-"
    assert Decimal(format_in_unit(100, "천원")) == Decimal("0.1")


@pytest.mark.parametrize(
    ("basis", "won"),
    [
        ("4.4천원×500명×6월", 13_200_000),
        ("100천원×2회×1년=200천원", 200_000),
        ("시급 12,502원×390시간×10개월", 48_757_800),
        ("200천원x1식x5회", 1_000_000),
        ("복지포인트 없음", None),
    ],
)
def test_formula_value(basis, won):
    assert formula_value(basis) == won


def test_headline_amounts_read_in_eok_from_1eok_up_with_the_exact_figure() -> None:
    from site_builder.render.helpers import amount_text

    assert amount_text(1_158_165_000, "천원") == "11.6억원 (1,158,165천원)"
    assert amount_text(470_000_000, "백만원") == "4.7억원 (470백만원)"
    assert amount_text(99_999_000, "천원") == "99,999천원" and amount_text(None, "천원") == "-"
    assert amount_text(125_000_000, "천원") == "1.3억원 (125,000천원)"  # half up, as people round


def test_a_total_says_how_many_projects_it_leaves_out() -> None:
    from site_builder.model import Project
    from site_builder.render.helpers import total_text

    stated = Project(id="a", title="a", budget={"lines": [{"amount": "200,000천원"}]})
    unstated, non_budget = Project(id="b", title="b"), Project(id="c", title="c", stated_budget="비예산")
    assert total_text([stated, unstated, non_budget], "천원") == "2.0억원 (200,000천원) (금액 미기재 1건 제외)"
    assert total_text([stated, non_budget], "천원") == "2.0억원 (200,000천원)"
