"""How data text is shown (site_builder/render/text.py): the data keeps every character, the page reads cleanly."""

from __future__ import annotations

from site_builder.render.markdown import bullet_html, escape_html, escape_md
from site_builder.render.text import PUA_GLYPHS, glyphs, heading_text, note_html, split_doubled


def test_doubled_marker_shows_the_documents_marker_once() -> None:
    assert split_doubled("-", "◆ 기관 비전 공유") == ("◆", "기관 비전 공유")
    assert split_doubled("-", "▣ 대책") == ("▣", "대책")
    assert split_doubled("-", "**굵게** 쓴 글") == ("-", "**굵게** 쓴 글")
    assert split_doubled("○", "◆ 그대로") == ("○", "◆ 그대로")
    html = bullet_html("- ◆ 목표 하나\n- 그냥 항목")
    assert ">-</span> ◆" not in html and '<span class="doc-marker">◆</span> 목표 하나' in html
    assert '<span class="doc-marker" aria-hidden="true">-</span> 그냥 항목' in html


def test_bracketed_heading_reads_as_its_words() -> None:
    assert heading_text("< 사업목표 >") == "사업목표"
    assert heading_text("【 잘 된 점 】") == "【 잘 된 점 】"
    assert heading_text("사업개요") == "사업개요"


def test_staff_notes_quote_with_quotation_marks() -> None:
    assert note_html("산출내역 `a×b` = 3 <b>") == "산출내역 ‘a×b’ = 3 &lt;b&gt;"
    assert "`" not in note_html("`…최종 우` / `승자 시상`")


def test_year_apostrophe_of_official_text() -> None:
    assert escape_html("`24년 공모사업") == "’24년 공모사업"
    assert "`" not in bullet_html("- `24년 계획")
    assert escape_md("`24년") == "’24년"


def test_hancom_private_use_numbers_are_drawn_as_standard_numbers() -> None:
    assert glyphs("\U000f02b1 말뭉치 \U000f02b4 교육") == "① 말뭉치 ④ 교육"
    assert list(PUA_GLYPHS.values()) == ["①", "②", "③", "④"]
    assert "\U000f02b2" not in bullet_html("\U000f02b2 사전 정보 보완")
    assert glyphs("\U000f02ba") == "\U000f02ba"  # no evidence of its number: left as it is
