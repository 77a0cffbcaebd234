"""Static SVG bar charts made at build time: no chart JavaScript, each with a title, description and summary."""

from __future__ import annotations

import html

from ..model.money import format_in_unit

# Each row is a label line above its bar, so labels stay whole and the text stays legible when the
# chart shrinks to a phone's width (viewBox 400 wide ≈ 1:1 on a 390 px screen, capped at 560 px by CSS).
_WIDTH, _LABEL_H, _BAR, _GAP, _VALUE = 400, 17, 16, 12, 118
_PALETTE = ("#1f5fa8", "#2e7d5b", "#a8551f", "#6b4fa0", "#8a6d00", "#0f7f8c", "#9c2f4b", "#4a5a6a")


def _bar(i: int, label: str, won: int, top: int, unit: str) -> str:
    """One row: the label, then the bar with its value."""
    y = i * (_LABEL_H + _BAR + _GAP)
    width = max(1, round((_WIDTH - _VALUE) * won / top)) if top else 1
    value = f"{format_in_unit(won, unit)}{unit}"
    short = label if len(label) <= 30 else label[:29] + "…"
    return (
        f'<g><text x="0" y="{y + 13}" class="chart-label">{html.escape(short)}</text>'
        f'<rect x="0" y="{y + _LABEL_H}" width="{width}" height="{_BAR}" fill="{_PALETTE[i % len(_PALETTE)]}"></rect>'
        f'<text x="{width + 6}" y="{y + _LABEL_H + 13}" class="chart-value">{html.escape(value)}</text></g>'
    )


def subject_particle(word: str) -> str:
    """`이` after a final consonant (받침), `가` after a vowel, `이(가)` when the last letter is not Hangul."""
    last = word.rstrip(" )]")[-1:] if word.strip() else ""
    if not ("가" <= last <= "힣"):
        return "이(가)"
    return "이" if (ord(last) - 0xAC00) % 28 else "가"


def summary(title: str, rows: list[tuple[str, int]], unit: str) -> str:
    """One Korean sentence that says what the chart shows."""
    if not rows or not any(w for _, w in rows):
        return f"{title}: 금액이 있는 항목이 없습니다."
    label, won = max(rows, key=lambda r: r[1])
    total = sum(w for _, w in rows)
    share = round(100 * won / total) if total else 0
    top = f"{label}{subject_particle(label)} {format_in_unit(won, unit)}{unit}({share}%)"
    return f"{title}: {len(rows)}개 항목 합계 {format_in_unit(total, unit)}{unit} 가운데 {top}로 가장 큽니다."


def bar_chart(title: str, rows: list[tuple[str, int]], unit: str, chart_id: str) -> str:
    """An accessible SVG figure; the data table follows it on the page."""
    rows = [(str(label), won) for label, won in rows]
    top = max((w for _, w in rows), default=0)
    height = max(1, len(rows)) * (_LABEL_H + _BAR + _GAP)
    bars = "".join(_bar(i, label, won, top, unit) for i, (label, won) in enumerate(rows))
    text = summary(title, rows, unit)
    return (
        f'<figure class="chart"><svg role="img" aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" class="bar-chart">'
        f'<title id="{chart_id}-t">{html.escape(title)}</title><desc id="{chart_id}-d">{html.escape(text)}</desc>{bars}</svg>'
        f"<figcaption>{html.escape(text)}</figcaption></figure>"
    )
