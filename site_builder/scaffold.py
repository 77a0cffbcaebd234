"""`site-builder new` (placeholder until scaffolding lands)."""

from __future__ import annotations

import argparse
import sys


def configure(p: argparse.ArgumentParser) -> None:
    """Options of the new command."""
    p.add_argument("kind", choices=["plan", "unit", "project"], help="만들 것")


def run_new(args: argparse.Namespace) -> int:
    """Not available yet."""
    print("틀 만들기 기능은 아직 준비 중입니다.", file=sys.stderr)
    return 1
