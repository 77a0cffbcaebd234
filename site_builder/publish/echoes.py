"""Withheld titles quoted elsewhere: a project marked 비공개 as a whole whose title still stands in the published text.

Redaction takes out what points at a withheld project by id (catalogue entries, irregularities), but a plan's own
prose or another project's text can quote the title word for word, and that text is published. Staff are warned
(a finding in `validate`, an error with `--strict`) instead of the text being changed behind their back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..base.problem import Finding
from ..check.validation import breadcrumb
from ..load.source import Path_
from ..model.portal import PlanBundle, Portal
from .redaction import redact_bundle

MIN_TITLE = 4  # a shorter title (`청사 관리`) is too common a phrase to call a quotation


def withheld_echoes(portal: Portal) -> list[Finding]:
    """A finding for every published text of a plan that quotes the title of one of its withheld projects."""
    return [finding for bundle in portal.plans for finding in _bundle_echoes(bundle)]


def _bundle_echoes(bundle: PlanBundle) -> list[Finding]:
    """The findings of one plan (nothing to do, and nothing redacted, when no project is withheld)."""
    titles = {p.id: _spaced(p.title) for p in bundle.projects if p.withheld is not None and len(_spaced(p.title)) >= MIN_TITLE}
    if not titles:
        return []
    redacted = redact_bundle(bundle)
    places = [("plan", bundle.plan_file, redacted.plan.model_dump(mode="json", by_alias=True))]
    places += [(p.id, bundle.project_files[p.id], p.model_dump(mode="json", by_alias=True)) for p in redacted.projects if p.withheld is None]
    found, acknowledged = [], set(bundle.plan.acknowledged)
    for owner, source, data in places:
        for loc, text in _texts(data, ()):
            for project_id, title in titles.items():
                if title in _spaced(text):
                    where = breadcrumb(source.data, loc)
                    message = f"비공개 사업 {project_id}의 제목이 {where}에 그대로 있습니다 (그 글도 비공개로 가리거나 제목을 빼세요)"
                    finding_id = f"withheld-echo:{project_id}:{owner}.{where}"
                    found.append(Finding(finding_id, bundle.key, "withheld", message, source.display, source.position(loc)[0],
                                         finding_id in acknowledged))
    return found


def _spaced(text: str) -> str:
    """Text with every run of white space as one space (a title quoted across a line break is still the title)."""
    return " ".join(text.split())


def _texts(data: Any, loc: Path_) -> Iterator[tuple[Path_, str]]:
    """Every text in a dumped model, with its place."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _texts(value, loc + (i,))
    elif isinstance(data, str):
        yield loc, data
