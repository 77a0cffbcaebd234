"""What the change history may show of old versions: what today's personal-data gate lets through, and no purged text.

Removing a leaked number from the data must not publish it again as `향후계획 삭제: … 010-…`. Old versions were
committed under older acknowledgements or by mistake, so every title and message history shows passes the gate
of the current data (`check/privacy.py`, with the plan's and the site's acknowledged values and e-mail domains);
one that does not is shown as the same message without its content (`changes.Message.without_content`). Today's
비공개 marks are applied before messages are made (`publish.redaction.lineage_marks`). Texts the detectors cannot
recognise (a name, an address) are hidden alike once staff purge them (`history_purge`, `publish/purge.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..check.privacy import find_personal_data
from ..model.portal import Portal
from ..publish.purge import Purge
from .changes import Message

PERSONAL = "개인정보가 있어 내용을 싣지 않음"
PURGED = "지우기로 한 내용이 있어 싣지 않음"
_NO_TITLE = "제목을 싣지 않은 사업"  # even the id looked like personal data (ids may be digits)
_ANY_CHANGE = "내용 변경"  # the kind itself came from the data (a list's heading) and may not be shown either


@dataclass(frozen=True)
class Screen:
    """The gate for one plan's history: the values acknowledged for it, the site's own e-mail domains and purged texts."""

    acknowledged: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    purge: Purge = field(default_factory=Purge)

    def why_not(self, *texts: str) -> str | None:
        """Why these texts may not be shown (the note shown instead), or None when they may."""
        for text in texts:
            if any(hit.value not in self.acknowledged for hit in find_personal_data(text, self.domains)):
                return PERSONAL
            if self.purge.holds(text):
                return PURGED
        return None

    def message(self, message: Message) -> str:
        """The message as history shows it: whole, or without its content when that would show what may not be."""
        # Each part alone as well: a detector that needs a boundary or a nearby word must see it as the data had it.
        why = self.why_not(message.text, *message.parts)
        if why is None:
            return message.text
        return message.without_content(why) if self.why_not(message.kind) is None else Message(_ANY_CHANGE).without_content(why)

    def title(self, *candidates: str | None) -> str:
        """The first candidate title that may be shown (`사업 <id>` is the usual last one)."""
        return next((c for c in candidates if c is not None and self.why_not(c) is None), _NO_TITLE)


def site_screen(portal: Portal) -> Screen:
    """The screen of a plan no longer in the data: the site's acknowledged values, e-mail domains and purged texts."""
    site = portal.site
    domains = frozenset(d.lower().lstrip("@") for d in site.email_domains)  # as the data check reads them
    return Screen(frozenset(site.acknowledged_personal_data), domains, Purge.of(site.history_purge))


def screens(portal: Portal) -> dict[str, Screen]:
    """The screen of every plan of the portal (`<org>/<year>`): the site's, with the plan's own acknowledged values added."""
    site = site_screen(portal)
    return {b.key: replace(site, acknowledged=site.acknowledged | frozenset(b.plan.acknowledged_personal_data)) for b in portal.plans}
