from site_builder.render.bullets import parse_bullets, split_marker


def test_markers_and_nesting_are_kept():
    items = parse_bullets("○ 그룹\n- 항목\n - 세부\n- 둘째\n○ 다음 그룹")
    assert [(i.marker, i.text) for i in items] == [("○", "그룹"), ("○", "다음 그룹")]
    assert [(c.marker, c.text) for c in items[0].children] == [("-", "항목"), ("-", "둘째")]
    assert items[0].children[0].children[0].text == "세부"


def test_circled_numbers_and_plain_lines():
    assert split_marker("① 기관 비전") == (0, "①", "기관 비전")
    assert split_marker("  그냥 글") == (2, "", "그냥 글")
    assert split_marker("【 잘 된 점 】") == (0, "", "【 잘 된 점 】")


def test_every_character_survives():
    text = "- ▣ 대책 <b>\n - ※ 주석 & 기호"
    flat = []

    def walk(items):
        for it in items:
            flat.append(it.marker + " " + it.text)
            walk(it.children)

    walk(parse_bullets(text))
    assert flat == ["- ▣ 대책 <b>", "- ※ 주석 & 기호"]


def test_numbered_series_are_siblings():
    items = parse_bullets("① 첫째\n- 항목\n② 둘째\n- 항목")
    assert [i.marker for i in items] == ["①", "②"]
    assert [i.marker for i in parse_bullets("1. 하나\n - 세부\n2. 둘")] == ["1.", "2."]
