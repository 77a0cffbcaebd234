"""Search as people type Korean: particles and endings, quoted phrases, totals as printed, snippets, initial-consonant terms.

The Python side (site_builder/outputs/hangul.py, search.py, searcher.py) on the real plans and on small made-up
documents; the text functions of content/assets/search.js (keyboard mode, initials, typing errors, marks) run in node.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from site_builder.outputs.hangul import SUFFIXES, initials, pair_number, stems
from site_builder.outputs.search import INDEX_DIR, Doc, index_files, index_plans, layout, postings, term_files, words_and_neighbours
from site_builder.outputs.searcher import Searcher, phrase_pairs
from site_builder.pipeline.run import check

ROOT = Path(__file__).parent.parent
SEARCH_JS = ROOT / "content" / "assets" / "search.js"


@pytest.fixture(scope="module")
def real() -> dict[str, bytes]:
    portal = check(ROOT / "data").portal
    assert portal is not None
    return index_files(portal)


def _titles(files: dict[str, bytes], query: str, limit: int = 100) -> list[str]:
    return [row[1] for row in Searcher(files).search(query, limit)]


def test_stems_take_the_longest_ending_first_and_keep_two_syllables() -> None:
    assert stems("돌봄을") == ["돌봄"]
    assert stems("사업에서는")[0] == "사업"
    assert stems("지원하는")[0] == "지원"
    assert stems("지도") == [] and stems("평가") == []  # one syllable left means another word
    assert stems("esg") == [] and stems("돌봄") == []


def test_suffix_list_is_longest_first_and_the_same_in_search_js() -> None:
    assert [len(s) for s in SUFFIXES] == sorted((len(s) for s in SUFFIXES), reverse=True)
    script = SEARCH_JS.read_text(encoding="utf-8")
    listed = re.search(r"var SUFFIXES = \[([^\]]*)\]", script)
    assert listed is not None
    assert tuple(re.findall(r'"([^"]+)"', listed.group(1))) == SUFFIXES


def test_initials_and_term_file_numbers() -> None:
    assert initials("돌봄체계") == "ㄷㅂㅊㄱ"
    assert initials("ESG 경영") == "ESG ㄱㅇ"
    assert pair_number("돌봄") == pair_number("도비") == 3 * 19 + 7
    assert pair_number("돌") == -1 and pair_number("esg") == -1


@pytest.mark.parametrize(("query", "stem"), [("돌봄을", "돌봄"), ("선거를", "선거"), ("예산을", "예산"), ("사업에서는", "사업"), ("인권의", "인권")])
def test_particles_find_what_the_stem_finds(real: dict[str, bytes], query: str, stem: str) -> None:
    """Before: 돌봄을 and 선거를 found nothing, 예산을 6 of 예산's 72."""
    with_particle, alone = Searcher(real).ranked(query), Searcher(real).ranked(stem)
    assert alone and sorted(with_particle) == sorted(alone)


def test_the_form_as_typed_ranks_first(real: dict[str, bytes]) -> None:
    s = Searcher(real)
    ranked = s.ranked("예산을")
    _, typed = s.word_scores("예산을")
    assert typed and len(typed) < len(ranked)
    assert set(ranked[: len(typed)]) == typed  # every document with 예산을 as written before any with 예산 only


def test_a_stem_that_finds_nothing_is_not_taken() -> None:
    doc = Doc("project", "가나다라를", "x/", 0, text={2: ["가나다라를"]})
    files = layout(postings([doc]), [doc.row()], [{"key": "a/1", "org": "a", "orgName": "가", "year": 1, "start": 0, "end": 1}], [b"{}"], 8)
    assert Searcher(files).ranked("가나다라를") == [0]
    assert Searcher(files).ranked("마바사를") == []  # 마바사 is in no document: the word stays as typed


@pytest.mark.parametrize(("printed", "title"), [("1,158,165", "2024년 전라북도사회서비스원 연간사업계획서"), ("1158165", "2024년 전라북도사회서비스원 연간사업계획서")])
def test_plan_total_as_printed_finds_the_plan(real: dict[str, bytes], printed: str, title: str) -> None:
    assert _titles(real, printed)[:1] == [title]


def test_node_and_unit_totals_find_their_pages(real: dict[str, bytes]) -> None:
    from site_builder.model.money import format_in_unit
    from site_builder.model.portal import by_unit, node_projects, sum_total

    portal = check(ROOT / "data").portal
    assert portal is not None
    bundle = next(b for b in portal.plans if b.plan.units)
    node, _, _ = next((n, d, p) for n, d, p in bundle.nodes() if sum_total(node_projects(bundle, n)))
    printed = format_in_unit(sum_total(node_projects(bundle, node)), bundle.plan.money_unit)
    assert node.title in _titles(real, printed), printed
    name, won, _ = next(r for r in by_unit(bundle) if r[1])
    assert name in _titles(real, format_in_unit(won, bundle.plan.money_unit))


def test_neighbour_keys_stop_at_line_breaks_and_numbers() -> None:
    words, pairs = words_and_neighbours("아동 돌봄 지원\n사업 2024 계획")
    assert words == {"아동", "돌봄", "지원", "사업", "2024", "계획"}
    assert pairs == {"동돌 ", "봄지 "}  # 원사: a line break between; 업/계: a number between
    assert phrase_pairs('"아동 돌봄" 사업') == [("동돌", "동돌 ")]


def _docs_files(texts: list[str]) -> dict[str, bytes]:
    docs = [Doc("project", f"사업{i}", f"p{i}/", 0, text={0: [t]}) for i, t in enumerate(texts)]
    return layout(postings(docs), [d.row() for d in docs], [{"key": "a/1", "org": "a", "orgName": "가", "year": 1, "start": 0, "end": len(docs)}], [b"{}"], 8)


def test_quoted_phrase_wants_its_words_side_by_side_in_order() -> None:
    files = _docs_files(["아동 돌봄 지원", "돌봄 아동 지원", "아동과 노인 돌봄", "아동돌봄 센터"])
    s = Searcher(files)
    assert sorted(s.ranked("아동 돌봄")) == [0, 1, 2, 3]  # without quotes: both words, anywhere
    assert sorted(s.ranked('"아동 돌봄"')) == [0, 3] and not s.loose  # side by side, or one word; not 돌봄 아동
    assert s.ranked('"돌봄 지원"') == [0]


def test_quoted_phrase_nowhere_side_by_side_finds_the_words_anywhere() -> None:
    s = Searcher(_docs_files(["아동과 노인 돌봄", "돌봄"]))
    assert s.ranked('"아동 돌봄"') == [0] and s.loose


def test_snippet_texts_skip_what_the_result_line_shows(real: dict[str, bytes]) -> None:
    plans = index_plans(real)
    texts = {d: json.loads(real[f"{INDEX_DIR}/t/{d}.json"]) for p in plans for d in range(p["start"], p["end"])}
    assert all(len(t.encode()) <= 4000 for t in texts.values())
    plan = texts[plans[0]["start"]]
    assert "1,158,165 천원" in plan  # a plan's total is in no result line: the snippet shows it
    row = json.loads(real[f"{INDEX_DIR}/d/0.json"])[5]
    assert row[4] == "" or row[4] not in texts[5].split(" · ")


def test_term_files_rank_words_of_titles_first(real: dict[str, bytes]) -> None:
    terms = json.loads(real[f"{INDEX_DIR}/c/{pair_number('돌봄')}.json"])
    words = [w for w, _ in terms]
    assert "돌봄" in words and "돌봄체계" in words
    assert all(initials(w)[:2] == "ㄷㅂ" for w in words)
    assert [s for _, s in terms] == sorted((s for _, s in terms), reverse=True)
    assert len([f for f in real if f.startswith(f"{INDEX_DIR}/c/")]) == 19 * 19


def test_term_scores_add_up_over_documents() -> None:
    terms: dict[str, int] = {}
    postings([Doc("project", "돌봄 체계", "a/", 0, text={2: ["돌봄 체계"], 0: ["돌봄"]}),
              Doc("project", "사업", "b/", 0, text={0: ["돌봄을 위해"]})], terms)
    assert terms["돌봄"] == 10 and terms["돌봄을"] == 1 and terms["체계"] == 10  # a title's word weighs 10, the body's 1
    files = term_files(terms)
    assert json.loads(files[f"{INDEX_DIR}/c/{pair_number('돌봄')}.json"]) == [["돌봄", 10], ["돌봄을", 1]]


# The text functions of search.js, run in node (module.exports when there is no page).
JS_CASES: list[tuple[str, Any]] = [
    ('K.fromQwerty("ehfqha")', "돌봄"),
    ('K.fromQwerty("dkehd")', "아동"),
    ('K.fromQwerty("tjsrj")', "선거"),
    ('K.fromQwerty("dlsrnjs")', "인권"),
    ('K.fromQwerty("ghkftjdghk")', "활성화"),  # ㅘ from two keys
    ('K.fromQwerty("dlfr")', "읽"),  # a final cluster from two keys
    ('K.fromQwerty("Tkd")', "쌍"),  # Shift: doubled consonant
    ('K.fromQwerty("esg")', None),  # no vowel: stays English
    ('K.fromQwerty("31600")', None),
    ('K.stems("돌봄을")', ["돌봄"]),
    ('K.initials("돌봄체계")', "ㄷㅂㅊㄱ"),
    ('K.pairNumber("ㄷㅂ") === K.pairNumber("돌봄")', True),
    ('K.isInitials("ㄷㅂㅊ")', True),
    ('K.begins("돌봄체계", "ㄷㅂㅊ")', True),
    ('K.begins("돌봄", "돌보")', True),  # the last syllable still being composed
    ('K.begins("돌봄", "돌부")', False),
    ('K.suggest([["돌봄체계", 5], ["돌봄", 20], ["돌봄을", 3], ["도비", 25], ["답변율", 1]], "ㄷㅂ", 5)', ["돌봄", "도비", "돌봄체계", "답변율"]),  # 돌봄: 20 + 3 + 5 > 25
    ('K.suggest([["돌봄", 2], ["돌봄을", 3]], "ㄷㅂ", 5)', ["돌봄"]),  # 돌봄을 counts for 돌봄
    ('K.corrections([["돌봄", 20], ["돌봄체계", 5], ["도봄", 9]], "돌봉", 3)', ["돌봄"]),
    ('K.corrections([["선거", 5]], "선가", 3)', ["선거"]),
    ('K.distance(K.jamo("과"), K.jamo("고"))', 1),  # ㅘ is ㅗ+ㅏ: one keystroke away from ㅗ
    ('K.phrasePairs("\\"아동 돌봄\\"")', [["동돌", "동돌 "]]),
    ('new RegExp(K.markPattern(["1158165"])).test("합계 1,158,165 천원")', True),
    ('K.snippetRange("가".repeat(100) + " 돌봄 " + "나".repeat(100), K.markPattern(["돌봄"]))', [71, 173]),
    ('K.decodeList("0W2W4mba20")', [0, 64, 192, 70000, 70000]),  # meta.json's plan starts: search.encode([0, 64, 192, 70000, 70000])
]


def test_search_js_text_functions_in_node(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing")
    script = "const K = require(process.argv[2]);\nconsole.log(JSON.stringify([" + ",\n".join(c for c, _ in JS_CASES) + "]));"
    (tmp_path / "cases.js").write_text(script, encoding="utf-8")
    out = subprocess.run([node, str(tmp_path / "cases.js"), str(SEARCH_JS)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert [(c, g) for (c, _), g in zip(JS_CASES, got, strict=True)] == [(c, e) for c, e in JS_CASES]
