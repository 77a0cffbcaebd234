"""Follow what you care about: an Atom feed beside every plan, unit and project page, valid and linked from its page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from site_builder.git.history import load_history
from site_builder.pipeline.run import check, generate
from tests.test_history import repo  # noqa: F401  (the fixture: a git repository with a dated history)

ATOM = "{http://www.w3.org/2005/Atom}"


def _files(repo: Path) -> dict[str, str | bytes]:  # noqa: F811
    portal = check(repo / "data").portal
    assert portal is not None
    return generate(portal, load_history(repo / "data", portal))


def _titles(text: str | bytes) -> list[str]:
    root = ET.fromstring(text)
    return [e.findtext(f"{ATOM}title") or "" for e in root.iter(f"{ATOM}entry")]


def test_each_plan_unit_and_project_page_has_its_own_feed(repo: Path) -> None:  # noqa: F811
    files = _files(repo)
    care, trail = _titles(files["town/2024/projects/care/feed.xml"]), _titles(files["town/2024/projects/trail/feed.xml"])
    assert care and all(t.startswith("마을 돌봄") for t in care) and all(t.startswith("둘레길") for t in trail)
    unit = _titles(files["town/2024/units/u01/feed.xml"])
    assert sorted(unit) == sorted(care + trail)
    plan_2023 = _titles(files["town/2023/feed.xml"])
    assert any("사업 삭제" in t for t in plan_2023)  # a deleted project's last change stays in its plan's feed
    assert not [t for t in _titles(files["town/2024/feed.xml"]) if "(2023년)" in t]


def test_page_feeds_are_valid_atom_whose_links_reach_the_site_root(repo: Path) -> None:  # noqa: F811
    files = _files(repo)
    root = ET.fromstring(files["town/2024/projects/care/feed.xml"])
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") == "../../../../"
    link = root.find(f"{ATOM}entry/{ATOM}link")
    assert link is not None and link.get("href") == "town/2024/projects/care/"
    self_link = [e.get("href") for e in root.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert self_link == ["town/2024/projects/care/feed.xml"]


def test_pages_point_at_their_feed(repo: Path) -> None:  # noqa: F811
    files = _files(repo)
    for page in ("town/2024/index.md", "town/2024/units/u01.md", "town/2024/projects/care.md"):
        text = files[page]
        assert isinstance(text, str) and json.loads(text.split("\n---\n", 1)[0][4:])["feed"] == "feed.xml", page
    assert "feed" not in json.loads(str(files["town/2024/budget.md"]).split("\n---\n", 1)[0][4:])
