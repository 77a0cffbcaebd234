"""The fast paths of downloads and front matter give the same bytes as the plain library calls they replace."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from site_builder.engine import hooks
from site_builder.model import Project, Schedule, ScheduleRow
from site_builder.outputs import downloads
from site_builder.pipeline.run import check
from site_builder.plan.pages import Crumb, Page
from site_builder.render import markdown as render
from site_builder.render.bullets import parse_bullets
from site_builder.render.tables import escape_with_strong, natural_key, row_data
from site_builder.render.text import DASHES, shown, split_doubled
from tests.conftest import FIXTURE_DATA, ROOT

TRICKY = ["a & b <c> \"q\" 'x'", " lead", "trail ", "multi\nline", "x\r\ny", "\t", "   ", "=SUM(A1)", "'=x", "-1", "", "한글",
          "a\u2028b", "\x85", "a\x01\x1f\x7f\b\f", "\\ / \"", "😀", "- item", "key: value", "#hash", "? q", "'quoted'", "yes", "null", "1e3",
          "x" * 200, "긴 제목 " * 30]


def _ooxml_text(value: str) -> str:
    """Text as Excel shows it: OOXML stores control characters such as CR as `_x000D_`, which openpyxl reads literally."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def test_xlsx_keeps_text_as_text() -> None:
    names = [c for c, _ in downloads.COLUMNS]
    rows = [{c: text for c in names} | {"year": 2024, "budget_won": i} for i, text in enumerate(t for t in TRICKY if "\x01" not in t)]
    sheet = load_workbook(io.BytesIO(downloads.to_xlsx(rows)))["사업"]
    assert [c.value for c in sheet[1]] == [downloads.HEADINGS[c] for c in names]
    for row, cells in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        title = cells[names.index("title")]
        assert (_ooxml_text(title.value or ""), title.number_format) == (row["title"], "@")
        assert title.data_type == "s" or not row["title"]
        assert cells[names.index("budget_won")].value == row["budget_won"]


@pytest.mark.parametrize("value", [[], [{"a": 1, "b": None, "c": [*TRICKY, True, 10**30]}], [{"d": {"e": [{"f": 1}]}}]])
def test_rows_json_is_what_json_dumps_gives(value: list[dict[str, object]]) -> None:
    assert downloads.rows_json(value) == (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def test_plan_json_matches_standard_library() -> None:
    portal = check(FIXTURE_DATA).portal
    assert portal is not None
    for bundle in portal.plans:
        assert downloads.plan_json(bundle) == downloads._plan_json_python(bundle)
        odd = [Project(id=f"p{i}", title=text or "x") for i, text in enumerate(TRICKY)]
        tricky = dataclasses.replace(bundle, projects=odd)
        assert downloads.plan_json(tricky) == downloads._plan_json_python(tricky)
        assert downloads.plan_json(dataclasses.replace(bundle, projects=[])) == downloads._plan_json_python(dataclasses.replace(bundle, projects=[]))


@pytest.mark.parametrize("title", TRICKY)
def test_front_matter_reads_the_same_as_yaml_and_as_json(title: str) -> None:
    page = Page("a/b/c.md", "project.md.j2", title, [Crumb(title, "index.md"), Crumb("둘째 " + title, "a/index.md")],
                {"updated": "2024-01-02"}, department=title, phone="4031")
    meta = {"title": render.escape_html(title),
            "breadcrumbs": [{"title": render.escape_html(c.title), "url": render.page_href(page, c.path)} for c in page.crumbs],
            "feed": "feed.xml", **({"department": render.escape_html(title)} if title else {}), "phone": "내선 4031", "updated": "2024-01-02"}
    text = render._front_matter(page, None) + "# 본문\n"
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):  # as MkDocs reads it without the hooks (libyaml or not)
        assert yaml.load(text.split("---\n")[1], Loader=loader) == meta
    assert hooks._json_first(lambda doc: ("", {}))(text) == ("# 본문\n", meta)  # read as JSON, not handed to YAML


@pytest.mark.parametrize("front", [
    '{"a": 1e3}', '{"a": 1}', '{"a": "\\ud83d\\ude00"}', '{"a": "x\\/y"}', '{"a":\t"x"}', '{"a": "\u2028"}', '["a"]', '{"a": ',
    '{"' + "k" * 1001 + '": "v"}', 'a: b', '{"a": "b"} # c',
])
def test_front_matter_json_cannot_read_alike_goes_to_yaml(front: str) -> None:
    doc = f"---\n{front}\n---\n\n# 본문\n"
    assert hooks._json_first(lambda d: ("yaml", {"read": d}))(doc) == ("yaml", {"read": doc})


def parallel_equals_sequential() -> None:
    """Render the fixture portal and its side jobs in 2 forked workers and in this process: the same files, in the same order."""
    from site_builder.outputs.downloads import download_files
    from site_builder.outputs.search import index_files
    from site_builder.plan.pages import portal_pages
    from site_builder.publish import redaction

    portal = check(FIXTURE_DATA).portal
    assert portal is not None
    published = redaction.redact_portal(portal)
    pages = portal_pages(published)
    render.PARALLEL_MIN_PAGES = 1
    assert render.worker_count(len(pages)) == 2
    side = (index_files, download_files)
    with render.rendering(published, pages, side) as rendered:
        parallel = rendered()
    expected = {**render.render_all(published, pages), **index_files(published), **download_files(published)}
    assert list(parallel) == list(expected)
    assert parallel == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="render workers fork, on Linux only")
def test_parallel_rendering_gives_the_sequential_pages() -> None:
    # A fresh process: earlier tests may leave threads running here, and then no worker is ever forked.
    code = "from tests.test_fast_outputs import parallel_equals_sequential as t; t()"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "SITE_BUILDER_JOBS": "2"}, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]


def test_rendering_stays_in_one_process_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    assert render.worker_count(1000) == 0


OLD_BULLET_MACROS = """{% macro items(list) -%}
<ul class="doc-list">{% for it in list %}<li>{% set mk, tx = split_doubled(it.marker, it.text) %}"""\
    """{% if mk %}<span class="doc-marker"{% if mk in dashes %} aria-hidden="true"{% endif %}>{{ mk|h }}</span> {% endif %}"""\
    """{{ tx|shown|h_strong }}{% if it.children %}{{ items(it.children) }}{% endif %}</li>{% endfor %}</ul>
{%- endmacro %}
{% macro bullets(text) -%}
{% if text %}{{ items(parse_bullets(text)) }}{% endif %}
{%- endmacro %}
[{{ bullets(text) }}]"""


@pytest.mark.parametrize("text", ["", "   \n", "- 하나\n  * 둘 **굵게** <b>\n  * 셋\n- 넷 & 다섯", "① 가\n② 나\n   가. 다\n   나. 라\n※ 주", *TRICKY])
def test_bullet_html_matches_the_old_macro(text: str) -> None:
    env = render.make_environment()
    env.filters["h_strong"], env.globals["parse_bullets"] = escape_with_strong, parse_bullets  # what the old macros used
    env.filters["shown"], env.globals["split_doubled"], env.globals["dashes"] = shown, split_doubled, DASHES
    assert env.from_string(OLD_BULLET_MACROS).render(text=text) == f"[{render.bullet_html(text)}]"


def test_write_tree_prunes_stale_files_and_empty_folders(tmp_path: Path) -> None:
    from site_builder.write.tree import write_tree

    docs = tmp_path / "docs"
    (docs / "old/deeper/deepest").mkdir(parents=True)
    (docs / "old/deeper/deepest/gone.md").write_text("x")
    (docs / "keep").mkdir()
    (docs / "keep/.stale.tmp").write_text("x")
    (docs / "link").symlink_to(tmp_path)
    done = write_tree({"keep/a.md": "a", "b.md": b"b"}, [], docs)
    assert done.removed == ["keep/.stale.tmp", "link", "old/deeper/deepest/gone.md"]
    assert sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*")) == ["b.md", "keep", "keep/a.md"]
    assert write_tree({"keep/a.md": "a", "b.md": b"b"}, [], docs).changed == []


OLD_PROJECT_ROWS = (  # the row loop of `project_table` before it became code
    '<tbody>{% for b, p in rows %}{% set total = domain.project_total(p) %}{% set u = b.unit_by_id.get(p.unit) %}{% set n = bundle_node(b, p.strategy) %}'
    '{% set d = row_data(b, p) %}<tr data-plan="{{ d.plan|h }}" data-unit="{{ d.unit|h }}" data-node="{{ d.node|h }}" data-budget="{{ d.budget }}" '
    'data-start="{{ d.start }}" data-end="{{ d.end }}"><th scope="row"><a href="{{ page_href(page, project_path(b, p.id)) }}">{{ p.title|h }}</a></th>'
    '{% if "plan" in columns %}<td data-label="계획">{{ b.org.name|h }} {{ b.plan.year }}</td>{% endif %}'
    '<td data-label="번호" data-sort="{{ natural_key(p.number)|h }}">{{ (p.number or "")|h }}</td>'
    '{% if "unit" in columns %}<td data-label="부서">{{ (u.name if u else "")|h }}</td>{% endif %}'
    '{% if "node" in columns %}<td data-label="전략">{{ (n.title if n else "")|h }}</td>{% endif %}'
    '<td class="num" data-label="예산({{ unit }})" data-sort="{{ total if total is not none else -1 }}">'
    '{% if total is not none %}{{ money(total, unit) }}{% elif domain.is_non_budget(p) %}비예산{% else %}-{% endif %}</td>'
    '<td data-label="사업기간" data-sort="{{ d.start }}">{{ (project_period(p) or "")|h }}</td></tr>{% endfor %}</tbody>'
)


@pytest.mark.parametrize("show_plan", [True, False])
def test_project_rows_match_the_old_template(show_plan: bool) -> None:
    from site_builder.plan.pages import portal_pages

    portal = check(FIXTURE_DATA).portal
    assert portal is not None
    env = render.make_environment()
    env.globals.update(row_data=row_data, natural_key=natural_key)  # what the old template used
    page = portal_pages(portal)[5]
    for bundle in portal.plans:
        odd = [Project(id=f"p{i}", title=text or "x", number=text or None, unit=text or None, strategy=text or None) for i, text in enumerate(TRICKY)]
        for projects in (bundle.projects, odd):
            rows = [(bundle, p) for p in projects]
            columns = ["plan", "unit", "node"] if show_plan else ["unit", "node"]
            expected = env.from_string(OLD_PROJECT_ROWS).render(rows=rows, page=page, columns=columns, unit="천원")
            assert expected == f"<tbody>{render.project_rows_html(rows, page, columns, '천원')}</tbody>"


OLD_SCHEDULE_ROWS = (  # the row loop of project.md.j2's 추진계획 grid before it became code
    '<tbody>{% set grouped = s.rows | selectattr("group") | list %}{% for r in s.rows %}<tr>{% if grouped %}<td>{{ (r.group or "")|h }}</td>{% endif %}'
    '{% if r.label %}<th scope="row">{{ r.label|h }}{% if r.label in done %} <span class="done-mark" aria-hidden="true">✓</span>'
    '<span class="sr-only">(마침)</span>{% endif %}</th>{% else %}<td></td>{% endif %}{% for i in periods %}<td class="mark">{% if r.texts %}'
    '{{ (r.texts[loop.index0] if loop.index0 < r.texts|length else "")|h }}{% elif i in r.marks %}<span aria-hidden="true">■</span>'
    '<span class="sr-only">{{ i }}{{ word }} 추진</span>{% endif %}</td>{% endfor %}{% if s.rows | selectattr("mark_outside") | list %}'
    '<td class="mark">{% if r.mark_outside %}<span aria-hidden="true">■</span><span class="sr-only">기간 밖 표시</span>{% endif %}</td>{% endif %}'
    '</tr>{% endfor %}</tbody>'
)


def _schedules() -> list[Schedule]:
    """The fixture's schedules, and grids of tricky rows: groups, texts shorter and longer than the periods, marks outside."""
    portal = check(FIXTURE_DATA).portal
    assert portal is not None
    found = [p.schedule for b in portal.plans for p in b.projects if p.schedule]
    odd = [ScheduleRow(group=text or None, label=text, marks=[1, 3, 12], mark_outside=i % 2 == 0, texts=[text] * (i % 5)) for i, text in enumerate(TRICKY)]
    return found + [Schedule(rows=odd), Schedule(rows=odd[:3], unit="quarter", periods=[2, 3]), Schedule(rows=[ScheduleRow(label="x")])]


@pytest.mark.parametrize("done", [set(), {"한글", "a & b <c> \"q\" 'x'"}])
def test_schedule_rows_match_the_old_template(done: set[str]) -> None:
    env = render.make_environment()
    for s in _schedules():
        periods = s.periods or range(1, (12 if s.unit == "month" else 4) + 1)
        word = "월" if s.unit == "month" else "분기"
        expected = env.from_string(OLD_SCHEDULE_ROWS).render(s=s, periods=periods, word=word, done=done)
        assert expected == f"<tbody>{render.schedule_rows_html(s.rows, periods, word, done)}</tbody>"
