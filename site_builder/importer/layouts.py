"""The registry of document layouts the importer knows, and the choice among them by evidence (most lines placed in fields)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .draft import Draft, make_draft
from .genre import make_genre_draft


@dataclass(frozen=True)
class Layout:
    """A way to read a plan: its name for the report, what it looks for, and the drafting function."""

    name: str
    looks_for: str
    make: Callable[[str, str, str, int | None], Draft]


# The one place to add a layout rule set: each is tried on every document and the one that places most lines wins.
LAYOUTS: tuple[Layout, ...] = (
    Layout("단계어·담당자 표", "`전략목표 1`, `이행과제 1-2` 같은 단계어와 번호, 부서 장과 `담당자` 행으로 시작하는 사업 블록", make_draft),
    Layout("번호 체계", "문서에서 추정한 번호 기호의 포함 관계(Ⅰ. → 1. → □ → ㅇ …)와 금액·기간·부서·일정 근거", make_genre_draft),
)


def placed(draft: Draft) -> int:
    """Non-blank lines the draft put into dedicated fields (not into generic sections)."""
    generic = {no for no, _ in draft.ledger.generic}
    return sum(1 for ln in draft.lines if ln.kind != "blank" and ln.no not in generic) if draft.projects or draft.plan.get("strategy") else 0


def choose(text: str, file_name: str, org_id: str, year: int | None) -> tuple[Layout, Draft, dict[str, int]]:
    """Draft with every layout and keep the one that places clearly most lines; also the score of each."""
    drafts = [(layout, layout.make(text, file_name, org_id, year)) for layout in LAYOUTS]
    scores = {layout.name: placed(d) for layout, d in drafts}
    best = drafts[0]
    for layout, draft in drafts[1:]:
        if scores[layout.name] > scores[best[0].name] * MARGIN:
            best = (layout, draft)
    return best[0], best[1], scores


# A later, more general layout must place clearly more lines to replace an earlier, more specific one.
MARGIN = 1.1
