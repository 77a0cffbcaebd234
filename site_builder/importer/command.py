"""`site-builder import` (placeholder until the importer lands)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def configure(p: argparse.ArgumentParser) -> None:
    """Options of the import command."""
    p.add_argument("document", type=Path, help="계획 문서의 텍스트 파일")
    p.add_argument("--out", type=Path, required=True, help="초안을 쓸 폴더 (예: data/<기관>/<연도>/)")


def run_import(args: argparse.Namespace) -> int:
    """Not available yet."""
    print("가져오기 기능은 아직 준비 중입니다.", file=sys.stderr)
    return 1
