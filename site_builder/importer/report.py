"""The Korean import report: counts, line keep, and every line the importer could not place."""

from __future__ import annotations

from collections import defaultdict

from . import audit as au
from .link import walk
from .stages import Imported

MAX_LISTED = 60


def ranges(numbers: list[int]) -> str:
    """`3, 5-9, 12` from line numbers."""
    out: list[str] = []
    for n in sorted(set(numbers)):
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def report(result: Imported, file_name: str) -> str:
    """The whole report as text."""
    plan, keep = result.plan, result.keep
    nodes = sum(1 for _ in walk(plan.get("strategy", [])))
    lines = [f"가져오기 보고서: {file_name}",
             f"- 부서 {len(plan.get('units', []))}개, 전략 노드 {nodes}개, 사업 {len(result.projects)}개, "
             f"사업 묶음 {len(plan.get('project_groups', []))}개, 선언된 목록 {len(plan.get('catalogues', []))}개, 계획 일반 구역 {len(plan.get('sections', []))}개",
             f"- 원문 줄 보존율: {keep.percent:.1f}% (비어 있지 않은 줄 {keep.total}줄 중 {keep.kept}줄이 초안 글에 있음)",
             au.structured_line(result)]
    lines += au.decision_lines(result) + au.level_lines(result) + au.sum_lines(result)
    lines += _generic(result) + _missing(result) + _notes(result) + au.doubt_lines(result)
    return "\n".join(lines) + "\n"


def _generic(result: Imported) -> list[str]:
    """Lines kept only in generic sections, grouped by where they went."""
    by_where: dict[str, list[int]] = defaultdict(list)
    for no, where in result.draft.ledger.generic:
        by_where[where].append(no)
    if not by_where:
        return ["- 일반 구역(sections)으로 보낸 줄: 없음"]
    total = sum(len(v) for v in by_where.values())
    out = [f"- 전용 항목을 찾지 못해 일반 구역(sections)에 그대로 둔 줄: {total}줄"]
    out += [f"  · {where}: {ranges(nos)}" for where, nos in sorted(by_where.items())]
    return out


def _missing(result: Imported) -> list[str]:
    """Lines not found in the draft, and debris lines left out on purpose."""
    missing = [ln.no for ln in result.keep.missing]
    out = [f"- 초안에서 찾을 수 없는 줄: {len(missing)}줄" + (f" ({ranges(missing[:MAX_LISTED])}{' …' if len(missing) > MAX_LISTED else ''})" if missing else "")]
    dropped = result.draft.ledger.dropped
    if dropped:
        out.append(f"- 뜻 없는 줄로 보고 뺀 줄(표 구분선 등): {len(dropped)}줄 ({ranges([n for n, _ in dropped])})")
    return out


def _notes(result: Imported) -> list[str]:
    """Overrides, unlinked names and degraded projects."""
    n = result.notes
    out = [f"- 고침 파일: {n['overrides'][0]} 적용" if n.get("overrides") else "- 고침 파일(overrides.yaml): 없음"]
    for key, label in (("missing_units", "고침 파일에 있으나 초안에 없는 부서"), ("missing_projects", "고침 파일에 있으나 초안에 없는 사업"),
                       ("unlinked", "전략 체계에서 찾지 못한 전략 이름"), ("invalid", "모델 검사에 실패해 원문째 넣은 사업"),
                       ("cleaned", "원문에서 뺀 글자 (초안에 넣지 않음)"),
                       ("personal", "개인정보로 보여 초안에서 가린 값 (공개해도 되면 overrides.yaml의 plan.acknowledged_personal_data에 원문 그대로 적고 다시 가져오세요)")):
        if n.get(key):
            out.append(f"- {label}: " + "; ".join(n[key]))
    return out
