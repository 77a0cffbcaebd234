"""A spawned child is handed the parent's constants (site_builder/base/handover.py): it then works from what a forked child would."""

from __future__ import annotations

import importlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

from site_builder.base.handover import Constants, adopt, constants
from site_builder.plan import portal_pages
from site_builder.shards import shard

TABLE = ("site_builder.plan.portal_pages", "PORTAL_TABLE_MAX_ROWS")


def _in_child(handed: Constants, module: str, name: str) -> Any:
    """In the spawned child: adopt what was handed, then read one constant."""
    adopt(handed)
    return getattr(importlib.import_module(module), name)


def test_a_spawned_child_works_from_the_parents_constants(monkeypatch: pytest.MonkeyPatch) -> None:
    default = portal_pages.PORTAL_TABLE_MAX_ROWS
    monkeypatch.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", 5)
    handed = constants()
    assert handed[TABLE[0]][TABLE[1]] == 5
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(_in_child, {}, *TABLE).result() == default  # what a spawned child has of its own
        assert pool.submit(_in_child, handed, *TABLE).result() == 5


def test_only_plain_public_constants_are_handed_over() -> None:
    handed = constants()
    assert all(name.startswith("site_builder") and not name.endswith(".__main__") for name in handed)
    assert "_CODE" not in handed.get("site_builder.base.digest", {})  # a per-process cache
    assert "PORTAL_STUBS" not in handed[shard.__name__] and "MANIFEST" in handed[shard.__name__]  # a dict is made by code, which the child runs too
    assert "CODE_VERSION" in handed["site_builder.base.digest"]
