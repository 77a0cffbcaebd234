"""Command line: `site-builder validate|build|assemble|serve|schema|import|new|purge` (Korean output, exit 1 on user errors)."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NoReturn

from ..base.problem import github_command
from ..model.schema import write_schemas
from ..pipeline.run import Checked, Paths, check, end_process_after_build

DESCRIPTION = "연간 업무계획 데이터(YAML)를 검사하고 정보공개 누리집으로 만듭니다."


def _root() -> Path:
    """The checkout the command works in (the current directory)."""
    return Path.cwd()


def _print_result(checked: Checked, fmt: str, show_findings: bool = True) -> None:
    """Print errors (and findings) in text or GitHub annotation format."""
    if fmt == "gitlab":
        print(json.dumps([p.code_quality() for p in checked.problems], ensure_ascii=False, indent=1))
        return
    for problem in checked.problems:
        print(problem.format_github() if fmt == "github" else problem.format(), file=sys.stdout if fmt == "github" else sys.stderr)
    if show_findings and fmt == "text":
        for finding in checked.findings:
            print(finding.format())
    if fmt == "github":
        for finding in checked.findings:
            if not finding.acknowledged:
                print(github_command("warning", finding.file, finding.line or 1, 1, f"[{finding.id}] {finding.message}"))


def _summary(checked: Checked) -> str:
    """One Korean summary line."""
    open_count = sum(1 for f in checked.findings if not f.acknowledged)
    if checked.problems:
        return f"오류 {len(checked.problems)}건: 위 목록을 고친 뒤 다시 실행하세요."
    plans = len(checked.portal.plans) if checked.portal else 0
    projects = sum(len(b.projects) for b in checked.portal.plans) if checked.portal else 0
    return f"이상 없음: 계획 {plans}건, 사업 {projects}건. 점검 결과 {len(checked.findings)}건 (미확인 {open_count}건)."


SITE_URL_NOTICE = ("site.yaml에 site_url(공개 주소, 예: https://기관.github.io/저장소/)이 없습니다. 공개하기 전에 적으세요: "
                   "없으면 하위 경로에 올린 누리집의 404 페이지 모양이 깨지고, sitemap.xml이 비고, 고정 주소에 도메인이 빠집니다.")


def _print_site_url_notice(checked: Checked, fmt: str, data: Path) -> None:
    """A warning (not an error: previews work without it) when the site does not say where it is published."""
    if checked.portal is None or checked.portal.site.site_url or fmt == "gitlab":
        return
    if fmt == "github":
        print(github_command("warning", f"{data.as_posix()}/site.yaml", 1, 1, SITE_URL_NOTICE))
    else:
        print(f"알림: {SITE_URL_NOTICE}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the data directory and list errors and findings."""
    checked = check(args.data, args.strict)
    _print_result(checked, args.format, not args.quiet)
    _print_site_url_notice(checked, args.format, args.data)
    to_stderr = checked.problems or args.format == "gitlab"  # gitlab: stdout is the JSON report alone
    print(_summary(checked), file=sys.stderr if to_stderr else sys.stdout)
    return 1 if checked.problems else 0


def _build_shard(args: argparse.Namespace, paths: Paths) -> Checked:
    """Build one shard (`--shard i/n` or `--only-org`): the pages of some organisations only."""
    from ..shards.shard import build_shard

    return build_shard(paths, args.site_dir, list(args.only_org or []), args.strict, args.shard, args.full, preview=args.preview)[0]


def cmd_build(args: argparse.Namespace) -> int:
    """Validate and build the site; the previous site stays if anything fails."""
    paths = Paths(_root(), args.data, args.build_dir)
    if args.preview and not (args.shard or args.only_org):
        print("오류: --preview 는 --only-org 또는 --shard 와 함께 씁니다 (미리 보기용 조각). (--preview needs --only-org or --shard.)", file=sys.stderr)
        return 2
    if args.shard or args.only_org:
        checked = _build_shard(args, paths)
    else:
        from ..shards.runner import build_site  # a large portal is built as shards in child processes

        checked, _ = build_site(paths, args.site_dir, args.strict, args.full)
    _print_result(checked, "text", show_findings=False)
    if checked.problems:
        print(f"오류 {len(checked.problems)}건: 사이트를 만들지 않았습니다 (이전 사이트는 그대로입니다).", file=sys.stderr)
        return 1
    _print_site_url_notice(checked, "text", args.data)
    print(_summary(checked))
    print("\n".join(checked.notes + [f"사이트를 만들었습니다: {args.site_dir}/"]))
    print("미리 보기: site-builder serve  (또는: python -m http.server -d site 8000 → http://127.0.0.1:8000/)")
    return 0


def cmd_assemble(args: argparse.Namespace) -> int:
    """Join shard sites (`build --shard`) into one site with one search index."""
    from ..shards.assembly import assemble

    checked, _ = assemble(Paths(_root(), args.data, args.build_dir), args.shards, args.site_dir)
    _print_result(checked, "text", show_findings=False)
    if checked.problems:
        print(f"오류 {len(checked.problems)}건: 누리집을 합치지 않았습니다 (이전 사이트는 그대로입니다).", file=sys.stderr)
        return 1
    print(f"조각 {len(args.shards)}개를 합쳤습니다: {args.site_dir}/")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Live preview: regenerate pages whenever data or content changes (`--only-org`: those organisations alone)."""
    from ..pipeline.preview import serve
    from ..shards.shard import data_plans

    orgs = sorted(set(args.only_org or []))
    unknown = sorted(set(orgs) - {key.split("/")[0] for key in data_plans(args.data)}) if args.data.is_dir() else orgs
    if unknown:
        print(f"{args.data}:1:1: 오류: 없는 기관입니다 (기대: data/ 아래 기관 식별자; 입력: {', '.join(unknown)})", file=sys.stderr)
        return 1
    build_dir = (args.build_dir or _root() / "build") / "preview" if orgs else args.build_dir  # never the whole site's pages and cache
    return serve(Paths(_root(), args.data, build_dir), args.address, orgs)


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schemas of the data files."""
    for path in write_schemas(args.out):
        print(f"썼습니다: {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Draft plan YAML from a text export of a plan document."""
    from ..importer.command import run_import

    return run_import(args)


def cmd_new(args: argparse.Namespace) -> int:
    """Scaffold a plan, unit or project with the next free id."""
    from .scaffold import run_new

    return run_new(args)


def cmd_purge(args: argparse.Namespace) -> int:
    """Hide a text from the change history (its fingerprint goes into site.yaml)."""
    from .purge import run_purge

    return run_purge(args)


def _add_data(parser: argparse.ArgumentParser) -> None:
    """The shared --data option."""
    parser.add_argument("--data", type=Path, default=Path("data"), help="데이터 폴더 (기본: data)")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="site-builder", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, metavar="명령")
    commands: list[tuple[str, Callable[[argparse.Namespace], int], str]] = [
        ("validate", cmd_validate, "데이터를 검사하고 오류와 점검 결과를 보여 줍니다"),
        ("build", cmd_build, "데이터를 검사하고 site/ 에 누리집을 만듭니다"),
        ("assemble", cmd_assemble, "조각(샤드)별로 만든 누리집을 하나로 합칩니다"),
        ("serve", cmd_serve, "데이터가 바뀌면 다시 만드는 미리 보기 서버를 띄웁니다"),
        ("schema", cmd_schema, "데이터 파일의 JSON Schema를 씁니다"),
        ("import", cmd_import, "계획 문서(텍스트)에서 YAML 초안을 만듭니다"),
        ("new", cmd_new, "새 계획·부서·사업의 YAML 틀을 만듭니다"),
        ("purge", cmd_purge, "글 하나를 변경 이력(사업 페이지, 최근 변경, feed.xml)에서 가립니다 (site.yaml에 지문만 적음)"),
    ]
    for name, func, help_text in commands:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        _configure(name, p)
    return parser


def _configure(name: str, p: argparse.ArgumentParser) -> None:
    """Options of one subcommand."""
    if name in ("validate", "build", "serve", "new", "assemble"):
        _add_data(p)
    if name in ("validate", "build"):
        p.add_argument("--strict", action="store_true", help="확인(acknowledged)되지 않은 점검 결과도 오류로 봅니다")
    if name == "validate":
        p.add_argument("--format", choices=["text", "github", "gitlab"], default="text",
                       help="출력 형식 (github: Actions 주석, gitlab: Code Quality 보고서 JSON)")
        p.add_argument("--quiet", action="store_true", help="점검 결과 목록을 생략합니다")
    if name == "build":
        p.add_argument("--site-dir", type=Path, default=Path("site"), help="누리집을 만들 폴더 (기본: site)")
        p.add_argument("--build-dir", type=Path, default=None, help="중간 Markdown을 쓸 폴더 (기본: build)")
        p.add_argument("--shard", metavar="I/N", help="N개 조각 중 I번째 조각만 만듭니다 (기관 단위, 예: 1/2); assemble로 합칩니다")
        p.add_argument("--only-org", action="append", metavar="기관", help="이 기관의 페이지만 조각으로 만듭니다 (여러 번 쓸 수 있음)")
        p.add_argument("--full", action="store_true", help="빌드 캐시를 쓰지 않고 모든 페이지를 다시 만듭니다 (기본: 바뀐 페이지만)")
        p.add_argument("--preview", action="store_true",
                       help="--only-org/--shard 조각을 미리 보기용으로만 만듭니다: 검색 색인과 조각 확인값이 없어 assemble로 합칠 수 없습니다 (serve가 씁니다)")
    if name == "assemble":
        p.add_argument("shards", type=Path, nargs="+", help="build --shard 로 만든 조각 폴더들")
        p.add_argument("--site-dir", type=Path, default=Path("site"), help="합친 누리집을 만들 폴더 (기본: site)")
        p.add_argument("--build-dir", type=Path, default=None, help="중간 Markdown을 쓸 폴더 (기본: build)")
    if name == "serve":
        p.add_argument("--address", default="127.0.0.1:8000", help="주소:포트 (기본: 127.0.0.1:8000)")
        p.add_argument("--build-dir", type=Path, default=None, help="중간 Markdown을 쓸 폴더 (기본: build)")
        p.add_argument("--only-org", action="append", metavar="기관",
                       help="이 기관만 미리 봅니다: 큰 누리집에서도 고친 내용이 바로 보입니다 (여러 번 쓸 수 있음; 중간 파일은 build/preview)")
    if name == "schema":
        p.add_argument("--out", type=Path, default=Path("schema"), help="쓸 폴더 (기본: schema)")
    if name == "import":
        from ..importer.command import configure

        configure(p)
    if name == "new":
        from .scaffold import configure as configure_new

        configure_new(p)
    if name == "purge":
        from .purge import configure as configure_purge

        configure_purge(p)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = make_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenProcessPool:  # a worker process was killed (most often: out of memory); nothing was published
        print("작업 프로세스가 중간에 종료되어 사이트를 만들지 못했습니다 (메모리 부족일 수 있습니다). 이전 사이트는 그대로입니다. "
              "SITE_BUILDER_JOBS=1 로 프로세스 수를 줄여 다시 실행해 보세요. (A worker process was killed, possibly out of memory.)",
              file=sys.stderr)
        return 1


def run() -> NoReturn:
    """The console script: `main`, then leave without tearing the heap down object by object."""
    if sys.argv[1:2] == ["build"]:  # a build is this process's whole life (not `serve`'s, which builds again and again)
        end_process_after_build()
    code = main()
    if sys.getprofile() or sys.gettrace():  # a profiler or tracer (cProfile, a debugger) writes its results after this returns
        raise SystemExit(code)
    # Freeing a 10,000-project portal's objects one by one at interpreter exit took ~1.1 s after the site was
    # published; nothing reads them again. Exit handlers still run and the standard streams are flushed (as mypy does).
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`): unread text is lost, as on any exit
            stream.flush()
    os._exit(code)
