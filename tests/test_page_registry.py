"""The portal-wide page registry (plan/portal_pages.py) is complete: every such page is declared once, with what exists."""

from __future__ import annotations

from site_builder.pipeline.run import check
from site_builder.plan.extrapages import citizen_pages
from site_builder.plan.pages import portal_pages
from site_builder.plan.portal_pages import PORTAL_PAGES
from tests.conftest import FIXTURE_DATA, ROOT


def test_every_portal_wide_page_is_registered() -> None:
    portal = check(FIXTURE_DATA).portal
    assert portal is not None
    orgs = {b.org.id for b in portal.plans}
    generated = {p.path for p in portal_pages(portal) + citizen_pages(portal) if p.path.split("/")[0] not in orgs}
    assert generated == {p.path for p in PORTAL_PAGES if p.template}


def test_registered_pages_exist() -> None:
    templates = ROOT / "site_builder" / "render" / "templates"
    for page in PORTAL_PAGES:
        assert (templates / page.template).is_file() if page.template else (ROOT / "content" / page.path).is_file(), page.path
    assert len({p.path for p in PORTAL_PAGES}) == len(PORTAL_PAGES)
