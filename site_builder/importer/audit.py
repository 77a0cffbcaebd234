"""The honest part of the import report: declared vs found counts, sums against stated amounts, structured share, doubts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model.money import MoneyError, parse_money
from .evidence import unit_slip
from .genre import depth_counts
from .link import walk
from .stages import Imported


def won(text: Any) -> int | None:
    """An amount text in 원 (None when absent or unreadable)."""
    try:
        return parse_money(text).won if text not in (None, "") else None
    except MoneyError:
        return None


def level_lines(result: Imported) -> list[str]:
    """Per strategy level: the count the document declares and the count found."""
    plan = result.plan
    found = depth_counts(plan.get("strategy", []))
    out = []
    for depth, level in enumerate(plan.get("levels", [])):
        count = found[depth] if depth < len(found) else 0
        declared = level.get("declared_count")
        verdict = "" if declared is None else (" (일치)" if declared == count else f" (차이 {count - declared:+d})")
        out.append(f"  · {level['name']}: 원문 선언 {declared if declared is not None else '없음'}, 찾음 {count}{verdict}")
    out.append(f"  · 사업: 찾음 {len(result.projects)}" + "".join(f", 목록 `{c['title']}` 선언 {c.get('declared_total')}" for c in plan.get("catalogues", [])))
    return ["- 단계별 개수 (원문 선언 대 찾은 것):", *out]


def _children_total(node: dict[str, Any], projects: dict[str, dict[str, Any]]) -> int | None:
    """The stated amounts of a node's children (sub-nodes, else its projects) added up; None when none states one."""
    if node.get("children"):
        amounts = [won(c.get("stated_budget")) for c in node["children"]]
    else:
        amounts = [won(p.get("stated_budget")) for p in projects.values() if p.get("strategy") == node["id"]]
    known = [a for a in amounts if a is not None]
    return sum(known) if known else None


def sum_lines(result: Imported) -> list[str]:
    """Each stated node amount against its children's amounts, with likely unit slips."""
    out = []
    for node in walk(result.plan.get("strategy", [])):
        stated, total = won(node.get("stated_budget")), _children_total(node, result.projects)
        if stated is None or total is None:
            continue
        if stated == total:
            out.append(f"  · {node['id']} {node['title']}: {node['stated_budget']} = 하위 합계 (일치)")
            continue
        slip = unit_slip(stated, total)
        what = f"단위 실수로 보임: {slip}" if slip else f"차이 {total - stated:+,}원"
        out.append(f"  · {node['id']} {node['title']}: {node['stated_budget']} ≠ 하위 합계 {total:,}원 ({what})")
    return ["- 금액 검산 (상위 금액 대 하위 합계):", *(out or ["  · 상위와 하위에 함께 적힌 금액이 없습니다"])]


def structured_line(result: Imported) -> str:
    """The share of non-empty lines that became dedicated fields (not generic sections, not lost)."""
    generic = {no for no, _ in result.draft.ledger.generic}
    missing = {ln.no for ln in result.keep.missing}
    total = result.keep.total
    placed = sum(1 for ln in result.draft.lines if ln.kind != "blank" and ln.stripped.strip("\t") and ln.no not in generic | missing)
    share = 100.0 * placed / total if total else 100.0
    return f"- 구조화율: {min(share, 100.0):.1f}% (비어 있지 않은 줄 {total}줄 중 {placed}줄이 사업·전략·표 같은 전용 항목에 들어감)"


def doubts(result: Imported) -> Iterator[tuple[str, str, str]]:
    """(project id, what is doubtful, override key that would fix it) for every drafted project."""
    for pid, project in result.projects.items():
        where = (project.get("source") or {}).get("lines", "?")
        if not project.get("stated_budget") and not project.get("budget") and not _overview_budget(project):
            yield pid, f"금액을 찾지 못함 (원문 {where}줄)", "stated_budget: \"금액 또는 비예산\""
        if result.plan.get("units") and not project.get("unit"):
            yield pid, "담당 부서를 찾지 못함", "unit: 부서id"
        if len(project["title"]) > 60:
            yield pid, "제목이 문장처럼 김 (사업이 아닐 수 있음)", "title: \"짧은 공식 제목\""


def _overview_budget(project: dict[str, Any]) -> bool:
    """True when the 사업개요 has a budget line."""
    return any(i.get("kind") == "budget" for i in (project.get("overview") or {}).get("items", []))


def doubt_lines(result: Imported, limit: int = 40) -> list[str]:
    """Per-item doubts and the overrides.yaml entries that would settle them."""
    found = list(doubts(result))
    if not found:
        return ["- 확신하지 못한 항목: 없음"]
    out = [f"- 확신하지 못한 항목: {len(found)}건"]
    out += [f"  · {pid}: {what}" for pid, what, _ in found[:limit]]
    out.append("- 고치려면 overrides.yaml에 이렇게 적으세요 (다시 가져와도 유지됩니다):")
    out.append("  projects:")
    keys: dict[str, list[str]] = {}
    for pid, _, key in found[:limit]:
        keys.setdefault(pid, []).append(key)
    for pid, entries in keys.items():
        out += [f"    {pid}:", *(f"      {key}" for key in entries)]
    return out


def decision_lines(result: Imported) -> list[str]:
    """Which layout was used, the scores of each, and why the levels got their roles."""
    roles = result.draft.state.get("roles")
    why = list(getattr(roles, "why", []) or [])
    scores = ", ".join(f"{name} {n}줄" for name, n in result.scores.items())
    name = result.layout.name if result.layout else "?"
    return [f"- 읽은 방식: {name} (방식별로 전용 항목에 넣은 줄: {scores})", *(f"  · {w}" for w in why)]
