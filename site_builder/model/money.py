"""Exact Korean money amounts: parse `13,200천원`, `1,611.2백만원`, `2억9천만원`, `비예산`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

# Multipliers of the unit words that appear after a number.
UNIT_FACTORS: dict[str, int] = {
    "원": 1,
    "십원": 10,
    "백원": 100,
    "천원": 1_000,
    "만원": 10_000,
    "십만원": 100_000,
    "백만원": 1_000_000,
    "천만원": 10_000_000,
    "억원": 100_000_000,
    "십억원": 1_000_000_000,
}

NON_BUDGET_WORDS = ("비예산", "예산없음", "해당없음")
_TOKEN = re.compile(r"(\d[\d,]*(?:\.\d+)?)(십억|천만|백만|십만|억|만|천|백|십)?")
_NUMBER_ONLY = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")
_SIMPLE = re.compile(r"^(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>십억원|천만원|백만원|십만원|억원|만원|천원|백원|십원|원)")


class MoneyError(ValueError):
    """A money text that cannot be read as an exact amount."""


@dataclass(frozen=True)
class Money:
    """An exact amount in 원 with the text it was read from."""

    raw: str
    won: int | None
    non_budget: bool = False
    note: str = ""


def _to_decimal(text: str) -> Decimal:
    """Turn `1,611.2` into an exact Decimal."""
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise MoneyError(text) from exc


def _exact_won(value: Decimal, raw: str) -> int:
    """Refuse fractions of a 원 instead of rounding them silently."""
    if value != value.to_integral_value():
        raise MoneyError(f"원 단위 아래 소수가 남습니다: {raw}")
    return int(value)


def _parse_compound(text: str) -> tuple[int, str] | None:
    """Read `2억9천만원` / `2억9천` style amounts; return (won, remainder)."""
    pos, total, group, seen_eok = 0, Decimal(0), Decimal(0), False
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or not m.group(2):
            break
        num, small = _to_decimal(m.group(1)), m.group(2)
        pos = m.end()
        if small in ("억", "십억"):
            total += (group + num) * (100_000_000 if small == "억" else 1_000_000_000)
            group, seen_eok = Decimal(0), True
        elif small in ("만", "십만", "백만", "천만"):
            total += (group + num * {"만": 1, "십만": 10, "백만": 100, "천만": 1000}[small]) * 10_000
            group = Decimal(0)
        else:
            group += num * {"천": 1000, "백": 100, "십": 10}[small]
    if pos == 0 or not seen_eok:
        return None
    rest = text[pos:]
    if rest.startswith("만"):
        total, group, rest = total + group * 10_000, Decimal(0), rest[1:]
    elif group and not rest.startswith("원"):
        total, group = total + group * 10_000, Decimal(0)  # `2억9천` means 2억9천만
    rest = rest[1:] if rest.startswith("원") else rest
    return _exact_won(total + group, text), rest


def parse_money(value: Any) -> Money:
    """Read a number (원) or a Korean money text into an exact Money."""
    if isinstance(value, Money):
        return value
    if isinstance(value, bool) or value is None:
        raise MoneyError(repr(value))
    if isinstance(value, int):
        return Money(raw=str(value), won=value)
    if isinstance(value, float):
        return Money(raw=repr(value), won=_exact_won(Decimal(repr(value)), repr(value)))
    if not isinstance(value, str):
        raise MoneyError(repr(value))
    return _parse_text(value)


def _parse_text(raw: str) -> Money:
    """Parse the string form of an amount."""
    text = raw.strip()
    squeezed = re.sub(r"\s+", "", text)
    for word in NON_BUDGET_WORDS:
        if squeezed.startswith(word):
            return Money(raw=raw, won=None, non_budget=True, note=squeezed[len(word) :])
    if _NUMBER_ONLY.match(squeezed):
        return Money(raw=raw, won=_exact_won(_to_decimal(squeezed), raw))
    compound = _parse_compound(squeezed)
    if compound:
        return Money(raw=raw, won=compound[0], note=compound[1])
    m = _SIMPLE.match(squeezed)
    if not m:
        raise MoneyError(raw)
    won = _exact_won(_to_decimal(m.group("num")) * UNIT_FACTORS[m.group("unit")], raw)
    return Money(raw=raw, won=won, note=squeezed[m.end() :])


def format_in_unit(won: int | None, unit: str) -> str:
    """Show an amount in a display unit such as 천원, with grouping and no float error."""
    if won is None:
        return "-"
    value = Decimal(won) / Decimal(UNIT_FACTORS[unit])
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    whole, _, frac = f"{value:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}"
    return f"{sign}{grouped}.{frac}" if frac else f"{sign}{grouped}"
