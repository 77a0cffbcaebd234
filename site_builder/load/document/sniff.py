"""Format detection by content (magic bytes) and the Korean refusal messages."""

from __future__ import annotations

import codecs
from pathlib import Path

from .model import DocumentError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HWP_OLD_MAGIC = b"HWP Document File V"  # HWP 3 and older: a flat file, not OLE
PDF_MAGIC = b"%PDF"
RESAVE = "한글에서 열어 HWP 5 또는 HWPX 형식으로 다시 저장한 뒤 가져오세요."


def sniff(head: bytes) -> str:
    """The format a file's first bytes show: "ole", "zip", "hwp3", "pdf" or "other"."""
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(HWP_OLD_MAGIC):
        return "hwp3"
    # A PDF header may follow a little junk; readers look in the first 1 KiB.
    if PDF_MAGIC in head[:1024]:
        return "pdf"
    return "other"


def refuse(path: Path, what: str, todo: str = RESAVE) -> DocumentError:
    """A DocumentError saying '<file>은(는) <what>. <todo>'."""
    return DocumentError(f"'{path.name}'은(는) {what}. {todo}".strip())


def corrupt(path: Path, detail: str = "") -> DocumentError:
    """The refusal for a damaged or truncated file."""
    why = f" ({detail})" if detail else ""
    return refuse(path, f"손상되었거나 잘린 파일이라 읽을 수 없습니다{why}", "원본 파일을 다시 받거나 한글에서 열어 다시 저장한 뒤 가져오세요.")


def refuse_format(path: Path, kind: str) -> DocumentError:
    """The refusal for a file of a kind we do not read (HWP 3, PDF, other binaries)."""
    if kind == "hwp3":
        return refuse(path, "한글 3.0 이전(HWP 3) 문서입니다")
    if kind == "pdf":
        return refuse(path, "PDF 파일입니다", "PDF는 아직 지원하지 않습니다. 원본 한글 문서(HWP/HWPX)나 텍스트로 내보낸 파일을 가져오세요.")
    return refuse(path, "HWP·HWPX 문서도 텍스트 파일도 아닌 이진 파일입니다", "한글 문서(HWP 5/HWPX)나 텍스트(.txt) 파일을 가져오세요.")


def decode_text(path: Path, data: bytes) -> str:
    """Text bytes decoded by BOM, then UTF-8, then CP949; refuses binaries and undecodable bytes."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise _undecodable(path) from None
    if b"\x00" in data:
        raise refuse_format(path, "binary")
    for encoding in ("utf-8", "cp949"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise refuse_format(path, "binary")
        return text
    raise _undecodable(path)


def _looks_binary(text: str) -> bool:
    # CP949 accepts many byte pairs, so a binary can decode; control characters give it away.
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > max(2, len(text) // 100)


def _undecodable(path: Path) -> DocumentError:
    return refuse(path, "UTF-8로도 CP949(EUC-KR)로도 읽히지 않는 텍스트 파일입니다", "메모장 등에서 UTF-8로 다시 저장한 뒤 가져오세요.")


def read_text_file(path: Path) -> str:
    """The text of a .txt export, decoded (see decode_text); refuses binaries by content."""
    data = read_bytes(path)
    kind = sniff(data[:1024])
    if kind != "other":
        raise refuse(path, "텍스트 파일이 아니라 문서 파일입니다" if kind in ("ole", "zip") else _kind_word(kind), "확장자를 확인하거나 문서 파일로 가져오세요.")
    return decode_text(path, data)


def _kind_word(kind: str) -> str:
    return {"hwp3": "한글 3.0 이전(HWP 3) 문서입니다", "pdf": "PDF 파일입니다"}.get(kind, "이진 파일입니다")


def read_bytes(path: Path) -> bytes:
    """The file's bytes; an unreadable path is refused with a Korean message."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"'{path.name}' 파일을 열 수 없습니다({exc.strerror or exc}). 경로와 권한을 확인하세요.") from None
