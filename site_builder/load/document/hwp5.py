"""HWP 5.x reader: OLE streams (olefile), zlib-compressed record trees, paragraphs and tables."""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import olefile

from .model import Block, Cell, Document, Paragraph, checked_table
from .sniff import corrupt, refuse

SIGNATURE = b"HWP Document File"
FLAG_COMPRESSED, FLAG_PASSWORD, FLAG_DISTRIBUTION, FLAG_DRM = 0x01, 0x02, 0x04, 0x10

TAG_BORDER_FILL = 20
TAG_PARA_HEADER = 66
TAG_PARA_TEXT = 67
TAG_CTRL_HEADER = 71
TAG_LIST_HEADER = 72
TAG_TABLE = 77

# PARA_TEXT control characters that stand alone (one UTF-16 unit); all others below 32 take 8 units.
SINGLE_UNIT_CONTROLS = frozenset({0, 10, 13, *range(24, 32)})
# What the single-unit controls become in the text: line break, hyphen, non-breaking and fixed-width spaces.
SINGLE_UNIT_TEXT = {10: " ", 24: "-", 30: " ", 31: " "}
# 8-unit controls without a CTRL_HEADER record (field end, tab, title mark …); the others each have one, in order.
INLINE_CONTROLS = frozenset({4, 5, 6, 7, 8, 9, 19, 20})
TAB = 9
PARA_END = 13


@dataclass
class Record:
    """One record of a DocInfo or BodyText stream, with the records nested under it."""

    tag: int
    level: int
    data: bytes
    children: list[Record] = field(default_factory=list)


def read_hwp5(path: Path, ole: olefile.OleFileIO) -> Document:
    """The Document of an HWP 5 file already opened as OLE; refuses encrypted, DRM and distribution files."""
    compressed = check_file_header(path, _stream(path, ole, "FileHeader"))
    fills = border_fills(parse_records(path, _body(path, ole, "DocInfo", compressed)))
    blocks: list[Block] = []
    for name in section_names(path, ole):
        roots = build_tree(path, parse_records(path, _body(path, ole, name, compressed)))
        for node in roots:
            if node.tag == TAG_PARA_HEADER:
                blocks.extend(paragraph_blocks(node, fills))
    return Document("hwp5", tuple(blocks))


def check_file_header(path: Path, header: bytes) -> bool:
    """Checks signature, version and flags of the FileHeader stream; True when the streams are compressed."""
    if len(header) < 40 or not header.startswith(SIGNATURE):
        raise corrupt(path, "FileHeader 서명 없음")
    version, flags = struct.unpack_from("<II", header, 32)
    if version >> 24 != 5:
        raise refuse(path, f"지원하지 않는 HWP 버전({version >> 24}.x) 문서입니다")
    if flags & FLAG_PASSWORD:
        raise refuse(path, "암호가 걸린 HWP 문서입니다", "한글에서 암호를 해제하고 다시 저장한 뒤 가져오세요.")
    if flags & FLAG_DRM:
        raise refuse(path, "DRM(문서 보안)이 적용된 HWP 문서입니다", "보안을 해제한 원본 문서를 받아 가져오세요.")
    if flags & FLAG_DISTRIBUTION:
        raise refuse(path, "배포용(편집·복사 제한) HWP 문서입니다", "배포용으로 저장하기 전의 원본 문서를 받아 가져오세요.")
    return bool(flags & FLAG_COMPRESSED)


def _stream(path: Path, ole: olefile.OleFileIO, name: str) -> bytes:
    if not ole.exists(name):
        raise corrupt(path, f"{name} 스트림 없음")
    with ole.openstream(name) as stream:
        return bytes(stream.read())


def _body(path: Path, ole: olefile.OleFileIO, name: str, compressed: bool) -> bytes:
    data = _stream(path, ole, name)
    return inflate(path, name, data) if compressed else data


def inflate(path: Path, name: str, data: bytes) -> bytes:
    """A raw-deflate stream decompressed; a truncated or damaged stream is refused, not half-read."""
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(data) + inflater.flush()
    except zlib.error:
        raise corrupt(path, f"{name} 압축 해제 실패") from None
    if not inflater.eof:
        raise corrupt(path, f"{name} 압축 데이터가 잘림")
    return out


def section_names(path: Path, ole: olefile.OleFileIO) -> list[str]:
    """BodyText/Section0, Section1 … in order; at least one must exist."""
    names: list[str] = []
    while ole.exists(f"BodyText/Section{len(names)}"):
        names.append(f"BodyText/Section{len(names)}")
    if not names:
        raise corrupt(path, "본문(BodyText) 스트림 없음")
    return names


def parse_records(path: Path, data: bytes) -> list[Record]:
    """The flat list of records of a stream; a record running past the end is refused."""
    records: list[Record] = []
    pos, end = 0, len(data)
    while pos < end:
        if pos + 4 > end:
            raise corrupt(path, "레코드 머리가 잘림")
        (head,) = struct.unpack_from("<I", data, pos)
        pos += 4
        size = head >> 20
        if size == 0xFFF:  # a long record: the real size follows
            if pos + 4 > end:
                raise corrupt(path, "레코드 머리가 잘림")
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        if pos + size > end:
            raise corrupt(path, "레코드가 잘림")
        records.append(Record(head & 0x3FF, (head >> 10) & 0x3FF, data[pos : pos + size]))
        pos += size
    return records


def build_tree(path: Path, records: list[Record]) -> list[Record]:
    """Records nested by level (a record's children follow it one level deeper); returns the roots."""
    roots: list[Record] = []
    stack: list[Record] = []
    for rec in records:
        while stack and stack[-1].level >= rec.level:
            stack.pop()
        parent_level = stack[-1].level if stack else -1
        if rec.level != parent_level + 1:
            raise corrupt(path, "레코드 구조가 어긋남")
        (stack[-1].children if stack else roots).append(rec)
        stack.append(rec)
    return roots


def border_fills(records: list[Record]) -> dict[int, str | None]:
    """BORDER_FILL id (1-based, in DocInfo order) → background colour '#rrggbb' or None."""
    fills = [r for r in records if r.tag == TAG_BORDER_FILL]
    return {i: fill_colour(r.data) for i, r in enumerate(fills, start=1)}


def fill_colour(data: bytes) -> str | None:
    """The colour of a BORDER_FILL's solid/pattern fill unless white or none."""
    # attr u16 + 4 borders (type, width, colour) + diagonal = 32 bytes, then the fill type.
    if len(data) < 48:
        return None
    (fill_type,) = struct.unpack_from("<I", data, 32)
    if not fill_type & 1:
        return None
    back, pattern_colour, pattern = struct.unpack_from("<IIi", data, 36)
    return colour(back) or (colour(pattern_colour) if pattern >= 0 else None)  # -1: no pattern


def colour(ref: int) -> str | None:
    """A COLORREF (0x00BBGGRR) as '#rrggbb'; None for white and for 'no colour' (high byte set)."""
    if ref >> 24:
        return None
    text = f"#{ref & 0xFF:02x}{(ref >> 8) & 0xFF:02x}{(ref >> 16) & 0xFF:02x}"
    return None if text == "#ffffff" else text


def paragraph_blocks(node: Record, fills: dict[int, str | None]) -> list[Block]:
    """A paragraph's text, then the tables, text boxes and notes anchored in it, in control order."""
    controls = [c for c in node.children if c.tag == TAG_CTRL_HEADER]
    inline = [compose_text(c) for c in controls]
    text = next((para_text(c.data, inline) for c in node.children if c.tag == TAG_PARA_TEXT), "")
    anchored = [b for c in controls for b in control_blocks(c, fills)]
    # A paragraph that only anchors objects adds no line of its own.
    head: list[Block] = [Paragraph(text)] if text.strip() or not anchored else []
    return head + anchored


def compose_text(node: Record) -> str:
    """The characters of a 글자 겹침 control ('tcps': u16 length, then UTF-16 units), '' for other controls."""
    if control_id(node) != "tcps" or len(node.data) < 6:
        return ""
    (n,) = struct.unpack_from("<H", node.data, 4)
    return node.data[6 : 6 + 2 * n].decode("utf-16-le", "replace")


def para_text(data: bytes, inline: list[str] | None = None) -> str:
    """PARA_TEXT (UTF-16LE with 1- and 8-unit controls) as typed; the k-th extended control shows inline[k]."""
    units = _units(data)
    out: list[str] = []
    start = i = k = 0
    while i < len(units):
        u = units[i]
        if u >= 32:
            i += 1
            continue
        out.append(_decode(units[start:i]))
        if u == PARA_END:
            return "".join(out)
        width, shown = _control(u)
        if width == 8 and u not in INLINE_CONTROLS:  # an extended control: the k-th CTRL_HEADER is its record
            shown = inline[k] if inline and k < len(inline) else ""
            k += 1
        out.append(shown)
        i = start = i + width
    out.append(_decode(units[start:]))
    return "".join(out)


def _units(data: bytes) -> array[int]:
    units = array("H")
    units.frombytes(data[: len(data) & ~1])
    if sys.byteorder == "big":
        units.byteswap()
    return units


def _decode(units: array[int]) -> str:
    if sys.byteorder == "big":
        units.byteswap()
    return units.tobytes().decode("utf-16-le", "replace")


def _control(u: int) -> tuple[int, str]:
    # (units the control takes, what it shows in the text)
    if u in SINGLE_UNIT_CONTROLS:
        return 1, SINGLE_UNIT_TEXT.get(u, "")
    return 8, "\t" if u == TAB else ""


def control_id(node: Record) -> str:
    """A CTRL_HEADER's four-letter id ('tbl ', 'gso ', 'fn  ' …), stored byte-reversed."""
    return node.data[:4][::-1].decode("latin-1")


def control_blocks(node: Record, fills: dict[int, str | None]) -> list[Block]:
    """Blocks of a control: a table, a drawing object's text, a foot/endnote; nothing for the rest."""
    cid = control_id(node)
    if cid == "tbl ":
        return table_blocks(node, fills)
    if cid == "gso ":
        return shape_blocks(node, fills)
    if cid in ("fn  ", "en  "):
        return [b for _, paras in split_lists(node.children) for p in paras for b in paragraph_blocks(p, fills)]
    return []  # headers, footers, page numbers, master pages, fields: not body text


def split_lists(children: list[Record]) -> list[tuple[Record, list[Record]]]:
    """Paragraph lists among sibling records: each LIST_HEADER with the PARA_HEADERs right after it."""
    lists: list[tuple[Record, list[Record]]] = []
    current: list[Record] | None = None
    for child in children:
        if child.tag == TAG_LIST_HEADER:
            current = []
            lists.append((child, current))
        elif child.tag == TAG_PARA_HEADER and current is not None:
            current.append(child)
        else:
            current = None
    return lists


def shape_blocks(node: Record, fills: dict[int, str | None]) -> list[Block]:
    """The paragraphs of a drawing object (text box, group) and of the shapes inside it, depth first."""
    blocks: list[Block] = []
    for _, paras in split_lists(node.children):
        for para in paras:
            blocks.extend(paragraph_blocks(para, fills))
    for child in node.children:
        if child.tag not in (TAG_LIST_HEADER, TAG_PARA_HEADER):
            blocks.extend(shape_blocks(child, fills))
    return blocks


def table_blocks(node: Record, fills: dict[int, str | None]) -> list[Block]:
    """A table control: caption paragraphs (lists before the TABLE record), then the table."""
    index = next((i for i, c in enumerate(node.children) if c.tag == TAG_TABLE), None)
    if index is None or len(node.children[index].data) < 8:
        raise ValueError("표 레코드가 없거나 잘림")
    n_rows, n_cols = struct.unpack_from("<HH", node.children[index].data, 4)
    caption = [b for _, paras in split_lists(node.children[:index]) for p in paras for b in paragraph_blocks(p, fills)]
    cells = tuple(make_cell(head, paras, fills) for head, paras in split_lists(node.children[index + 1 :]))
    return [*caption, checked_table(n_rows, n_cols, cells)]


def make_cell(head: Record, paras: list[Record], fills: dict[int, str | None]) -> Cell:
    """A cell from its LIST_HEADER (list head 8 bytes, then col, row, col span, row span … border/fill id)."""
    if len(head.data) < 34:
        raise ValueError("표 칸 레코드가 잘림")
    col, row, col_span, row_span = struct.unpack_from("<4H", head.data, 8)
    (fill_id,) = struct.unpack_from("<H", head.data, 32)
    blocks = tuple(b for p in paras for b in paragraph_blocks(p, fills))
    return Cell(row, col, row_span, col_span, blocks, fills.get(fill_id))
