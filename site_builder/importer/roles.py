"""What each level of a document's numbering means, decided from evidence in that document (not from word lists of two plans)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from . import evidence as ev
from .lines import Line, squeeze
from .markers import BULLETS
from .profile import Item, Profile, title_key
from .sections import field_of
from .tables import group_tables, is_grid, kpis, period_header

# Chapter titles that frame a plan rather than carry its tasks; only used to keep such a chapter as a plan section.
FRAME_WORDS = ("추진배경", "배경", "현황", "여건", "개요", "성과", "평가", "그간", "문제점", "목차", "비전", "참고", "붙임", "향후", "행정사항")


@dataclass
class Roles:
    """Marker shapes by role: chapters, strategy levels (outermost first), the project level and template-block levels."""

    chapter: str | None = None
    strategy: list[str] = field(default_factory=list)
    project: str | None = None
    blocks: set[str] = field(default_factory=set)
    why: list[str] = field(default_factory=list)


def headings(profile: Profile) -> list[str]:
    """Marker shapes that can open a part of the plan (bullets of running text left out)."""
    return [k for k in profile.order if k not in BULLETS]


def is_template_title(item: Item, repeats: Counter[str]) -> bool:
    """A title that repeats under different parents (추진배경, 주요내용 …) or names a known block of the genre."""
    key = title_key(item.marker.title)
    # Only a title that starts with a block name counts here (`주요 업무 추진계획` names a chapter, not a block).
    return (repeats[key] >= 2 and len(key) <= 15) or (field_of(item.marker.title, tail=False) is not None and len(key) <= 12)


def block_kinds(profile: Profile) -> set[str]:
    """Shapes whose items are mostly template blocks repeated under every project."""
    parents: dict[str, set[int]] = {}
    for parent in profile.items():
        for child in parent.children:
            parents.setdefault(title_key(child.marker.title), set()).add(id(parent))
    repeats = Counter({k: len(v) for k, v in parents.items()})
    found = []
    for kind, items in profile.by_kind().items():
        share = sum(is_template_title(i, repeats) for i in items) / len(items)
        if share >= 0.5 and len(items) >= 2:
            found.append(kind)
    # Only the innermost such level: an outer one (`Ⅰ. 추진배경 · Ⅱ. 세부 추진계획`) frames tasks that have blocks of their own.
    return {max(found, key=profile.order.index)} if found else set()


def own_lines(item: Item) -> list[Line]:
    """An item's heading and the lines that are its own: its text, tables and bullets, not its numbered sub-items."""
    out = [item.head, *item.lines]
    for child in item.children:
        if child.marker.is_bullet:
            out += own_lines(child)
    return out


def carries(item: Item) -> int:
    """How many kinds of project evidence an item carries itself: an amount, a period, an owner, a schedule or KPI table."""
    lines = own_lines(item)
    text = "\n".join(ln.text for ln in lines if ln.kind != "row")
    _, tables = group_tables(sorted(lines, key=lambda ln: ln.no))
    signs = [bool(ev.amounts(text)), ev.has_period(text), any(ev.owner(ln.text) for ln in lines),
             any(is_grid(t) or kpis(t) or any(period_header(r) for r in t.cells()[:3]) for t in tables)]
    return sum(signs)


def project_kind(profile: Profile, blocks: set[str], why: list[str]) -> str | None:
    """The level whose items are the plan's projects: parents of template blocks, else the level that carries most evidence."""
    kinds = [k for k in headings(profile) if k not in blocks]
    if not kinds:
        return None
    by_kind = profile.by_kind()
    parents = Counter(p.kind for p in profile.items() if p.kind in kinds for c in p.children if c.kind in blocks)
    if parents:
        kind = parents.most_common(1)[0][0]
        why.append(f"사업 단계: `{_glyph(by_kind[kind])}` (하위에 같은 제목의 블록이 되풀이됨)")
        return kind
    scores = {k: sum(carries(i) for i in by_kind[k]) / len(by_kind[k]) for k in kinds}
    kind = max(reversed(kinds), key=lambda k: scores[k])
    if scores[kind] == 0:
        kind = kinds[-1]
    why.append(f"사업 단계: `{_glyph(by_kind[kind])}` (금액·기간·부서·일정 근거 평균 {scores[kind]:.1f}개)")
    return kind


def _glyph(items: list[Item]) -> str:
    """The commonest printed glyph of a level, for the report."""
    glyphs = Counter(squeeze(i.marker.glyph).rstrip(".").rstrip("．")[:1] or i.kind for i in items)
    return glyphs.most_common(1)[0][0]


def decide(profile: Profile) -> Roles:
    """Roles of every level of one document."""
    roles = Roles()
    roles.blocks = block_kinds(profile)
    roles.project = project_kind(profile, roles.blocks, roles.why)
    if roles.project is None:
        return roles
    above = headings(profile)[: headings(profile).index(roles.project)]
    above = [k for k in above if k not in roles.blocks]
    if above and above[0] == "chapter":
        roles.chapter, above = above[0], above[1:]
    roles.strategy = above
    if roles.blocks:
        roles.why.append("블록 단계: " + ", ".join(f"`{_glyph(profile.by_kind()[k])}`" for k in sorted(roles.blocks)))
    return roles


def is_frame(item: Item) -> bool:
    """A chapter that frames the plan (추진배경, `2024년 주요 성과`, 현황 …) rather than listing its tasks."""
    title = re.sub(r"^(?:(?:19|20)?\d{2}\s*년도?|['’‘]\d{2}\s*년?)\s*", "", item.marker.title)
    return squeeze(title).removeprefix("주요").startswith(FRAME_WORDS)
