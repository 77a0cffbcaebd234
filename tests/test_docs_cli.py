"""Documentation keeps up with the CLI: every subcommand is in README and the staff guide, examples are real."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_builder.cli.commands import make_parser
from site_builder.engine.config import FIXED_PAGES
from site_builder.plan.portal_pages import staff_entries
from tests.conftest import ROOT, TESTS, run_cli

GUIDE = ROOT / "content" / "guide"
SUBCOMMANDS = sorted(make_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


def guide_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(GUIDE.glob("*.md")))


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_subcommand_in_readme(name: str) -> None:
    assert f"site-builder {name}" in (ROOT / "README.md").read_text(encoding="utf-8"), f"README.md does not mention `site-builder {name}`"


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_subcommand_in_staff_guide(name: str) -> None:
    assert f"site-builder {name}" in guide_text(), f"content/guide/ does not mention `site-builder {name}`"


def test_new_kinds_are_documented() -> None:
    text = guide_text()
    for kind in ("plan", "unit", "project"):
        assert f"site-builder new {kind}" in text


def test_guide_is_in_the_staff_menu_and_links_reference_and_import() -> None:
    assert ("직원 안내서", "guide/index.md") in staff_entries() and ("데이터 형식 안내", "reference/data-format.md") in staff_entries()
    assert not [path for _, path in FIXED_PAGES if path.startswith("guide/") or path in dict(staff_entries()).values()]
    index = (GUIDE / "index.md").read_text(encoding="utf-8")
    for target in ("../reference/data-format.md", "import.md", "new-data.md", "errors.md", "preview.md", "publishing.md"):
        assert f"]({target})" in index, target
    for page in GUIDE.glob("*.md"):
        for link in re.findall(r"\]\(([^)#]+\.md)\)", page.read_text(encoding="utf-8")):
            generated = {"../reference/data-format.md", "../changes.md", "import.md"}  # built or written by others
            assert link in generated or (GUIDE / link).exists(), f"{page.name} links to missing {link}"


def _blocks(text: str) -> tuple[str, str]:
    """The example YAML and the example output (indented code blocks between the markers)."""
    def unindent(block: str) -> str:
        return "\n".join(line[4:] for line in block.strip("\n").splitlines()) + "\n"

    yaml_part = text.split("<!-- example:yaml -->")[1].split("`site-builder validate`")[0]
    output = text.split("<!-- example:output -->")[1].split("<!-- example:end -->")[0]
    return unindent(yaml_part), unindent(output)


def _shape(line: str) -> str:
    """`file:line:col: 오류: field — message` without the long expectation lists (they grow with the model)."""
    return line.split(" (기대:", 1)[0]


def test_error_example_is_real_output(tmp_path: Path) -> None:
    example, expected = _blocks((GUIDE / "errors.md").read_text(encoding="utf-8"))
    data = tmp_path / "data"
    shutil.copytree(TESTS / "fixtures_multiyear" / "data", data)
    (data / "town/2024/projects/care.yaml").write_text(example, encoding="utf-8")
    result = run_cli("validate", "--data", str(data))
    assert result.code == 1
    actual = [_shape(line) for line in result.err.strip().splitlines()]
    assert actual == [_shape(line) for line in expected.strip().splitlines()], "update the example in content/guide/errors.md"


def _options() -> list[tuple[str, str]]:
    """(subcommand, --option) for every long option of every subcommand."""
    subs = make_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    return sorted({(name, o) for name, sub in subs.items() for a in sub._actions for o in a.option_strings if o.startswith("--") and o != "--help"})


@pytest.mark.parametrize(("name", "option"), _options())
def test_every_option_is_in_the_readme_command_table(name: str, option: str) -> None:
    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith(f"| `{name}` |")]
    assert rows and f"`{option}" in rows[0], f"README.md's command table does not list `{name} {option}`"
