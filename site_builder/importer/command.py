"""`site-builder import`: draft YAML from a plan document's text export, apply hand corrections, report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .overrides import OVERRIDES_FILE
from .report import report
from .stages import Imported, import_text
from .yamlout import dump

SCHEMAS = {"plan": "../../../schema/plan.schema.json", "project": "../../../../schema/project.schema.json",
           "org": "../../schema/organisation.schema.json"}


def configure(p: argparse.ArgumentParser) -> None:
    """Options of the import command."""
    p.add_argument("document", type=Path, help="계획 문서의 텍스트 파일")
    p.add_argument("--out", type=Path, required=True, help="초안을 쓸 폴더 (예: data/<기관>/<연도>/)")
    p.add_argument("--overrides", type=Path, default=None, help=f"손으로 고친 내용 파일 (기본: <out>/{OVERRIDES_FILE})")
    p.add_argument("--year", type=int, default=None, help="계획 연도 (기본: 폴더 이름 또는 문서에서 추정)")
    p.add_argument("--report", type=Path, default=None, help="보고서를 이 파일에도 씁니다")


def read_document(path: Path) -> str:
    """The document text (UTF-8, or CP949 as exported by older Korean office software)."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def run_import(args: argparse.Namespace) -> int:
    """Import one document into `--out` and print the report."""
    if not args.document.is_file():
        print(f"문서 파일이 없습니다: {args.document}", file=sys.stderr)
        return 1
    out: Path = args.out
    year = args.year or (int(out.name) if out.name.isdigit() else None)
    org_id = out.parent.name if out.name.isdigit() else out.name
    try:
        result = import_text(read_document(args.document), args.document.name, org_id, year, args.overrides or out / OVERRIDES_FILE)
    except ValueError as exc:
        print(f"고침 파일을 읽을 수 없습니다: {exc}", file=sys.stderr)
        return 1
    write_draft(result, out)
    text = report(result, args.document.name)
    print(text, end="")
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    return 0


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
