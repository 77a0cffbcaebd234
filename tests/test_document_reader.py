"""The HWP 5 / HWPX / text reader: corpus facts, HWP↔HWPX and PrvText cross-checks, to_text rules, refusals."""

from __future__ import annotations

import random
import re
import shutil
import struct
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from functools import cache
from pathlib import Path

import olefile
import pytest

from site_builder.load.document import Cell, Document, DocumentError, Paragraph, Table, read_document, read_text_file, to_text
from site_builder.load.document.hwp5 import build_tree, check_file_header, fill_colour, para_text, paragraph_blocks, parse_records
from site_builder.load.document.hwpx import brush_colour
from tests.hwpx_maker import make_hwpx

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "hwp"


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {name} not present")
    return path


@cache
def doc(name: str) -> Document:
    return read_document(corpus(name))


def shapes(d: Document) -> list[tuple[int, int, int]]:
    return [(t.n_rows, t.n_cols, len(t.cells)) for t in d.tables()]


def cell_at(table: Table, row: int, col: int) -> Cell:
    cell = table.grid()[row][col]
    assert cell is not None
    return cell


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- corpus: what each file yields ------------------------------------------------------------


def test_table_001_month_schedule() -> None:
    d = doc("table-001.hwp")
    assert d.format == "hwp5"
    assert shapes(d) == [(19, 9, 131)]
    grid = d.tables()[0]
    may = cell_at(grid, 0, 1)
    assert (may.text, may.col_span, may.row_span) == ("5월", 3, 1)
    assert [cell_at(grid, 0, c).text for c in range(4, 9)] == ["6월", "7월", "8월", "9월", "10월"]
    task = cell_at(grid, 1, 0)
    assert (task.text, task.row_span) == ("품질관리협의체 운영계획 수립", 3)
    assert cell_at(grid, 3, 0) is task  # covered positions point to the same cell
    assert sum(1 for c in grid.cells if c.fill) == 20
    assert sum(1 for c in grid.cells if c.fill and c.row > 0) == 13


def test_table_001_to_text_marks_shaded_months() -> None:
    lines = to_text(doc("table-001.hwp")).splitlines()
    assert "구 분\t5월\t\t\t6월\t7월\t8월\t9월\t10월" in lines
    assert "\t■\t\t\t\t\t\t\t" in lines  # 운영계획 수립: the first third of May
    assert "\t\t■\t■\t■\t■\t■\t■\t" in lines  # 품질 수준진단: May to September
    assert sum(line.count("■") for line in lines) == 13
    assert all(line.count("\t") == 8 for line in lines if "\t" in line)
    assert "■" not in to_text(doc("table-001.hwp"), shade_mark=None)


def test_img_start_001_plan() -> None:
    d = doc("img-start-001.hwp")
    assert shapes(d) == [(1, 1, 1), (1, 3, 3), (1, 3, 3), (3, 4, 10), (7, 14, 43), (1, 3, 3), (19, 9, 131), (1, 3, 3), (1, 3, 3), (34, 6, 202)]
    texts = [p.text for p in d.paragraphs()]
    assert "【주관부서】디지털전환추진단 오은 단장(3800), 민경록 부장(3801), 이창섭 차장(3806), 박진기 책임(3807) / '25년 5월 8일" in texts
    assert any(t.startswith("\U000f0090 공공데이터 운영 전반에 대한") for t in texts)  # private-use bullet glyph kept
    months = d.tables()[6]
    assert sum(1 for c in months.cells if c.fill and c.row > 0) == 13
    assert {c.fill for c in months.cells if c.fill and c.row > 0} == {"#a6a7d8"}
    assert to_text(d).count("■") == 13
    systems = d.tables()[9]
    assert [c.text for c in systems.rows()[1]] == ["1", "안전혁신실", "KRM시스템", "34", "디지털전환추진단", "환경 빅데이터 플랫폼"]


def test_table_vpos_01_strategy_diagram() -> None:
    d = doc("table-vpos-01.hwp")
    assert shapes(d) == [(1, 3, 3), (2, 2, 3), (2, 1, 2), (3, 3, 6), (4, 6, 16), (1, 3, 3), (1, 2, 2), (1, 1, 1), (1, 1, 1), (1, 1, 1), (11, 3, 23)]
    tree = d.tables()[-1]
    assert cell_at(tree, 0, 0).text == "1\n참여소통"
    assert cell_at(tree, 0, 0).row_span == 2
    assert cell_at(tree, 1, 2).text.splitlines()[0] == "\U000f02b1 대국민 소통 일상화로 국민의 의견을 정책으로 전환"
    # 글자 겹침 (composed circled numbers) kept as typed
    assert cell_at(tree, 10, 2).text.splitlines()[0] == "\U000f02ba\U000f02c3 공공부문 AI 대전환을 위한 인프라 구축 "
    assert cell_at(tree, 8, 0).col_span == 3
    lines = to_text(d).splitlines()
    assert "1<br>참여소통\t\t국민 주도 참여‧소통 거버넌스 구현" in lines  # the 1x1 frame around the diagram is unwrapped


def test_table_vpos_01_hwp_and_hwpx_agree() -> None:
    hwp, hwpx = doc("table-vpos-01.hwp"), doc("table-vpos-01.hwpx")
    assert (hwp.format, hwpx.format) == ("hwp5", "hwpx")
    assert [squeeze(p.text) for p in hwp.paragraphs()] == [squeeze(p.text) for p in hwpx.paragraphs()]
    assert shapes(hwp) == shapes(hwpx)
    for a, b in zip(hwp.tables(), hwpx.tables(), strict=True):
        assert [(c.row, c.col, c.row_span, c.col_span, squeeze(c.text), c.fill) for c in a.cells] == [
            (c.row, c.col, c.row_span, c.col_span, squeeze(c.text), c.fill) for c in b.cells
        ]
    assert to_text(hwp) == to_text(hwpx)


def test_table_complex_budget() -> None:
    d = doc("table-complex.hwp")
    assert shapes(d) == [(15, 9, 114), (8, 9, 53), (18, 9, 129), (8, 9, 56)]
    first = d.tables()[0]
    assert [(c.text, c.row_span, c.col_span) for c in first.rows()[0]] == [("구분", 2, 1), ("과목", 1, 3), ("예산액", 1, 4), ("산출내역", 2, 1)]
    lines = to_text(d).splitlines()
    assert lines.count("구분\t과목\t\t\t예산액\t\t\t\t산출내역") == 4  # the header on each of four pages (sections)
    assert "세입\t보조금수입\t보조금수입\t국고보조금\t69,960,000\t69,960,000\t0\t0.00\t운영비<br>5,830,000원*12개월" in lines


def test_inner_table_01_nested() -> None:
    d = doc("inner-table-01.hwp")
    assert shapes(d) == [(8, 2, 14), (12, 2, 24)]
    assert len(d.blocks) == 1
    outer = d.tables()[0]
    assert (cell_at(outer, 3, 0).text, cell_at(outer, 3, 0).col_span) == ("종 합 의 견", 2)
    assert cell_at(outer, 4, 0).row_span == 2
    holder = cell_at(outer, 7, 1)
    assert any(isinstance(b, Table) for b in holder.blocks)
    assert "SFR-CLOUD-001  사용자 포털 - 메인화면" in holder.text.splitlines()
    assert "<br>SFR-CLOUD-001 사용자 포털 - 메인화면<br>" in to_text(d)


def test_table_in_tbox() -> None:
    d = doc("table-in-tbox.hwp")
    assert shapes(d) == [(3, 1, 3), (34, 8, 195), (2, 2, 4), (1, 1, 1), (6, 4, 15), (2, 2, 4), (2, 2, 4), (2, 2, 4), (2, 2, 4)]
    assert cell_at(d.tables()[0], 1, 0).text == "2025. 11월 먹는물 수질검사 결과"  # a table inside a text box
    results = d.tables()[1]
    assert (cell_at(results, 0, 1).text, cell_at(results, 0, 1).col_span) == ("석성정수장", 3)
    assert "1. 일반세균\t\t100CFU/mL이하\t0\t30. 사염화탄소\t\t0.002㎎/L이하\t불검출" in to_text(d).splitlines()
    assert "■" not in to_text(d)  # colour bars beside a heading are not month marks


def test_hwp_table_test() -> None:
    d = doc("hwp_table_test.hwp")
    assert [s[:2] for s in shapes(d)] == [(4, 3), (2, 3), (3, 3), (2, 3), (3, 3), (2, 3), (2, 3), (2, 3), (6, 3), (11, 3)]
    assert d.paragraphs()[0].text == "편집 탭 – 표"
    merged = cell_at(d.tables()[2], 0, 1)
    assert (merged.col, merged.col_span, merged.text) == (0, 2, "제목\n담당자")
    assert "제목<br>담당자\t\t세부 내용" in to_text(d).splitlines()


def test_table_text_hwpx() -> None:
    d = doc("table-text.hwpx")
    assert d.format == "hwpx"
    assert shapes(d) == [(3, 8, 18)]
    t = d.tables()[0]
    assert [(c.text, c.col_span, c.fill) for c in t.rows()[0]] == [("기부 금액(원, %)", 4, "#d9d9d9"), ("기부 건수(건, %)", 4, "#d9d9d9")]
    assert to_text(d).splitlines()[2] == "65,063,026,600\t87,804,677,338\t151,459,074,040\t72.5\t526.278\t772,712\t1,391,874\t80.0"


def test_ref_table_hwpx() -> None:
    d = doc("ref_table.hwpx")
    assert shapes(d) == [(2, 3, 6)]
    assert all(c.text == "" and c.fill is None for c in d.tables()[0].cells)
    assert to_text(d) == "\t\t\n\t\t\n\n"


def test_hwpx_01_is_hwp5_inside() -> None:
    d = doc("hwpx-01.hwpx")  # named .hwpx but an HWP 5 (OLE) file: detection is by content
    assert d.format == "hwp5"
    assert len(d.tables()) == 26
    assert "‘24년 1분기 해외직접투자는 150.9억 달러로 전년동기비 14.6% 감소" in to_text(d).splitlines()  # a heading box
    assert "총투자\t282.3\t198.5\t184.8\t150.9\t176.8\t159.8\t150.5\t157.7\t150.9" in to_text(d).splitlines()


def test_loading_fail_01_reads() -> None:
    d = doc("loading-fail-01.hwp")  # valid HWP 5: read, not refused
    assert len(d.tables()) == 19
    texts = [p.text for p in d.paragraphs()]
    assert to_text(d).splitlines()[0] == "「기존 건축물의 에너지·온실가스 시뮬레이터 고도화·운영관리 및 저변 확산」사업 수행 보조사업자 모집 공고"
    assert "□ 사업 규모 : 일금 사억원(₩ 400,000,000)" in texts
    assert "합계(①+②)\t\t\t100\t" in to_text(d).splitlines()  # a shaded total row gets no shade marks


def test_corpus_reads_fast() -> None:
    for path in sorted(CORPUS.glob("*.hwp*")) if CORPUS.is_dir() else []:
        if path.name == "hwp3-sample.hwp":
            continue
        start = time.perf_counter()
        read_document(path)
        assert time.perf_counter() - start < 2.0, path.name


# --- cross-check against the PrvText preview stream -------------------------------------------


def flat(blocks: tuple[Paragraph | Table, ...]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out.extend(flat(c.blocks) for c in sorted(block.cells, key=lambda c: (c.row, c.col)))
    return "".join(out)


def preview(path: Path) -> str:
    with olefile.OleFileIO(str(path)) as ole:
        return ole.openstream("PrvText").read().decode("utf-16-le", "replace")


def norm(text: str) -> str:
    return re.sub(r"[\s<>]", "", text)


@pytest.mark.parametrize("name", ["table-vpos-01.hwp", "table-complex.hwp", "table-in-tbox.hwp", "inner-table-01.hwp", "table-001.hwp", "loading-fail-01.hwp", "hwpx-01.hwpx"])
def test_text_matches_prvtext_prefix(name: str) -> None:
    prv, ours = norm(preview(corpus(name))), norm(flat(doc(name).blocks))
    n = min(len(prv), 300)
    assert n >= 90
    assert ours[:n] == prv[:n]


@pytest.mark.parametrize("name", ["img-start-001.hwp", "hwp_table_test.hwp"])
def test_prvtext_lines_found(name: str) -> None:
    # Here the preview follows page layout, not anchor order: every whole preview piece must still be in our text.
    lines = [norm(line) for line in re.split(r"\r\n|<|>", preview(corpus(name)))[:-1]]
    ours = norm(flat(doc(name).blocks))
    assert len([line for line in lines if line]) >= 5
    assert [line for line in lines if line not in ours] == []
    if name == "hwp_table_test.hwp":  # the whole document fits in the preview
        assert Counter(norm(preview(corpus(name)))) == Counter(ours)


# --- HWP 5 record and text decoding -------------------------------------------------------------


def units(*parts: str | tuple[int, ...]) -> bytes:
    data = b""
    for part in parts:
        data += part.encode("utf-16-le") if isinstance(part, str) else struct.pack(f"<{len(part)}H", *part)
    return data


def test_para_text_controls_and_surrogates() -> None:
    ext = (11, 0x6C20, 0x7462, 0, 0, 0, 0, 11)  # a table anchor: 8 units
    tab = (9, 0, 0, 0, 0, 0, 0, 9)
    data = units("\U000f02b1 가", ext, "나", tab, "다", (10,), "라", (30,), "마", (13,))
    assert para_text(data) == "\U000f02b1 가나\t다 라 마"
    assert para_text(units("ab", (13,), "ignored")) == "ab"


def test_truncated_record_refused(tmp_path: Path) -> None:
    record = struct.pack("<I", 67 | (0 << 10) | (10 << 20)) + b"\x00" * 4  # says 10 bytes, has 4
    with pytest.raises(DocumentError, match="손상"):
        parse_records(tmp_path / "x.hwp", record)


@pytest.mark.parametrize(("flag", "word"), [(0x02, "암호"), (0x04, "배포용"), (0x10, "DRM")])
def test_file_header_flags_refused(tmp_path: Path, flag: int, word: str) -> None:
    header = b"HWP Document File".ljust(32, b"\x00") + struct.pack("<II", 0x05000300, 0x01 | flag) + bytes(216)
    with pytest.raises(DocumentError, match=word):
        check_file_header(tmp_path / "x.hwp", header)
    assert check_file_header(tmp_path / "x.hwp", header[:36] + struct.pack("<I", 1) + header[40:]) is True


# --- refusals of whole files ----------------------------------------------------------------------


def refused(path: Path) -> str:
    with pytest.raises(DocumentError) as info:
        read_document(path)
    message = str(info.value)
    assert path.name in message and re.search("[가-힣]", message)
    return message


def test_hwp3_refused() -> None:
    assert "HWP 3" in refused(corpus("hwp3-sample.hwp"))


def test_flag_bit_flipped_in_copy_refused(tmp_path: Path) -> None:
    copy = tmp_path / "secret.hwp"
    shutil.copy(corpus("table-001.hwp"), copy)
    copy.chmod(0o644)
    with olefile.OleFileIO(str(copy), write_mode=True) as ole:
        header = bytearray(ole.openstream("FileHeader").read())
        header[36] |= 0x02
        ole.write_stream("FileHeader", bytes(header))
    assert "암호" in refused(copy)


def test_damaged_body_stream_refused(tmp_path: Path) -> None:
    copy = tmp_path / "damaged.hwp"
    shutil.copy(corpus("table-001.hwp"), copy)
    copy.chmod(0o644)
    with olefile.OleFileIO(str(copy), write_mode=True) as ole:
        body = ole.openstream("BodyText/Section0").read()
        ole.write_stream("BodyText/Section0", body[: len(body) // 2] + bytes(len(body) - len(body) // 2))
    assert "손상" in refused(copy)


def test_truncated_copy_refused(tmp_path: Path) -> None:
    data = corpus("table-vpos-01.hwp").read_bytes()
    for cut in (len(data) // 2, 600):
        path = tmp_path / f"cut{cut}.hwp"
        path.write_bytes(data[:cut])
        assert "손상" in refused(path)


def test_zip_that_is_not_hwpx_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.hwpx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    assert "HWPX 문서가 아닌 ZIP" in refused(path)


def test_broken_hwpx_refused(tmp_path: Path) -> None:
    good = make_hwpx(tmp_path / "good.hwpx", [Paragraph("본문")])
    bad_xml = tmp_path / "bad.hwpx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad_xml, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item) if "section0" not in item.filename else b"<hs:sec><hp:p>")
    assert "손상" in refused(bad_xml)
    cut = tmp_path / "cut.hwpx"
    cut.write_bytes(good.read_bytes()[:-30])
    assert "손상" in refused(cut)


def test_pdf_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.hwp"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert "PDF는 아직 지원하지 않습니다" in refused(path)


def test_other_binary_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.hwp"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert "이진 파일" in refused(path)


def test_text_with_nul_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("계획\n".encode() + b"\x00\x01\x02binary")
    assert "이진 파일" in refused(path)
    with pytest.raises(DocumentError, match="이진 파일"):
        read_text_file(path)


def test_cp949_text_decoded(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("Ⅰ. 추진 목적\n구 분\t5월\t6월\n".encode("cp949"))
    assert read_text_file(path) == "Ⅰ. 추진 목적\n구 분\t5월\t6월\n"
    assert read_document(path) == Document("text", (Paragraph("Ⅰ. 추진 목적"), Paragraph("구 분\t5월\t6월")))
    assert to_text(read_document(path)) == "Ⅰ. 추진 목적\n구 분\t5월\t6월\n"  # text lines pass through, TABs kept


def test_utf8_and_utf16_bom_text(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("\ufeff계획".encode("utf-16-le"))
    assert read_text_file(path) == "계획"
    path.write_bytes("\ufeff계획".encode())
    assert read_text_file(path) == "계획"


def test_undecodable_text_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"plan \x80\x81\xff\xfe text")
    with pytest.raises(DocumentError, match="UTF-8로도 CP949"):
        read_text_file(path)


def test_hwp_given_as_text_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="텍스트 파일이 아니라"):
        read_text_file(corpus("table-001.hwp"))


# --- to_text rules on hand-built documents ---------------------------------------------------------


def cell(row: int, col: int, *texts: str, rs: int = 1, cs: int = 1, fill: str | None = None) -> Cell:
    return Cell(row, col, rs, cs, tuple(Paragraph(t) for t in texts), fill)


def test_to_text_paragraph_tabs_become_spaces() -> None:
    assert to_text(Document("hwp5", (Paragraph("가\t나"), Paragraph("")))) == "가 나\n\n"


def test_to_text_merged_cells_and_br() -> None:
    table = Table(2, 3, (cell(0, 0, "구분", rs=2), cell(0, 1, "예산", cs=2), cell(1, 1, "당초"), cell(1, 2, "추경", "(변경)")))
    assert to_text(Document("hwpx", (table,))) == "구분\t예산\t\n\t당초\t추경<br>(변경)\n"
    grid = table.grid()
    assert grid[1][0] is grid[0][0] and grid[0][2] is grid[0][1]


def test_to_text_shade_marks() -> None:
    grey, blue = "#f2f2f2", "#a6a7d8"
    table = Table(
        3,
        4,
        (
            cell(0, 0, "구분", fill=grey), cell(0, 1, "5월", fill=grey), cell(0, 2, "", fill=grey), cell(0, 3, "6월", fill=grey),
            cell(1, 0, "킥오프", rs=2), cell(1, 1, "", fill=blue), cell(1, 2, ""), cell(1, 3, "", fill=blue),
            cell(2, 1, "", fill=blue), cell(2, 2, ""), cell(2, 3, "메모"),
        ),
    )  # fmt: skip
    d = Document("hwp5", (table,))
    assert to_text(d).splitlines() == ["구분\t5월\t\t6월", "킥오프\t■\t\t■", "\t■\t\t메모"]
    assert to_text(d, shade_mark="v").splitlines()[1] == "킥오프\tv\t\tv"
    assert to_text(d, shade_mark=None).splitlines()[1] == "킥오프\t\t\t"
    lonely = Table(2, 2, (cell(0, 0, "a"), cell(0, 1, "b"), cell(1, 0, "", fill=blue), cell(1, 1, "", fill=blue)))
    assert to_text(Document("hwp5", (lonely,))).splitlines()[1] == "\t"  # no text in the row: no marks
    total = Table(2, 3, (cell(0, 0, "구분"), cell(0, 1, "금액"), cell(0, 2, "비고"), cell(1, 0, "합계", fill=grey), cell(1, 1, "100", fill=grey), cell(1, 2, "", fill=grey)))
    assert to_text(Document("hwp5", (total,))).splitlines()[1] == "합계\t100\t"  # shaded like its label: not a mark
    bar = Table(2, 3, (cell(0, 0, "a"), cell(0, 1, "b"), cell(0, 2, "c"), cell(1, 0, "", fill=blue), cell(1, 1, "글"), cell(1, 2, "", fill=blue)))
    assert to_text(Document("hwp5", (bar,))).splitlines()[1] == "\t글\t"  # no row label in the first column


def test_to_text_one_row_table_is_one_line() -> None:
    box = Table(1, 3, (cell(0, 0, "Ⅰ"), cell(0, 1, ""), cell(0, 2, "추진", "목적")))
    assert to_text(Document("hwp5", (box,))) == "Ⅰ 추진 목적\n"


def test_to_text_nested_table_flattened() -> None:
    inner = Table(2, 2, (cell(0, 0, "번호"), cell(0, 1, "명칭"), cell(1, 0, "1"), cell(1, 1, "포털")))
    outer = Table(2, 2, (cell(0, 0, "a"), cell(0, 1, "b"), cell(1, 0, "분석"), Cell(1, 1, 1, 1, (Paragraph("검토"), inner), None)))
    assert to_text(Document("hwp5", (outer,))).splitlines()[1] == "분석\t검토<br>번호 명칭<br>1 포털"
    assert outer.cells[3].text == "검토\n번호 명칭\n1 포털"


def test_to_text_frame_unwrapped() -> None:
    inner = Table(2, 2, (cell(0, 0, "1"), cell(0, 1, "전략"), cell(1, 0, ""), cell(1, 1, "과제")))
    frame = Table(1, 1, (Cell(0, 0, 1, 1, (Paragraph("비전"), inner), None),))
    assert to_text(Document("hwp5", (frame,))) == "비전\n1\t전략\n\t과제\n"


# --- the HWPX writer helper round-trips --------------------------------------------------------------


def test_make_hwpx_round_trip(tmp_path: Path) -> None:
    nested = Table(1, 2, (cell(0, 0, "안"), cell(0, 1, "밖")))
    table = Table(
        3,
        3,
        (
            cell(0, 0, "구분", fill="#d9d9d9"), cell(0, 1, "5월", cs=2, fill="#d9d9d9"),
            cell(1, 0, "과제\t1", rs=2), cell(1, 1, "", fill="#a6a7d8"), Cell(1, 2, 1, 1, (Paragraph("x"), nested), None),
            cell(2, 1, "y"), cell(2, 2, "", fill="#a6a7d8"),
        ),
    )  # fmt: skip
    original = (Paragraph("\U000f02b1 대국민 소통\t일상화"), table, Paragraph(""))
    back = read_document(make_hwpx(tmp_path / "made.hwpx", original))
    assert back == Document("hwpx", original)
    assert to_text(back).splitlines()[2] == "과제 1\t■\tx<br>안 밖"


# --- reading order: footnotes after their paragraph, text boxes inline, headers left out ------------


def rec(tag: int, level: int, data: bytes) -> bytes:
    return struct.pack("<I", tag | level << 10 | len(data) << 20) + data


def ctrl(cid: str) -> bytes:
    return cid.encode("ascii")[::-1] + bytes(8)


def ext(code: int) -> tuple[int, ...]:
    return (code, 0, 0, 0, 0, 0, 0, code)


def test_hwp5_reading_order() -> None:
    para = bytes(22)
    lh = bytes(8)
    stream = b"".join(
        [
            rec(66, 0, para),
            rec(67, 1, units("본문", ext(17), ext(16), ext(11), (13,))),
            rec(71, 1, ctrl("fn  ")),
            rec(72, 2, lh),
            rec(66, 2, para),
            rec(67, 3, units("각주", (13,))),
            rec(71, 1, ctrl("head")),
            rec(72, 2, lh),
            rec(66, 2, para),
            rec(67, 3, units("머리말", (13,))),
            rec(71, 1, ctrl("gso ")),
            rec(76, 2, bytes(4)),
            rec(72, 3, lh),
            rec(66, 3, para),
            rec(67, 4, units("글상자", (13,))),
            rec(66, 0, para),
            rec(67, 1, units("다음", (13,))),
        ]
    )
    path = Path("x.hwp")
    blocks = [b for node in build_tree(path, parse_records(path, stream)) for b in paragraph_blocks(node, {})]
    assert blocks == [Paragraph("본문"), Paragraph("각주"), Paragraph("글상자"), Paragraph("다음")]


def test_hwp5_level_jump_refused() -> None:
    with pytest.raises(DocumentError, match="손상"):
        build_tree(Path("x.hwp"), parse_records(Path("x.hwp"), rec(66, 0, bytes(22)) + rec(67, 2, b"")))


SECTION = """<?xml version="1.0" encoding="UTF-8"?>
<hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">
<hp:p><hp:run><hp:secPr/><hp:ctrl><hp:header><hp:subList><hp:p><hp:run><hp:t>머리말</hp:t></hp:run></hp:p></hp:subList></hp:header></hp:ctrl></hp:run>
<hp:run><hp:t>본<hp:lineBreak/>문<hp:nbSpace/>끝<hp:tab/>탭</hp:t><hp:compose composeText="&#xF02BA;&#xF02C3;"/><hp:t>과제</hp:t>
<hp:ctrl><hp:footNote><hp:subList><hp:p><hp:run><hp:t>각주</hp:t></hp:run></hp:p></hp:subList></hp:footNote></hp:ctrl>
<hp:rect><hp:drawText><hp:subList><hp:p><hp:run><hp:t>글상자</hp:t></hp:run></hp:p></hp:subList></hp:drawText></hp:rect></hp:run></hp:p>
<hp:p><hp:run><hp:t>다음</hp:t><hp:switch><hp:case><hp:t>+케이스</hp:t></hp:case><hp:default><hp:t>+기본</hp:t></hp:default></hp:switch></hp:run></hp:p>
</hs:sec>"""


def test_hwpx_reading_order(tmp_path: Path) -> None:
    base = make_hwpx(tmp_path / "base.hwpx", [Paragraph("")])
    path = tmp_path / "order.hwpx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, SECTION if item.filename == "Contents/section0.xml" else src.read(item))
    texts = [b.text for b in read_document(path).blocks if isinstance(b, Paragraph)]
    assert texts == ["본 문 끝\t탭\U000f02ba\U000f02c3과제", "각주", "글상자", "다음+케이스"]


@pytest.mark.parametrize("name", ["table-001.hwp", "table-text.hwpx"])
def test_damaged_bytes_never_traceback(tmp_path: Path, name: str) -> None:
    # Random damage must end in a Document or a DocumentError, never another exception.
    data = corpus(name).read_bytes()
    rng = random.Random(5)
    refusals = 0
    for i in range(40):
        damaged = bytearray(data[: rng.randrange(len(data))] if i % 2 else data)
        for _ in range(rng.randrange(1, 30)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path = tmp_path / f"{i}{Path(name).suffix}"
        path.write_bytes(bytes(damaged))
        try:
            read_document(path)
        except DocumentError:
            refusals += 1
    assert refusals >= 20


def test_empty_and_misnamed_files_refused(tmp_path: Path) -> None:
    empty = tmp_path / "plan.txt"
    empty.write_bytes(b"")
    assert "빈 파일" in refused(empty)
    misnamed = tmp_path / "plan.hwp"
    misnamed.write_text("Ⅰ. 추진 목적\n", encoding="utf-8")
    assert "내용은 텍스트 파일" in refused(misnamed)


def border_fill(fill_type: int, back: int = 0, pattern_colour: int = 0, pattern: int = -1) -> bytes:
    return bytes(32) + struct.pack("<IIIi", fill_type, back, pattern_colour, pattern) + bytes(5)


def test_hwp5_fill_colours() -> None:
    assert fill_colour(border_fill(1, 0x00D8A7A6, 0, -1)) == "#a6a7d8"  # COLORREF is 0x00BBGGRR
    assert fill_colour(border_fill(1, 0xFFFFFFFF, 0x999999, -1)) is None  # no colour, no pattern
    assert fill_colour(border_fill(1, 0x00FFFFFF, 0, -1)) is None  # white
    assert fill_colour(border_fill(1, 0x00FFFFFF, 0x00000080, 2)) == "#800000"  # a pattern on white
    assert fill_colour(border_fill(0)) is None
    assert fill_colour(border_fill(4, 0x00D8A7A6)) is None  # gradient only


def test_hwpx_fill_colours() -> None:
    def brush(**attrs: str) -> ET.Element:
        return ET.Element("{http://www.hancom.co.kr/hwpml/2011/core}winBrush", attrs)

    assert brush_colour(brush(faceColor="#A6A7D8", hatchColor="#999999")) == "#a6a7d8"
    assert brush_colour(brush(faceColor="none", hatchColor="#999999")) is None
    assert brush_colour(brush(faceColor="#FFFFFF", hatchColor="#800000", hatchStyle="HORIZONTAL")) == "#800000"


def test_encrypted_hwpx_refused(tmp_path: Path) -> None:
    path = make_hwpx(tmp_path / "locked.hwpx", [Paragraph("본문")])
    with zipfile.ZipFile(path, "a") as package:
        package.writestr(
            "META-INF/manifest.xml",
            '<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><odf:file-entry><odf:encryption-data/></odf:file-entry></odf:manifest>',
        )
    assert "암호" in refused(path)
