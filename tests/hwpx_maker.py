"""Test helper: write a minimal valid HWPX (OWPML) package from Paragraph/Table blocks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from site_builder.load.document import Document, Paragraph, Table

NS = {
    "hs": "http://www.hancom.co.kr/hwpml/2011/section",
    "hp": "http://www.hancom.co.kr/hwpml/2011/paragraph",
    "hh": "http://www.hancom.co.kr/hwpml/2011/head",
    "hc": "http://www.hancom.co.kr/hwpml/2011/core",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def make_hwpx(path: Path, blocks: Document | tuple[Paragraph | Table, ...] | list[Paragraph | Table]) -> Path:
    """Write blocks as an HWPX file at path (fills become borderFills with a winBrush) and return path."""
    if isinstance(blocks, Document):
        blocks = blocks.blocks
    fills: dict[str | None, int] = {None: 1}
    section = ET.Element(q("hs", "sec"))
    for block in blocks:
        section.append(paragraph_for(block, fills))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        package.writestr("version.xml", '<?xml version="1.0" encoding="UTF-8"?><hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" major="5" minor="1"/>')
        package.writestr("Contents/header.xml", ET.tostring(header(fills), encoding="utf-8", xml_declaration=True))
        package.writestr("Contents/section0.xml", ET.tostring(section, encoding="utf-8", xml_declaration=True))
    return path


def header(fills: dict[str | None, int]) -> ET.Element:
    head = ET.Element(q("hh", "head"), version="1.4", secCnt="1")
    ref = ET.SubElement(ET.SubElement(head, q("hh", "refList")), q("hh", "borderFills"), itemCnt=str(len(fills)))
    for colour, ident in fills.items():
        bf = ET.SubElement(ref, q("hh", "borderFill"), id=str(ident), threeD="0", shadow="0")
        brush = ET.SubElement(ET.SubElement(bf, q("hc", "fillBrush")), q("hc", "winBrush"))
        brush.set("faceColor", colour.upper() if colour else "none")
        brush.set("hatchColor", "#999999")
        brush.set("alpha", "0")
    return head


def paragraph_for(block: Paragraph | Table, fills: dict[str | None, int]) -> ET.Element:
    p = ET.Element(q("hp", "p"), id="0", paraPrIDRef="0", styleIDRef="0")
    run = ET.SubElement(p, q("hp", "run"), charPrIDRef="0")
    if isinstance(block, Paragraph):
        run.append(text_element(block.text))
    else:
        run.append(table_element(block, fills))
    return p


def text_element(text: str) -> ET.Element:
    """An hp:t with tabs as hp:tab children."""
    t = ET.Element(q("hp", "t"))
    pieces = text.split("\t")
    t.text = pieces[0]
    for piece in pieces[1:]:
        tab = ET.SubElement(t, q("hp", "tab"), width="4000", leader="0", type="1")
        tab.tail = piece
    return t


def table_element(table: Table, fills: dict[str | None, int]) -> ET.Element:
    tbl = ET.Element(q("hp", "tbl"), id="1", rowCnt=str(table.n_rows), colCnt=str(table.n_cols), borderFillIDRef="1")
    for r in range(table.n_rows):
        tr = ET.SubElement(tbl, q("hp", "tr"))
        for cell in sorted((c for c in table.cells if c.row == r), key=lambda c: c.col):
            fill_id = fills.setdefault(cell.fill, len(fills) + 1)
            tc = ET.SubElement(tr, q("hp", "tc"), header="0", borderFillIDRef=str(fill_id))
            sub = ET.SubElement(tc, q("hp", "subList"), vertAlign="CENTER")
            for block in cell.blocks or (Paragraph(""),):
                sub.append(paragraph_for(block, fills))
            ET.SubElement(tc, q("hp", "cellAddr"), colAddr=str(cell.col), rowAddr=str(cell.row))
            ET.SubElement(tc, q("hp", "cellSpan"), colSpan=str(cell.col_span), rowSpan=str(cell.row_span))
    return tbl
