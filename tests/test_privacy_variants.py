"""The personal-data gate on what people really write: every spelling of a number, and the ordinary numbers of plans.

`VARIANTS` must each give exactly one hit of the stated kind, reported as written; `ORDINARY` must give none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.check.identifiers import fold, luhn_ok, rrn_check_digit_ok
from site_builder.check.privacy import KIND_NAMES, find_personal_data, mask

SEEDS = Path("/work/shared/seeds")
ZW, WJ, BOM = "\u200b", "\u2060", "\ufeff"

RRN = [
    "900101-1234567", "900101 1234567", "900101.1234567", "900101·1234567", "９００１０１－１２３４５６７",
    "900101—1234567", "900101–1234567", "900101−1234567", "900101_1234567", "900101/1234567", "-900101-1234567",
    "900101 - 1234567", f"900101{ZW}-1234567", "900101‐1234567", "900101－1234567", "9001011234568",
    "주민등록번호 9001011234567", "050315-3123456", "201015-4123456", "생년월일 850505ㅡ2345678", "800229 2234567",
    "900101‒1234567", "외국인등록번호 900101-5123456", "(주민번호: 900101-1234567)", "900101\u30001234567",
    "900101ㆍ1234567", f"9{ZW}00101-12345{WJ}67",
]
MOBILE = [
    "010-1234-5678", "01012345678", "010.1234.5678", "010 1234 5678", "+82 10 1234 5678", "+82-10-1234-5678",
    "+821012345678", "82 10 1234 5678", "82-10-1234-5678", "+82 (0)10 1234 5678", "０１０－１２３４－５６７８",
    "010－1234－5678", "010 - 1234 - 5678", "010–1234–5678", f"010{ZW}1234{ZW}5678", "010/1234/5678",
    "010_1234_5678", "011-234-5678", "(010)1234-5678", "016.123.4567", "010—1234—5678", "010−1234−5678",
    f"010-{WJ}1234-{BOM}5678", f"0{ZW}10-1234-5678", "010‐1234‐5678", "010ㅡ1234ㅡ5678", "휴대폰: 010 1234-5678",
    "010\u00a01234\u00a05678",
]
EMAIL = [
    "hong.gildong@gmail.com", "hong＠gmail.com", "hong @ gmail.com", "hong@ gmail.com", "hong [at] gmail.com",
    "hong(at)gmail.com", "hong at gmail.com", "hong [at] gmail [dot] com", "홍길동@gmail.com", "ｈｏｎｇ＠ｇｍａｉｌ．ｃｏｍ",
    "hong@한국도메인.kr", "hong@도메인.한국", "hong@xn--3e0b707e.kr", "hong﹫naver.com", "kim_1234@naver.com",
    "someone+tag@example.com", "HONG[AT]DAUM.NET", f"문의: hong{ZW}@gmail.com", "hong(at)naver(dot)com",
    "문의jc1234@hanmail.net으로",
]
OTHER = [
    ("여권번호 M12345678", "passport"), ("여권: M123A4567", "passport"), ("관용여권 S 12345678", "passport"),
    ("신한은행 110-123-456789", "account"), ("국민 123456-78-901234 (예금주 홍길동)", "account"),
    ("입금계좌: 농협 302-1234-5678-91", "account"), ("카카오뱅크 3333-01-1234567", "account"),
    ("계좌 1002-123-456789(우리은행)", "account"), ("토스뱅크 1000 - 1234 - 5678", "account"),
    ("카드번호 4518-4212-3456-7894", "card"), ("5409 2612 3456 7893", "card"), ("3782 822463 10005", "card"),
    ("카드번호: 3530111333300000", "card"), ("9410－1234－5678－9010", "card"), ("6212 3456 7890 1232", "card"),
    ("운전면허 11-12-345678-90", "licence"), ("면허번호: 서울 12-345678-90", "licence"), ("운전면허번호 111234567890", "licence"),
    ("건강보험증 번호 12345678901", "health"), ("건강보험 5-1234567890", "health"),
]
VARIANTS = [(t, "rrn") for t in RRN] + [(t, "mobile") for t in MOBILE] + [(t, "email") for t in EMAIL] + OTHER

# Numbers every plan holds: amounts, dates, office phones, KPI values, project and budget codes — none is personal,
# also next to the words the context-bound detectors look for.
ORDINARY = [
    "1,234,567천원", "12,345,678,900원", "2023년 12,345,678천원 → 2024년 13,456,789천원", "22,000,000원 x 12개월",
    "2024. 3. 15.", "2024.03.15", "'24. 3. 15.", "2024. 1. 1. ~ 2024. 12. 31.", "2024-03-15 ~ 2024-12-31",
    "063-123-4567", "02-2100-1234", "1588-1234", "070-1234-5678", "(063)123-4567", "043)533-8897, 532-8897",
    "☎ 043-539-4032", "내선 4032", "전화 063-280-1234 팩스 063-280-1235", "02-2100-1234~5", "1588-1234 / 1577-1000",
    "사업번호 2024-001-0001", "사업번호 20240118-1234567890", "제2024-123호", "GR-2024-0001",
    "예산코드 2024000123456", "세부사업 6110000123456", "회계코드 3510000-2024-0001", "1234567890123", "4711001230001",
    "KPI 95.5%", "만족도 87.3점", "목표 2,345명", "3,000㎡", "0.5%p 상승", "1.5배", "5개소 → 10개소",
    "ISBN 978-89-6051-123-4", "사업자등록번호 123-45-67890", "고유번호 123-82-12345", "법인등록번호 110111-0012345",
    "우편번호 55000", "위도 35.8242, 경도 127.1480", "IP 192.168.0.1", "10:00~18:00", "국번없이 110",
    "농협중앙회 02-2100-1234", "국민 1인당 1,234,567원", "국민 2024-001-0001", "하나 2024-001-0001", "신한은행 1588-8000",
    "우리은행 02-2002-3000", "IBK기업은행 1588-2588", "국민은행 가맹점 1,234개", "여권 발급 수수료 53,000원",
    "여권 민원 12,345건 (2024. 3. 15.)", "운전면허 반납 어르신 1,234명", "면허 취득 2024. 3. 15.", "건강보험 가입자 12,345명",
    "건강보험공단 033-736-1234", "건강보험 1577-1000", "카드 수수료 1.5%", "지역화폐 카드 4,500,000,000원",
    "주민 1인당 50,000원", "주민등록 인구 123,456명", "info@jincheon.go.kr", "문의 plan@mois.go.kr",
    "① 010 사업 ② 1234", "단가 @5,000원 × 10명", "식비 @ 8천원 × 20명", "인스타그램 @jincheon_official",
    "Look at the 2024 plan", "2,016 1,234 5,678", "'2010 1234 5678'의 합", "2024 1234 5678 9012",
]


@pytest.mark.parametrize(("text", "kind"), VARIANTS, ids=[f"{k}-{i}" for i, (_, k) in enumerate(VARIANTS)])
def test_every_spelling_is_caught_as_written(text: str, kind: str):
    hits = find_personal_data(text)
    assert [h.kind for h in hits] == [kind], (text, hits)
    hit = hits[0]
    assert text[hit.offset : hit.offset + len(hit.value)] == hit.value
    assert hit.value.strip() == hit.value and hit.value[0] not in (ZW, WJ, BOM)
    assert hit.value not in mask(hit.value)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_plan_numbers_are_not_personal_data(text: str):
    assert find_personal_data(text) == []


def test_the_tables_are_large_enough():
    assert len(VARIANTS) >= 60 and len(ORDINARY) >= 40
    assert {k for _, k in VARIANTS} == set(KIND_NAMES)


def test_hits_are_found_in_text_order_inside_a_sentence():
    text = "담당 홍길동(010–1234–5678, hong＠gmail.com), 주민번호 ９００１０１－１２３４５６７"
    hits = find_personal_data(text)
    assert [(h.kind, h.value) for h in hits] == [("mobile", "010–1234–5678"), ("email", "hong＠gmail.com"), ("rrn", "９００１０１－１２３４５６７")]
    assert all(text[h.offset :].startswith(h.value) for h in hits)


def test_run_together_resident_number_needs_its_check_digit_or_a_word():
    assert rrn_check_digit_ok("9001011234568") and not rrn_check_digit_ok("9001011234567")
    assert find_personal_data("코드 9001011234567") == []
    assert [h.kind for h in find_personal_data("코드 900101-1234567")] == ["rrn"]  # separated: post-2020 numbers have no check digit
    assert find_personal_data("991332-1234567 990230-1234567 301231-3123456") == []  # no such date, or not born yet


def test_context_bound_kinds_need_their_word():
    assert find_personal_data("M12345678") == find_personal_data("110-123-456789") == []
    assert find_personal_data("11-12-345678-90") == find_personal_data("12345678901") == []


def test_cards_need_luhn_and_a_scheme():
    assert luhn_ok("4518421234567894") and not luhn_ok("4518421234567890")
    assert find_personal_data("4518-4212-3456-7890") == find_personal_data("1234-5678-9012-3452") == []
    assert find_personal_data("코드 3530111333300000") == []  # run together, a card number needs the word 카드


def test_institutional_domains_stay_institutional_in_every_spelling():
    assert find_personal_data("plan＠jbsswa．or．kr, info [at] jeonbuk.go.kr", {"jbsswa.or.kr"}) == []
    assert find_personal_data("hong@한국도메인.kr", {"xn--3e0b73j92fq8o5lq.kr"}) == []


def test_fold_keeps_the_original_positions():
    folded = fold(f"a{ZW}０１－")
    assert folded.text == "a01-"
    assert folded.original(1, 4) == (2, 5)
    assert fold("본문 010-1234-5678").origin is None  # ASCII and Hangul need no copy


def test_mask_hides_every_spelling():
    assert mask("hong [at] gmail.com") == "ho***@gmail.com"
    assert mask("홍길동＠gmail.com") == "홍길***@gmail.com"
    assert mask("０１０－１２３４－５６７８") == "０１０－****－*６７８"


def _seed_lines() -> list[str]:
    return [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents are on the build machine only")
def test_seeds_give_no_hit_but_the_acknowledged_address():
    hits = [h.value for line in _seed_lines() for h in find_personal_data(line)]
    assert hits == ["jc1365@hanmail.net"]
