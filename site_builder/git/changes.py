"""What changed between two versions of a project, in plain Korean (the change history's messages).

Each message is made of what kind of change it is (`향후계획 삭제`, words of this module and of the plan's
headings) and its content (the data's own text: titles, values, labels), so that history can show the same message
without its content where the content may not be published (git/history.py).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from ..model import Project
from ..model.money import format_in_unit
from ..model.portal import is_non_budget, project_period, project_total


@dataclass(frozen=True)
class Message:
    """One change: its kind (`향후계획 삭제`) and its content, the data's text in the places `{0}`, `{1}` … of `form`."""

    kind: str
    form: str = "{kind}"
    parts: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The whole message: `향후계획 삭제: 2024. 3. 공고`."""
        return self.form.format(*self.parts, kind=self.kind)

    def without_content(self, why: str) -> str:
        """The same message with none of the data's text: `향후계획 삭제 (개인정보가 있어 내용을 싣지 않음)`."""
        return f"{self.kind} ({why})"


def _m(kind: str, form: str = "{kind}", *parts: str) -> Message:
    """A message (short name: every message below is one)."""
    return Message(kind, form, parts)


@dataclass
class Words:
    """How to name things of one plan: its money unit, units and strategy nodes."""

    money_unit: str = "천원"
    units: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, str] = field(default_factory=dict)


# Field labels for generic "… 수정" messages; fields not listed here are not reported.
# Fields with their own change messages (`describe`), and fields whose changes are not listed (with why).
# `stated_budget` (the amount a document states with a project's title, from the importer's branch) counts in the
# budget's total, so its changes show as the budget message (`예산 … → …`).
DESCRIBED = ("title", "unit", "strategy", "budget", "stated_budget", "schedule", "steps", "kpis")


UNLISTED = {
    "schema_ref": "편집기용 경로", "id": "파일 이름(다른 사업)", "source": "원문 위치", "evaluation_header": "평가방법 표의 머리행",
    "withheld": "비공개 처리(공개된 것만 보여 줌)", "withheld_fields": "비공개 처리(공개된 것만 보여 줌)",
}


# Every other project field is listed under its model title (`Field(title=…)`), in the model's field order.
FIELD_LABELS: dict[str, str] = {name: info.title for name, info in Project.model_fields.items()
                                if name not in DESCRIBED and name not in UNLISTED and info.title}


def describe(old: Project, new: Project, words: Words) -> list[str]:
    """Plain-Korean list of what changed from `old` to `new` (empty if nothing meaningful)."""
    return [m.text for m in changes(old, new, words)]


def changes(old: Project, new: Project, words: Words) -> list[Message]:
    """What changed from `old` to `new`, each change with its kind and content apart (empty if nothing meaningful)."""
    out = _renamed(old, new, words) + _budget(old, new, words) + _period(old, new)
    out += _kpis(old, new) + _schedule(old, new) + _steps(old, new)
    handled = {"overview"} if _overview_only_budget_or_period(old, new) else set()
    return out + _generic(old, new, handled)


_FROM_TO = "{kind}: {0} → {1}"


def _renamed(old: Project, new: Project, words: Words) -> list[Message]:
    """Title, unit and strategy changes."""
    out = []
    if old.title != new.title:
        out.append(_m("제목 변경", _FROM_TO, old.title, new.title))
    if old.unit != new.unit:
        out.append(_m("담당 부서 변경", _FROM_TO, words.units.get(old.unit or "", old.unit or "없음"), words.units.get(new.unit or "", new.unit or "없음")))
    if old.strategy != new.strategy:
        out.append(_m("연결 전략 변경", _FROM_TO, words.nodes.get(old.strategy or "", old.strategy or "없음"),
                      words.nodes.get(new.strategy or "", new.strategy or "없음")))
    return out


def _budget_text(project: Project, unit: str) -> str:
    """`12,000천원`, `비예산` or `밝히지 않음`."""
    total = project_total(project)
    if total is not None:
        return f"{format_in_unit(total, unit)}{unit}"
    return "비예산" if is_non_budget(project) else "밝히지 않음"


def _budget(old: Project, new: Project, words: Words) -> list[Message]:
    """`예산 12,000천원 → 10,000천원`, or that the budget lines changed with the same total."""
    before, after = _budget_text(old, words.money_unit), _budget_text(new, words.money_unit)
    if before != after:
        return [_m("예산 변경", "예산 {0} → {1}", before, after)]
    if _dump(old.budget) != _dump(new.budget):
        return [_m("예산 내역 수정 (합계 같음)")]
    return []


def _period(old: Project, new: Project) -> list[Message]:
    """`사업기간 변경: A → B`."""
    before, after = project_period(old), project_period(new)
    return [] if before == after else [_m("사업기간 변경", _FROM_TO, before or "없음", after or "없음")]


def _kpi_values(project: Project) -> dict[str, dict[tuple[int, str], str]]:
    """Map each indicator to its values by (year, kind)."""
    return {k.indicator: {(t.year, t.kind): t.value for t in k.targets} for k in project.kpis}


_NAMED = "{kind}: {0}"
_VALUE = "{kind}: {0} ({1}, {2}년)"


def _kpis(old: Project, new: Project) -> list[Message]:
    """`목표치 80 → 85 (지표, 2024년)`, indicators added and removed."""
    before, after = _kpi_values(old), _kpi_values(new)
    out = [_m("성과지표 추가", _NAMED, name) for name in after if name not in before]
    out += [_m("성과지표 삭제", _NAMED, name) for name in before if name not in after]
    for name in (n for n in after if n in before):
        for (year, kind), value in sorted(after[name].items()):
            word = "목표치" if kind == "target" else "실적"
            previous = before[name].get((year, kind))
            if previous is None:
                out.append(_m(f"{word} 추가", _VALUE, value, name, str(year)))
            elif previous != value:
                out.append(_m(f"{word} 변경", word + " {0} → {1} ({2}, {3}년)", previous, value, name, str(year)))
        out += [_m(f"{'목표치' if k == 'target' else '실적'} 삭제", _VALUE, v, name, str(y)) for (y, k), v in sorted(before[name].items()) if (y, k) not in after[name]]
    return out


def _periods(marks: set[int], unit: str) -> str:
    """`3·4월` or `2분기`."""
    return "·".join(str(m) for m in sorted(marks)) + ("월" if unit == "month" else "분기")


def _schedule(old: Project, new: Project) -> list[Message]:
    """`추진계획 3월 추가 (활동)`, activities added and removed."""
    before = {r.label: set(r.marks) for r in (old.schedule.rows if old.schedule else [])}
    after = {r.label: set(r.marks) for r in (new.schedule.rows if new.schedule else [])}
    unit = new.schedule.unit if new.schedule else "month"
    out = [_m("추진계획 추가", _NAMED, label) for label in after if label not in before]
    out += [_m("추진계획 삭제", _NAMED, label) for label in before if label not in after]
    for label in (x for x in after if x in before):
        if after[label] - before[label]:
            out.append(_m(f"추진계획 {_periods(after[label] - before[label], unit)} 추가", "{kind} ({0})", label))
        if before[label] - after[label]:
            out.append(_m(f"추진계획 {_periods(before[label] - after[label], unit)} 제외", "{kind} ({0})", label))
    return out


def _steps(old: Project, new: Project) -> list[Message]:
    """Dated steps added or removed (향후계획·추진계획 lists); the kind names the list by its heading."""
    def items(p: Project) -> list[tuple[str, str, str]]:
        return [(s.heading or "향후계획", x.when, x.text) for s in p.steps for x in s.steps]

    before, after = items(old), items(new)
    out = [_m(f"{h} 추가", _NAMED, f"{w} {t}".rstrip()) for h, w, t in after if (h, w, t) not in before]
    return out + [_m(f"{h} 삭제", _NAMED, f"{w} {t}".rstrip()) for h, w, t in before if (h, w, t) not in after]


def _overview_only_budget_or_period(old: Project, new: Project) -> bool:
    """True when the overview differs only in its budget or period lines (already reported)."""
    def rest(p: Project) -> Any:
        items = p.overview.items if p.overview else []
        return [i.model_dump() for i in items if i.kind not in ("budget", "period")], _dump(p.overview.body if p.overview else None)

    return rest(old) == rest(new)


def _dump(value: Any) -> Any:
    """A comparable plain form of a model value."""
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def _generic(old: Project, new: Project, handled: set[str]) -> list[Message]:
    """`사업목표 수정` / `… 추가` / `… 삭제` for the other fields (no content: the kind is the whole message)."""
    out = []
    for name, label in FIELD_LABELS.items():
        if name in handled:
            continue
        before, after = _dump(getattr(old, name)), _dump(getattr(new, name))
        if before == after:
            continue
        if not before:
            out.append(_m(f"{label} 추가"))
        elif not after:
            out.append(_m(f"{label} 삭제"))
        else:
            out.append(_m(f"{label} 수정{_line_counts(before, after)}"))
    return out


def _lines(value: Any) -> list[str]:
    """Every non-empty text line inside a dumped value (bullet bodies, table cells, …), in order."""
    if isinstance(value, dict):
        return [line for v in value.values() for line in _lines(v)]
    if isinstance(value, list):
        return [line for v in value for line in _lines(v)]
    return [ln.strip() for ln in str(value).splitlines() if ln.strip()] if isinstance(value, str) else []


def _line_counts(before: Any, after: Any) -> str:
    """` (1줄 바뀜·2줄 추가)` for text blocks, '' when only non-text parts changed."""
    changed = added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=_lines(before), b=_lines(after), autojunk=False).get_opcodes():
        if tag != "equal":
            both = min(i2 - i1, j2 - j1)
            changed, removed, added = changed + both, removed + i2 - i1 - both, added + j2 - j1 - both
    parts = [f"{changed}줄 바뀜"] * bool(changed) + [f"{added}줄 추가"] * bool(added) + [f"{removed}줄 삭제"] * bool(removed)
    return f" ({'·'.join(parts)})" if parts else ""
