"""`site-builder purge "<글>"`: hide a text from the change history by adding its fingerprint to site.yaml.

Only the fingerprint (`publish/purge.py`) is written, as one line under `history_purge`, so the text is not committed
again; the rest of site.yaml (comments, order) is left as it is. git still holds the old versions: the command says
so, and the staff guide tells how to rewrite a public repository's history.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..base.problem import Problem
from ..check.validation import validate_file
from ..load.source import load_file
from ..model import PurgedText, SiteConfig
from ..publish.purge import MIN_LENGTH, fingerprint, normalise

_KEY = re.compile(r"^history_purge:[ \t]*(?P<rest>[^#\s][^#]*?)?[ \t]*(?:#.*)?$", re.MULTILINE)
_ITEM = re.compile(r"^(?P<indent>[ \t]*)- ")
_HEAD = "# 변경 이력에서 가릴 글의 지문 (site-builder purge가 더합니다; 글 자체는 적지 않습니다)\n"


def configure(p: argparse.ArgumentParser) -> None:
    """Options of `purge`."""
    p.add_argument("text", nargs="?", help="가릴 글 (생략하면 표준 입력에서 한 줄을 읽습니다: 셸 기록에 남기지 않으려면)")
    p.add_argument("--data", type=Path, default=Path("data"), help="데이터 폴더 (기본: data)")


def _entry_line(entry: PurgedText, indent: str) -> str:
    """One list item of `history_purge`."""
    return f"{indent}- {{sha256: {entry.sha256}, length: {entry.length}}}\n"


def with_entry(text: str, entry: PurgedText) -> str | None:
    """site.yaml's text with the entry added under `history_purge` (created at the end when absent); None if its layout is unknown."""
    key = _KEY.search(text)
    if key is None:
        return text + ("" if text.endswith("\n") or not text else "\n") + _HEAD + "history_purge:\n" + _entry_line(entry, "  ")
    rest = key["rest"]
    if rest is not None and rest.strip() != "[]":
        return None  # a flow list with entries: not rewritten by hand here
    line = "history_purge:\n" if rest is not None else text[key.start():key.end()] + "\n"  # an empty `[]` becomes a block list
    after = text[key.end() + 1:]
    item = _ITEM.match(after)
    return text[:key.start()] + line + _entry_line(entry, item["indent"] if item else "  ") + after


def _site(path: Path) -> tuple[SiteConfig | None, list[Problem]]:
    """site.yaml validated, or the problems with it."""
    source, problems = load_file(path, f"{path.parent.name}/{path.name}", "site")
    if source is None:
        return None, problems
    site, invalid = validate_file(source, SiteConfig)
    return (site, []) if not invalid else (None, invalid)


def _occurrences(data_dir: Path, normalised: str) -> list[str]:
    """`file:line` of every line of today's data that holds the text (history hides it; the pages would not)."""
    found = []
    for path in sorted(data_dir.rglob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if normalised in normalise(line):
                found.append(f"{data_dir.name}/{path.relative_to(data_dir).as_posix()}:{number}")
    return found


def _read(args: argparse.Namespace) -> str:
    """The text to purge: the argument, or one line of standard input."""
    if args.text is not None:
        return str(args.text)
    if sys.stdin.isatty():
        print("가릴 글을 입력하고 Enter를 누르세요:", file=sys.stderr)
    return sys.stdin.readline().rstrip("\r\n")


def run_purge(args: argparse.Namespace) -> int:
    """Add the text's fingerprint to `history_purge` of site.yaml and say what that does and does not do."""
    text = _read(args)
    code = _purge(args.data, text)
    if code == 0 and (lines := _occurrences(args.data, normalise(text))):
        print("지금 데이터에도 이 글이 있습니다. 변경 이력만 가리므로 아래 줄은 고쳐야 누리집에서 빠집니다:")
        print("\n".join(f"  {line}" for line in lines))
    return code


def _purge(data_dir: Path, text: str) -> int:
    """Add the fingerprint of `text` to site.yaml unless it is there already (exit code)."""
    entry = fingerprint(text)
    if entry is None:
        print(f"가릴 글이 너무 짧습니다: 띄어쓰기·문장부호를 빼고 {MIN_LENGTH}자 이상이어야 합니다.", file=sys.stderr)
        return 1
    path = data_dir / "site.yaml"
    site, problems = _site(path)
    if site is None:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        print(f"{path}를 읽지 못해 아무것도 바꾸지 않았습니다.", file=sys.stderr)
        return 1
    if entry in site.history_purge:
        print(f"이미 가리고 있는 글입니다 ({path}의 history_purge). 바꾼 것이 없습니다.")
        return 0
    return _write(path, entry)


def _write(path: Path, entry: PurgedText) -> int:
    """Write the entry into site.yaml, check the file still validates with it, and report."""
    before = path.read_text(encoding="utf-8")
    after = with_entry(before, entry)
    if after is None:
        print(f"{path}의 history_purge가 한 줄 목록([…])이라 고치지 못했습니다. 한 줄에 한 항목(- …)씩 적은 목록으로 바꾼 뒤 다시 실행하세요.",
              file=sys.stderr)
        return 1
    path.write_text(after, encoding="utf-8")
    site, problems = _site(path)
    if site is None or entry not in site.history_purge:
        path.write_text(before, encoding="utf-8")  # never leave a site.yaml the build would refuse
        print(f"{path}에 지문을 넣으면 파일이 올바르지 않게 되어 되돌렸습니다. history_purge 부분을 확인하세요.", file=sys.stderr)
        return 1
    _report(path, entry)
    return 0


def _report(path: Path, entry: PurgedText) -> None:
    """What was done, what it hides, and what it does not."""
    print(f"{path}의 history_purge에 지문을 더했습니다 (정규화한 글 {entry.length}자, SHA-256 {entry.sha256[:12]}…). 글 자체는 적지 않았습니다.")
    print("다음 빌드부터 변경 이력(사업 페이지 「변경 이력」, 최근 변경, feed.xml)에서 이 글이 든 제목·항목은 내용 없이 나옵니다.")
    print("주의: git 기록에는 옛 글이 그대로 남아 있습니다. 저장소가 공개되어 있으면 직원 안내서의 "
          "「git 기록에서도 지우기」(git filter-repo --replace-text)를 따르세요.")
