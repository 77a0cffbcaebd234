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


def test_every_page_of_a_plan_has_a_registered_type_and_address() -> None:
    from site_builder.outputs.search import plan_docs
    from site_builder.plan.plan_pages import PLAN_PAGES

    portal = check(FIXTURE_DATA).portal
    assert portal is not None
    orgs = {b.org.id for b in portal.plans}
    plan_pages = [p for p in portal_pages(portal) if p.path.split("/")[0] in orgs and p.path.count("/") > 1]
    assert {p.template for p in plan_pages} == {t.template for t in PLAN_PAGES.values()}
    kinds = {t.template: t for t in PLAN_PAGES.values()}
    for page in plan_pages:
        kind = kinds[page.template]
        assert page.path.startswith(page.path.split("/")[0]) and (kind.folder in page.path or page.path.endswith(f"{kind.name}.md")), page.path
    bundle = portal.plans[0]
    urls = {d.url for d in plan_docs(bundle, 0)}
    pages = {p.path.removesuffix(".md").removesuffix("index") for p in plan_pages if p.context.get("bundle") is bundle}
    assert {u.rstrip("/") for u in urls} <= {p.rstrip("/") for p in pages}  # every search result is a page that exists
    assert {d.kind for d in plan_docs(bundle, 0)} == {t.search for t in PLAN_PAGES.values() if t.search}
    for page in PLAN_PAGES.values():
        assert (ROOT / "site_builder" / "render" / "templates" / page.template).is_file()


def test_search_kinds_are_the_ones_search_js_labels() -> None:
    import re

    from site_builder.plan.plan_pages import PLAN_PAGES

    script = (ROOT / "content" / "assets" / "search.js").read_text(encoding="utf-8")
    labelled = set(re.findall(r"(\w+): \"", re.search(r"var KINDS = \{([^}]*)\}", script).group(1)))  # type: ignore[union-attr]
    assert {t.search for t in PLAN_PAGES.values() if t.search} == labelled
