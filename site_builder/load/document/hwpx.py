"""HWPX (OWPML) reader: a zip of XML parts read with zipfile and ElementTree, matching local names only."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

from .model import Block, Cell, Document, Paragraph, checked_table
from .sniff import corrupt, refuse

MIMETYPE = b"application/hwp+zip"
SECTION = re.compile(r"^Contents/section(\d+)\.xml$")
# Drawing objects that may hold text (hp:drawText) or captions, or other drawing objects (hp:container).
SHAPES = frozenset({"rect", "ellipse", "arc", "polygon", "curve", "connectLine", "container", "pic", "ole", "textart", "equation", "chart"})
# Characters written as elements inside hp:t.
INLINE = {"tab": "\t", "lineBreak": " ", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}
Fills = dict[str, "str | None"]


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def children(elem: ET.Element, name: str) -> Iterator[ET.Element]:
    """Direct children with the given local name."""
    return (c for c in elem if local(c.tag) == name)


def first(elem: ET.Element, name: str) -> ET.Element | None:
    """The first direct child with the given local name."""
    return next(children(elem, name), None)


def read_hwpx(path: Path) -> Document:
    """The Document of an HWPX file; refuses zips that are not HWPX and encrypted packages."""
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        check_package(path, package, names)
        fills = header_fills(_xml(path, package, "Contents/header.xml"))
        blocks: list[Block] = []
        for name in section_names(path, names):
            blocks.extend(list_blocks(_xml(path, package, name), fills))
    return Document("hwpx", tuple(blocks))


def check_package(path: Path, package: zipfile.ZipFile, names: set[str]) -> None:
    """Refuses a zip that is not HWPX (DOCX, XLSX, plain zip) and a password-protected HWPX."""
    mimetype = package.read("mimetype").strip() if "mimetype" in names else b""
    if mimetype != MIMETYPE and "Contents/header.xml" not in names:
        raise refuse(path, "HWPX 문서가 아닌 ZIP 파일(예: DOCX·XLSX·압축 파일)입니다", "한글 문서(HWP 5/HWPX)나 텍스트 파일을 가져오세요.")
    manifest = package.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    if b"encryption-data" in manifest:
        raise refuse(path, "암호가 걸린 HWPX 문서입니다", "한글에서 암호를 해제하고 다시 저장한 뒤 가져오세요.")


def section_names(path: Path, names: set[str]) -> list[str]:
    """Contents/section0.xml, section1.xml … in number order; at least one must exist."""
    found = sorted((int(m.group(1)), n) for n in names if (m := SECTION.match(n)))
    if not found:
        raise corrupt(path, "본문(section) 파일 없음")
    return [n for _, n in found]


def _xml(path: Path, package: zipfile.ZipFile, name: str) -> ET.Element:
    try:
        return ET.fromstring(package.read(name))
    except KeyError:
        raise corrupt(path, f"{name} 없음") from None
    except ET.ParseError:
        raise corrupt(path, f"{name} XML 오류") from None


def header_fills(header: ET.Element) -> Fills:
    """hh:borderFill id → background colour '#rrggbb' of its solid/pattern brush, None when white or none."""
    fills: Fills = {}
    for elem in header.iter():
        if local(elem.tag) == "borderFill":
            brush = next((b for b in elem.iter() if local(b.tag) == "winBrush"), None)
            fills[elem.get("id", "")] = brush_colour(brush) if brush is not None else None
    return fills


def brush_colour(brush: ET.Element) -> str | None:
    """A hc:winBrush's face colour, or its hatch colour when a pattern is drawn on white."""
    face = colour(brush.get("faceColor"))
    return face or (colour(brush.get("hatchColor")) if brush.get("hatchStyle") else None)


def colour(value: str | None) -> str | None:
    """'#RRGGBB' as '#rrggbb'; None for 'none', white and malformed values."""
    if not value or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        return None
    return None if value.lower() == "#ffffff" else value.lower()


def list_blocks(container: ET.Element, fills: Fills) -> list[Block]:
    """The blocks of the hp:p children of a section or hp:subList."""
    return [b for p in children(container, "p") for b in paragraph_blocks(p, fills)]


def paragraph_blocks(p: ET.Element, fills: Fills) -> list[Block]:
    """A paragraph's text, then the tables, text boxes and notes anchored in it, in document order."""
    parts: list[str] = []
    anchored: list[Block] = []
    for run in children(p, "run"):
        for item in run_items(run):
            name = local(item.tag)
            if name == "t":
                parts.append(run_text(item))
            elif name == "compose":  # 글자 겹침: circled numbers are often typed this way
                parts.append(item.get("composeText", ""))
            elif name == "tbl":
                anchored.extend(table_blocks(item, fills))
            elif name == "ctrl":
                anchored.extend(note_blocks(item, fills))
            elif name in SHAPES:
                anchored.extend(shape_blocks(item, fills))
    text = "".join(parts)
    # A paragraph that only anchors objects adds no line of its own.
    head: list[Block] = [Paragraph(text)] if text.strip() or not anchored else []
    return head + anchored


def run_items(run: ET.Element) -> Iterator[ET.Element]:
    """A run's children, with an hp:switch replaced by its first hp:case (else its hp:default)."""
    for item in run:
        if local(item.tag) != "switch":
            yield item
            continue
        branch = first(item, "case")
        branch = branch if branch is not None else first(item, "default")
        if branch is not None:
            yield from branch


def run_text(t: ET.Element) -> str:
    """The text of an hp:t: its characters, tabs, line breaks and special spaces (marks skipped)."""
    parts = [t.text or ""]
    for child in t:
        parts.append(INLINE.get(local(child.tag), ""))
        parts.append(child.tail or "")
    return "".join(parts)


def note_blocks(ctrl: ET.Element, fills: Fills) -> list[Block]:
    """Footnote and endnote paragraphs of an hp:ctrl; headers, footers and page numbers give nothing."""
    blocks: list[Block] = []
    for note in ctrl:
        if local(note.tag) in ("footNote", "endNote"):
            for sub in children(note, "subList"):
                blocks.extend(list_blocks(sub, fills))
    return blocks


def shape_blocks(shape: ET.Element, fills: Fills) -> list[Block]:
    """The paragraphs of a drawing object's text box and caption and of shapes grouped inside it."""
    blocks: list[Block] = []
    for child in shape:
        name = local(child.tag)
        if name in ("drawText", "caption"):
            for sub in children(child, "subList"):
                blocks.extend(list_blocks(sub, fills))
        elif name in SHAPES:
            blocks.extend(shape_blocks(child, fills))
    return blocks


def table_blocks(tbl: ET.Element, fills: Fills) -> list[Block]:
    """A table: caption paragraphs first, then the Table with its cells."""
    caption: list[Block] = []
    for cap in children(tbl, "caption"):
        for sub in children(cap, "subList"):
            caption.extend(list_blocks(sub, fills))
    cells = tuple(make_cell(tc, fills) for tr in children(tbl, "tr") for tc in children(tr, "tc"))
    return [*caption, checked_table(int(tbl.get("rowCnt", "0")), int(tbl.get("colCnt", "0")), cells)]


def make_cell(tc: ET.Element, fills: Fills) -> Cell:
    """A cell from hp:tc (hp:cellAddr, hp:cellSpan, hp:subList, borderFillIDRef)."""
    addr, span, sub = first(tc, "cellAddr"), first(tc, "cellSpan"), first(tc, "subList")
    if addr is None:
        raise ValueError("표 칸 주소(cellAddr) 없음")
    blocks = tuple(list_blocks(sub, fills)) if sub is not None else ()
    row_span = int(span.get("rowSpan", "1")) if span is not None else 1
    col_span = int(span.get("colSpan", "1")) if span is not None else 1
    fill = fills.get(tc.get("borderFillIDRef", ""))
    return Cell(int(addr.get("rowAddr", "0")), int(addr.get("colAddr", "0")), row_span, col_span, blocks, fill)
