"""`site-builder import`: draft YAML from a plan document (HWP, HWPX or text export), apply hand corrections, report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from ..base.problem import shield_commands
from ..load.document import DocumentError, read_document, to_text
from .overrides import OVERRIDES_FILE
from .report import report
from .sanitise import TooLarge
from .stages import Imported, import_text
from .yamlout import dump

SCHEMAS = {"plan": "../../../schema/plan.schema.json", "project": "../../../../schema/project.schema.json",
           "org": "../../schema/organisation.schema.json"}


def configure(p: argparse.ArgumentParser) -> None:
    """Options of the import command."""
    p.add_argument("document", type=Path, help="계획 문서: 한글 파일(.hwp, HWP 5.x), .hwpx 또는 텍스트로 내보낸 파일(UTF-8·CP949)")
    p.add_argument("--out", type=Path, required=True, help="초안을 쓸 폴더 (예: data/<기관>/<연도>/)")
    p.add_argument("--overrides", type=Path, default=None, help=f"손으로 고친 내용 파일 (기본: <out>/{OVERRIDES_FILE})")
    p.add_argument("--year", type=int, default=None, help="계획 연도 (기본: 폴더 이름 또는 문서에서 추정)")
    p.add_argument("--report", type=Path, default=None, help="보고서를 이 파일에도 씁니다")
    p.add_argument("--force", action="store_true", help=f"{OVERRIDES_FILE} 없이 이미 있는 plan.yaml을 덮어씁니다")
    p.add_argument("--text-out", type=Path, default=None, help="문서를 펼친 텍스트(초안의 `원문 줄` 번호가 가리키는 줄)를 이 파일에 씁니다")


def site_privacy(data_dir: Path) -> tuple[frozenset[str], frozenset[str]]:
    """The site's institutional e-mail domains and acknowledged values (`site.yaml`), empty when there is none."""
    site = data_dir / "site.yaml"
    try:
        loaded = yaml.safe_load(site.read_text(encoding="utf-8")) if site.is_file() else None
    except yaml.YAMLError:
        return frozenset(), frozenset()
    if not isinstance(loaded, dict):
        return frozenset(), frozenset()
    return frozenset(loaded.get("email_domains") or []), frozenset(loaded.get("acknowledged_personal_data") or [])


def document_text(path: Path) -> str:
    """The document as the importer reads it: HWP/HWPX paragraphs and table rows as lines, or the text file's lines."""
    return to_text(read_document(path))


def run_import(args: argparse.Namespace) -> int:
    """Import one document into `--out` and print the report."""
    out: Path = args.out
    overrides = args.overrides or out / OVERRIDES_FILE
    refusal = _refusal(args, overrides)
    if refusal:
        print(f"가져오지 않았습니다 (아무 파일도 쓰지 않음): {refusal}", file=sys.stderr)
        return 1
    year = args.year or (int(out.name) if out.name.isdigit() else None)
    org_id = out.parent.name if out.name.isdigit() else out.name
    try:
        text = document_text(args.document)
        result = import_text(text, args.document.name, org_id, year, overrides, site_privacy(out.parent.parent))
    except (DocumentError, TooLarge) as exc:
        print(f"가져오지 않았습니다 (아무 파일도 쓰지 않음): {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"고침 파일을 읽을 수 없습니다 (아무 파일도 쓰지 않음): {exc}", file=sys.stderr)
        return 1
    write_draft(result, out)
    if args.text_out:
        _write(args.text_out, text)
    _print_report(result, args)
    return 0


def _refusal(args: argparse.Namespace, overrides: Path) -> str | None:
    """Why the import must not start (a missing document, a plan it would overwrite), else None."""
    if not args.document.is_file():
        return f"문서 파일이 없습니다: {args.document}"
    if (args.out / "plan.yaml").is_file() and not overrides.is_file() and not args.force:
        return (f"{args.out / 'plan.yaml'}이(가) 이미 있습니다. 손으로 고친 내용이 있다면 {OVERRIDES_FILE}에 옮긴 뒤 다시 가져오고, "
                "그대로 덮어쓰려면 --force를 붙이세요.")
    return None


def _print_report(result: Imported, args: argparse.Namespace) -> None:
    """The Korean report on standard output and, with `--report`, in a file."""
    text = report(result, args.document.name)
    print(shield_commands(text), end="")  # the report quotes the document's own lines
    if args.report:
        args.report.write_text(text, encoding="utf-8")


def write_draft(result: Imported, out: Path) -> list[Path]:
    """plan.yaml, projects/<id>.yaml and (when missing) ../org.yaml; stale project files are reported, not deleted."""
    (out / "projects").mkdir(parents=True, exist_ok=True)
    written = [_write(out / "plan.yaml", dump(result.plan, SCHEMAS["plan"]))]
    for pid, project in result.projects.items():
        written.append(_write(out / "projects" / f"{pid}.yaml", dump(project, SCHEMAS["project"])))
    org_file = out.parent / "org.yaml"
    if not org_file.exists():
        written.append(_write(org_file, dump(result.org, SCHEMAS["org"])))
    stale = sorted(p.name for p in (out / "projects").glob("*.yaml") if p.stem not in result.projects)
    if stale:
        print("초안에 없는 사업 파일이 남아 있습니다 (확인 후 지우세요): " + ", ".join(stale), file=sys.stderr)
    return written


def _write(path: Path, text: str) -> Path:
    """Write one file (UTF-8, LF)."""
    path.write_text(text, encoding="utf-8", newline="\n")
    return path
