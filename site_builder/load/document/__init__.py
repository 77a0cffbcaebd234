"""Reader of HWP 5.x, HWPX and plain-text plan documents: read_document(path) → Document, to_text(doc)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import olefile

from .hwp5 import read_hwp5
from .hwpx import read_hwpx
from .model import Cell, Document, DocumentError, Paragraph, Table
from .sniff import corrupt, decode_text, read_bytes, read_text_file, refuse, refuse_format, sniff
from .text import to_text

__all__ = ["Cell", "Document", "DocumentError", "Paragraph", "Table", "read_document", "read_text_file", "to_text"]

# What a damaged file makes the parsers raise; each becomes a DocumentError, never a traceback.
BROKEN = (ValueError, SyntaxError, IndexError, KeyError, EOFError, OSError, struct.error, zlib.error, zipfile.BadZipFile, RecursionError, NotImplementedError)


def read_document(path: Path) -> Document:
    """The Document of an HWP 5, HWPX or text file, detected by content; DocumentError when refused."""
    path = Path(path)
    data = read_bytes(path)
    kind = sniff(data[:1024])
    try:
        if kind == "ole":
            return _read_ole(path)
        if kind == "zip":
            return read_hwpx(path)
    except DocumentError:
        raise
    except BROKEN as exc:
        raise corrupt(path, _detail(exc)) from None
    if kind != "other":
        raise refuse_format(path, kind)
    if not data.strip():
        raise refuse(path, "빈 파일입니다", "내용이 있는 한글 문서(HWP 5/HWPX)나 텍스트 파일을 가져오세요.")
    text = decode_text(path, data)
    if path.suffix.lower() in (".hwp", ".hwpx"):  # a text file under a document's name is most likely a mix-up
        raise refuse(path, "확장자는 한글 문서이지만 내용은 텍스트 파일입니다", "텍스트라면 확장자를 .txt로 바꾸어 가져오세요.")
    return text_document(text)


def _read_ole(path: Path) -> Document:
    ole = olefile.OleFileIO(str(path))
    try:
        if not ole.exists("FileHeader"):
            raise refuse(path, "HWP 문서가 아닌 OLE 파일(예: 예전 Word·Excel 파일)입니다", "한글 문서(HWP 5/HWPX)나 텍스트 파일을 가져오세요.")
        return read_hwp5(path, ole)
    finally:
        ole.close()


def _detail(exc: BaseException) -> str:
    # Our own ValueErrors carry a short Korean detail; library messages are English and left out.
    text = str(exc)
    return text if any("가" <= ch <= "힣" for ch in text) else ""


def text_document(text: str) -> Document:
    """A plain text as a Document of one Paragraph per line."""
    return Document("text", tuple(Paragraph(line) for line in text.splitlines()))
