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
