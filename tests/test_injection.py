"""Injection: arbitrary Unicode, Markdown and HTML in every text field never becomes markup, a script or a broken table.

Every free-text string of the fixture portal (titles, bullets, table cells, labels, contacts, unit and
organisation names, site title, footer link titles …) is replaced with hostile text drawn by hypothesis, the
data is written back as YAML and checked. Many examples are rendered to Markdown and converted with the
site's Markdown extensions (fast); a few go through the whole MkDocs build with the theme. Either way the
outcome is a data error or pages whose HTML carries no element, attribute or URL that came from data.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from site_builder.base.problem import Problem
from site_builder.load.fast import CONTROL
from site_builder.pipeline.run import Paths, build, check, generate
from tests.conftest import FIXTURE_DATA, ROOT

RENDER_EXAMPLES = 40
BUILD_EXAMPLES = 3
# Derandomized (same examples every run, no database) and not shrunk (a failure prints its raw example quickly).
SETTINGS: dict[str, Any] = {"deadline": None, "derandomize": True, "database": None, "phases": [Phase.explicit, Phase.generate],
                            "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
OUTCOMES: Counter[str] = Counter()  # rendered / data error, per test: shows the examples really reached the pages

REFUSED = "".join(chr(c) for c in range(0x10000) if CONTROL.match(chr(c)))
PAYLOADS = [
    "<script>XSS()</script>", "<img src=x onerror=XSS()>", '"><svg onload=XSS()>', "' onmouseover='XSS()", "<a href=\"javascript:XSS()\">a</a>",
    "[클릭](javascript:XSS())", "![i](javascript:XSS())", "<javascript:XSS()>", "<iframe src=javascript:XSS()></iframe>", "<style>XSS{}</style>",
    "{: onclick=\"XSS()\" }", "{ #id .cls onclick=XSS() }", "<div markdown=\"1\">*XSS*</div>", "&lt;script&gt;XSS()&lt;/script&gt;", "&#60;script&#62;",
    "<!--", "-->", "]]>", "{{ 7*7 }}", "{% raw %}", "|", "||", " | ", "\\|", "\n", "\r\n", "\n\n", "\n| a | b |\n|---|---|\n", "---", "***", "> 인용",
    "# 제목", "1. 목록", "- 항목", "```", "`", "*", "_", "**굵게**", "[^1]", "!!! note", "*[HTML]: x", "\t", "\u2028",
    "한글", "😀", "%", "\\", "</td></tr></table>", "<tr><td>", "<br>", "&amp;", "&", '"', "'", "<", ">", "javascript:XSS()", "data:text/html,XSS",
]

# Keys whose values are ids, references, enums, numbers, money or URLs, not free text (URLs have their own test).
SKIP = {"id", "strategy", "group", "project", "continues", "refs", "kind", "lines", "$schema", "license", "amount", "stated_budget",
        "money_unit", "acknowledged", "year", "marks", "share_pct", "declared_count", "declared_total", "merged_with_previous",
        "mark_outside", "show_person_names", "url", "site_url", "homepage", "field", "ground", "email_domains",
        "acknowledged_personal_data", "withheld", "withheld_fields", "status", "executed", "done"}

# Control characters, direction overrides and invisible characters are a data error of their own (tests/invalid/68, 88–90);
# here they would only make most examples stop at validation, so arbitrary text leaves them out (tabs and line breaks are payloads).
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=REFUSED), max_size=6)
hostile_text = st.lists(st.one_of(st.sampled_from(PAYLOADS), any_text), min_size=1, max_size=5).map("".join)


def mutate_files(files: dict[str, Any], text: Any) -> dict[str, Any]:
    """`mutate` each file's data (locations start inside the file)."""
    # Each field's text starts with a tag unique to its file and place, so no two fields become equal by chance
    # (equal category or source names would merge table rows and look like a broken table).
    def tagged(rel: str) -> Any:
        return lambda loc: f"가{zlib.crc32(repr((rel, loc)).encode()):08x}나" + text((rel, *loc))

    mutated = {rel: mutate(data, tagged(rel)) for rel, data in files.items()}
    return _relink_done(files, mutated)


def _relink_done(files: dict[str, Any], mutated: dict[str, Any]) -> dict[str, Any]:
    """A progress report names schedule rows (`done`) and KPIs exactly: give it their mutated names (those stay tested)."""
    renamed: dict[tuple[str, str], dict[str, str]] = {}
    for rel, data in files.items():
        if "/projects/" in rel and isinstance(data, dict):
            pairs = zip(data.get("schedule", {}).get("rows", []), mutated[rel].get("schedule", {}).get("rows", []), strict=True)
            names = {old["label"]: new["label"] for old, new in pairs if old.get("label")}
            names.update({old["indicator"]: new["indicator"] for old, new in zip(data.get("kpis", []), mutated[rel].get("kpis", []), strict=True)})
            renamed[(rel.split("/projects/")[0], data["id"])] = names
    for rel, data in mutated.items():
        if "/progress/" in rel:
            for project_id, entry in data["projects"].items():
                names = renamed.get((rel.split("/progress/")[0], project_id), {})
                entry["done"] = [names.get(item, item) for item in entry.get("done", [])]
                for result in entry.get("kpi_results", []):
                    result["indicator"] = names.get(result["indicator"], result["indicator"])
    return mutated


def _fixture() -> dict[str, Any]:
    return {p.relative_to(FIXTURE_DATA).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(FIXTURE_DATA.rglob("*.yaml"))}


def _is_text(loc: tuple[Any, ...]) -> bool:
    key = next((k for k in reversed(loc) if isinstance(k, str)), "")
    if key in SKIP:
        return False
    if key == "indicator" and "kpi_results" in loc:  # a progress report names a project's KPI by its exact name
        return False
    if key == "unit":  # a project's unit and a schedule's unit are references/enums; a KPI's unit is text
        return len(loc) > 1 and loc[-2] != "schedule"
    return True


def mutate(data: Any, text: Any, loc: tuple[Any, ...] = ()) -> Any:
    """Replace every free-text string with `text(loc)`."""
    if isinstance(data, dict):
        return {k: mutate(v, text, loc + (k,)) for k, v in data.items()}
    if isinstance(data, list):
        return [mutate(v, text, loc + (i,)) for i, v in enumerate(data)]
    if isinstance(data, str) and _is_text(loc):
        return text(loc)
    return data


def write_data(files: dict[str, Any], target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    for rel, data in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


class Scan(HTMLParser):
    """Finds markup that came from data: scripts, event handlers, script URLs; counts table structure."""

    URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.tables: Counter[str] = Counter()
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("table", "tr", "td", "th"):
            self.tables[tag] += 1
        if tag in ("iframe", "object", "embed"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "XSS" in value:
                self.bad.append(f"<{tag} {name}={value!r}>")
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name in self.URL_ATTRS and squeezed.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.bad.append(f"<{tag} {name}={value!r}>")
            if name in ("onclick", "onload", "onerror", "onmouseover"):
                self.bad.append(f"<{tag} {name}>")
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] in ("script", "style") and "XSS" in data:
            self.bad.append(f"<{self._in[-1]}>{data[:40]}")


def scan(html: str) -> Scan:
    parser = Scan()
    parser.feed(html)
    return parser


def _page_html(md_text: str) -> str:
    """Markdown → HTML with the site's extensions (front matter checked and dropped)."""
    if md_text.startswith("---\n"):
        front, _, md_text = md_text[4:].partition("\n---\n")
        meta = yaml.safe_load(front) or {}
        for value in _strings(meta):
            assert "<" not in value and ">" not in value, f"front matter value not escaped: {value!r}"
    return markdown.markdown(md_text, extensions=["attr_list", "md_in_html", "tables", "toc"])


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _render(data_dir: Path) -> dict[str, str] | list[Problem]:
    checked = check(data_dir)
    if checked.portal is None:
        return checked.problems
    files = generate(checked.portal)
    _check_data_files(files)
    return {path: _page_html(text) for path, text in files.items() if path.endswith(".md") and isinstance(text, str)}


def _check_data_files(files: dict[str, str | bytes]) -> None:
    """Downloads, search index and feed stay well-formed: JSON parses, CSV rows keep their width, XML parses."""
    for path, content in files.items():
        text = content.decode("utf-8-sig") if isinstance(content, bytes) and not path.endswith(".xlsx") else content
        if path.endswith(".json"):
            json.loads(text)
        elif path.endswith(".csv") and isinstance(text, str):
            rows = list(csv.reader(io.StringIO(text)))
            assert len({len(r) for r in rows}) == 1, (path, "CSV rows of different width")
        elif path.endswith(".xml") and isinstance(text, str):
            ElementTree.fromstring(text)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Counter[str]]:
    """Table structure of every page with harmless text in every field."""
    data = write_data(mutate_files(_fixture(), lambda loc: ""), tmp_path_factory.mktemp("base") / "data")
    pages = _render(data)
    assert isinstance(pages, dict), pages
    return {path: scan(html).tables for path, html in pages.items()}


def _findings_page(path: str) -> bool:
    """Quality pages list findings computed from the text (a `2×3` in a budget basis is read as a formula),
    so their row count legitimately follows the data; they are still scanned for markup."""
    return path.endswith(("quality.md", "quality/index.html"))


def _assert_data_error(problems: list[Problem]) -> None:
    assert problems and all(isinstance(p, Problem) and p.file and p.message for p in problems)


@settings(max_examples=RENDER_EXAMPLES, **SETTINGS)
@given(st.data())
def test_hostile_text_renders_inert(baseline: dict[str, Counter[str]], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject):
    files = mutate_files(_fixture(), lambda loc: data.draw(hostile_text, label=".".join(map(str, loc))))
    pages = _render(write_data(files, tmp_path_factory.getbasetemp() / "hostile-render"))
    if isinstance(pages, list):
        OUTCOMES["render: data error"] += 1
        _assert_data_error(pages)
        return
    OUTCOMES["render: pages"] += 1
    for path, html in pages.items():
        result = scan(html)
        assert result.bad == [], (path, result.bad)
        if not _findings_page(path):
            assert result.tables == baseline[path], (path, "table structure changed", result.tables, baseline[path])


@pytest.fixture(scope="module")
def baseline_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Counter[str]]:
    tmp = tmp_path_factory.mktemp("base-site")
    data = write_data(mutate_files(_fixture(), lambda loc: ""), tmp / "data")
    checked, output = build(Paths(ROOT, data, tmp / "build"), tmp / "site")
    assert not checked.problems, output
    return {p.relative_to(tmp / "site").as_posix(): scan(p.read_text(encoding="utf-8")).tables for p in (tmp / "site").rglob("*.html")}


@settings(max_examples=BUILD_EXAMPLES, **SETTINGS)
@given(st.data())
def test_hostile_text_through_mkdocs_and_theme(baseline_site: dict[str, Counter[str]], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject):
    tmp = tmp_path_factory.getbasetemp() / "hostile-build"
    files = mutate_files(_fixture(), lambda loc: data.draw(hostile_text, label=".".join(map(str, loc))))
    data_dir = write_data(files, tmp / "data")
    checked, output = build(Paths(ROOT, data_dir, tmp / "build"), tmp / "site")
    if checked.problems:
        OUTCOMES["build: data error"] += 1
        assert "Traceback" not in output
        _assert_data_error(checked.problems)
        return
    OUTCOMES["build: site"] += 1
    for page in (tmp / "site").rglob("*.html"):
        rel = page.relative_to(tmp / "site").as_posix()
        result = scan(page.read_text(encoding="utf-8"))
        assert result.bad == [], (rel, result.bad)
        if not _findings_page(rel):
            assert result.tables == baseline_site[rel], (rel, "table structure changed")
    for feed in [*(tmp / "site").rglob("*.xml")]:
        assert "<script" not in feed.read_text(encoding="utf-8")


def test_most_examples_reached_the_pages():
    # Runs after the two property tests (file order): hostile text that always failed validation would prove nothing.
    print(dict(OUTCOMES))
    assert OUTCOMES["render: pages"] >= RENDER_EXAMPLES // 2
    assert OUTCOMES["build: site"] >= 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "vbscript:x", "data:text/html,<script>x</script>", "java\tscript:x",
                                 "java../script:alert(1)", "java./script:x", "da../ta:text/html,x"])
def test_script_urls_in_data_are_refused(url: str, tmp_path: Path):
    files = _fixture()
    files["site.yaml"]["footer_links"] = [{"title": "링크", "url": url}]
    files["demo-org/org.yaml"]["homepage"] = url
    checked = check(write_data(files, tmp_path / "data"))
    assert checked.portal is None
    assert {p.field for p in checked.problems} >= {"footer_links[0].url", "homepage"}


def test_a_source_file_name_cannot_leave_its_code_element(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    plan_file = next(data.glob("*/*/plan.yaml"))
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    plan["source_documents"] = [{"file": "a`<img src=x onerror=XSS()>`.hwp", "title": "원문"}]
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    checked = check(data)
    assert not checked.problems, checked.problems[:3]
    page = next(text for name, text in generate(checked.portal).items() if name.endswith("index.md") and "원문" in str(text) and "<code>a`" in str(text))
    assert "<code>a`&lt;img src=x onerror=XSS()&gt;`.hwp</code>" in str(page) and "<img src=x" not in str(page)


@pytest.mark.parametrize("url", ['https://x"</script><script>XSS()</script>', "https://x/<b>", "javascript:x", "https://x y/", "//x.example/"])
def test_a_site_url_that_could_leave_its_context_is_refused(url: str, tmp_path: Path) -> None:
    files = _fixture()
    files["site.yaml"]["site_url"] = url
    checked = check(write_data(files, tmp_path / "data"))
    assert checked.portal is None and {p.field for p in checked.problems} == {"site_url"}


def test_no_output_line_can_start_a_ci_workflow_command() -> None:
    problem = Problem("data/x.yaml", 3, 1, "title", "잘못", found="a\n::add-mask::secret\r\n::error::spoof")
    assert "\n" not in problem.format() and "\r" not in problem.format() and "::add-mask::" in problem.format()
    assert not any(line.startswith("::") for line in problem.format().splitlines())


def test_quoted_lines_cannot_start_a_ci_workflow_command() -> None:
    """Engine warnings and the import report quote data line by line: a quoted `::` or `##[` line is shown, not run."""
    from site_builder.base.problem import shield_commands

    quoted = "WARNING - page\n::error file=x::spoof\n  ::add-mask::secret\n##[group]x\nplain :: text"
    shown = shield_commands(quoted).splitlines()
    assert not [line for line in shown if line.lstrip().startswith(("::", "##["))]
    assert shown[1] == "» ::error file=x::spoof" and shown[4] == "plain :: text"



def test_engine_output_is_shielded() -> None:
    """What MkDocs prints (its warnings quote page text made from data) reaches the CI log shielded."""
    from site_builder.engine import seam

    class Done:
        returncode = 1

        def communicate(self) -> tuple[str, None]:
            return "INFO - x\nWARNING - a\n::add-mask::secret\n ##[error]spoof", None

    ok, shown = seam._finish(Done())  # type: ignore[arg-type]
    assert not ok and shown == "WARNING - a\n» ::add-mask::secret\n » ##[error]spoof"
