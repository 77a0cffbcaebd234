"""`site-builder new plan|unit|project`: commented Korean YAML skeletons with the next free id.

Every skeleton validates as written (the command checks it and takes the change back if not), so a
new page is one command and a few edits away. Ids are numbered from the existing data, never
derived from titles.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model import ID_PATTERN
from ..model.parts import MAX_ID_LENGTH
from ..pipeline.run import check


class ScaffoldError(Exception):
    """A request that cannot be scaffolded; the message is Korean and says what to do."""


@dataclass
class Created:
    """What a scaffold step wrote: the file, how to undo it, and what to edit next."""

    path: Path
    previous_text: str | None  # None: the file is new
    next_steps: list[str]
    made: list[Path] = field(default_factory=list)  # folders and files this step created besides `path`, removed on undo


def configure(p: argparse.ArgumentParser) -> None:
    """Options of the new command."""
    p.add_argument("kind", choices=["plan", "unit", "project"], help="만들 것: 계획(plan), 부서(unit), 사업(project)")
    p.add_argument("--plan", metavar="기관/연도", help="부서·사업을 넣을 계획 (예: jb-sswa/2024)")
    p.add_argument("--org", metavar="기관id", help="새 계획의 기관 (plan)")
    p.add_argument("--year", type=int, metavar="연도", help="새 계획의 연도 (plan; 생략하면 그 기관의 마지막 계획 다음 해)")
    p.add_argument("--unit", metavar="부서id", help="사업의 담당 부서 (project; 사업 id도 `<부서>-NN`으로 매깁니다)")
    p.add_argument("--group", metavar="묶음id", help="사업 묶음 (project; 부서가 없으면 id를 `<묶음>-N`으로 매깁니다)")
    p.add_argument("--strategy", metavar="전략id", help="연결할 전략 노드 (project)")
    p.add_argument("--id", dest="new_id", metavar="id", help="새 식별자 (생략하면 다음 빈 번호)")
    p.add_argument("--title", help="제목·이름 (생략하면 고칠 자리 표시)")


def next_id(existing: list[str], prefix: str, width: int = 2) -> str:
    """`<prefix><n>` with n one past the highest number in use, keeping the existing zero padding."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    numbers = [m.group(1) for e in existing if (m := pattern.fullmatch(e))]
    width = max((len(n) for n in numbers), default=width)
    candidate = max((int(n) for n in numbers), default=0) + 1
    while f"{prefix}{candidate:0{width}d}" in existing:
        candidate += 1
    return f"{prefix}{candidate:0{width}d}"


def _common_prefix(ids: list[str], default: str) -> str:
    """The most used letter prefix of numbered ids (`t01`, `t02` → `t`)."""
    prefixes = Counter(m.group(1) for i in ids if (m := re.fullmatch(r"([a-z_-]*?)\d+", i)))
    return prefixes.most_common(1)[0][0] if prefixes else default


def _check_id(value: str, what: str) -> str:
    """Reject ids the model would reject, in Korean."""
    if not re.fullmatch(ID_PATTERN, value):  # fullmatch: `$` alone would let a trailing line break through
        raise ScaffoldError(f"{what} `{value}`은(는) 식별자 형식이 아닙니다: 영문 소문자·숫자·`-`·`_` (예: p01)")
    if len(value) > MAX_ID_LENGTH:  # it names a folder or file: refused before anything is made
        raise ScaffoldError(f"{what}이(가) 너무 깁니다 ({len(value)}자): 주소와 파일 이름에 쓰이므로 {MAX_ID_LENGTH}자 이하로 줄여 주세요")
    return value


def _plan_dir(data: Path, plan: str | None) -> Path:
    """The folder of an existing plan named `<org>/<year>`."""
    if not plan or not re.fullmatch(rf"{ID_PATTERN.strip('^$')}/\d{{4}}", plan):  # never `..` or a path outside data/
        raise ScaffoldError("--plan 기관/연도 를 적어 주세요 (예: --plan jb-sswa/2024)")
    folder = data / plan
    if not (folder / "plan.yaml").exists():
        known = sorted(p.parent.relative_to(data).as_posix() for p in data.glob("*/*/plan.yaml"))
        raise ScaffoldError(f"계획 `{plan}`이(가) 없습니다. 있는 계획: {', '.join(known) or '없음'}")
    return folder


def _plan_data(folder: Path) -> dict[str, object]:
    """The plan.yaml mapping (plain YAML; it is validated again after the change)."""
    data = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _ids(items: object) -> list[str]:
    """The `id` values of a list of mappings."""
    return [str(i["id"]) for i in items if isinstance(i, dict) and "id" in i] if isinstance(items, list) else []


def _node_ids(nodes: object) -> list[str]:
    """Every strategy node id, depth first."""
    out: list[str] = []
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict):
            out += [str(node.get("id"))] + _node_ids(node.get("children"))
    return out


def _quote(text: str) -> str:
    """A YAML scalar on one line (quoted only when needed)."""
    return yaml.safe_dump(text, allow_unicode=True, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()


PROJECT_TEMPLATE = """\
# yaml-language-server: $schema=../../../../schema/project.schema.json
# 새 사업 틀입니다 (site-builder new project). `(… 입력하세요)` 자리를 원문 그대로 채우고,
# 쓰지 않는 항목은 지우세요. `#`로 시작하는 줄은 설명(주석)이라 누리집에 나오지 않습니다.
# 항목 설명: 누리집의 「데이터 형식 안내」 또는 schema/project.schema.json
# 다 고쳤으면:  site-builder validate  (검사)  →  site-builder serve  (미리 보기)
id: {id}  # 식별자 = 파일 이름. 주소(URL)에 쓰이니 정한 뒤에는 바꾸지 마세요.
title: {title}  # 원문 제목 그대로
# number: "1"  # 원문의 사업 번호
{unit}{group}{strategy}# continues: ["기관/연도/사업id"]  # 다른 해의 같은 사업 (id가 같으면 적지 않아도 이어집니다)
contacts:
  - {{role: 담당자, phone: "(전화 입력하세요)"}}  # 이름(name)은 사이트 설정이 허용할 때만 공개됩니다
overview:
  heading: 사업개요
  items:
    - {{label: 목적, kind: purpose, text: "(목적을 입력하세요)"}}
    - {{label: 사업기간, kind: period, text: "{year}. 1 ~ 12월"}}
    - {{label: 소요예산, kind: budget, text: 비예산}}  # 예: "12,000천원", "1,611.2백만원"
goals:
  heading: 사업목표
  body: |
    - (목표를 한 줄에 하나씩 입력하세요)
# 예산 내역: 있으면 아래 주석(#)을 풀고 원문 표 그대로 채우세요.
# budget:
#   unit_note: "(단위: 천원)"
#   lines:
#     - {{category: 운영비, item: 사무관리비, basis: "10천원×20부", amount: "200천원"}}
# 추진계획(월별 ■ 표시): marks는 ■가 있는 달 번호입니다.
# schedule:
#   year: {year}
#   rows:
#     - {{label: 계획 수립, marks: [1, 2]}}
# 성과지표: 목표치는 원문 글 그대로 (예: "80%", "2회").
# kpis:
#   - indicator: 이용자 만족도
#     unit: 점
#     targets:
#       - {{year: {year}, value: "80"}}
"""


def _new_project(args: argparse.Namespace) -> Created:
    """Write `projects/<next id>.yaml` in an existing plan."""
    folder = _plan_dir(args.data, args.plan)
    plan = _plan_data(folder)
    for value, known, what in ((args.unit, _ids(plan.get("units")), "부서"), (args.group, _ids(plan.get("project_groups")), "사업 묶음"),
                               (args.strategy, _node_ids(plan.get("strategy")), "전략 노드")):
        if value is not None and value not in known:
            raise ScaffoldError(f"{what} `{value}`이(가) {args.plan} 계획에 없습니다. 있는 {what}: {', '.join(known) or '없음 (plan.yaml에 먼저 추가)'}")
    existing = sorted(p.stem for p in (folder / "projects").glob("*.yaml"))
    prefix = f"{args.unit}-" if args.unit else f"{args.group}-" if args.group else "p"
    ident = _check_id(args.new_id, "id") if args.new_id is not None else next_id(existing, prefix, 1 if args.group and not args.unit else 2)
    path = folder / "projects" / f"{ident}.yaml"
    if path.exists():
        raise ScaffoldError(f"{path.as_posix()} 이(가) 이미 있습니다. 다른 --id를 쓰거나 생략하세요.")
    text = PROJECT_TEMPLATE.format(
        id=ident, title=_quote(args.title or "(제목을 입력하세요)"), year=plan.get("year", ""),
        unit=f"unit: {args.unit}  # 담당 부서 (plan.yaml의 units)\n" if args.unit else "# unit: 부서id  # 담당 부서 (plan.yaml의 units)\n",
        group=f"group: {args.group}  # 사업 묶음\n" if args.group else "",
        strategy=f"strategy: {args.strategy}  # 연결된 전략 노드\n" if args.strategy else "# strategy: 전략id  # 연결된 전략 노드 (plan.yaml의 strategy)\n",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return Created(path, None, [
        "title: 원문 제목 그대로" + (" (이미 적은 제목이면 확인만)" if args.title else ""),
        "overview: 목적·사업기간·소요예산 (원문 표기 그대로)",
        "goals 와 필요한 항목(예산 내역, 추진계획, 성과지표)의 주석(#)을 풀고 채우기",
        "strategy·unit 이 비어 있으면 연결할 전략·부서 id 적기",
    ])


def _unit_entry(ident: str, name: str, indent: str) -> str:
    """The lines of a new unit list item, indented like the plan's other list items."""
    pad = indent + "  "
    return (f"{indent}- id: {ident}  # 부서 식별자 (사업의 unit에 씁니다)\n"
            f"{pad}name: {_quote(name)}  # 원문의 부서 이름 그대로\n"
            f"{pad}# vision: 부서 비전\n"
            f"{pad}# contacts:\n"
            f"{pad}#   - {{role: 팀 장, phone: \"0000\"}}\n")


def insert_unit(text: str, ident: str, name: str) -> str:
    """Add a unit at the end of the top-level `units:` list, keeping every other line as it is."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if re.match(r"units:\s*(\[\s*\])?\s*(#.*)?$", ln)), None)
    style = "" if re.search(r"^[a-z_]+:[ \t]*\n- ", text, flags=re.MULTILINE) else "  "  # lists at column 0 or indented
    if start is None:
        return text + ("" if text.endswith("\n") else "\n") + "units:\n" + _unit_entry(ident, name, style)
    if "[" in lines[start]:
        lines[start] = "units:\n"
    end, last, indent = start + 1, start, None
    while end < len(lines):
        line = lines[end]
        if line.strip() and not line.startswith((" ", "#", "-")):
            break  # the next top-level key
        if line.strip() and not line.lstrip().startswith("#"):
            last = end
            if indent is None and line.lstrip().startswith("- "):
                indent = line[: len(line) - len(line.lstrip())]
        end += 1
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, _unit_entry(ident, name, style if indent is None else indent))
    return "".join(lines)


def _new_unit(args: argparse.Namespace) -> Created:
    """Add the next unit to an existing plan.yaml."""
    folder = _plan_dir(args.data, args.plan)
    units = _ids(_plan_data(folder).get("units"))
    ident = _check_id(args.new_id, "id") if args.new_id is not None else next_id(units, _common_prefix(units, "u"))
    if ident in units:
        raise ScaffoldError(f"부서 `{ident}`이(가) 이미 있습니다. 다른 --id를 쓰거나 생략하세요.")
    path = folder / "plan.yaml"
    before = path.read_text(encoding="utf-8")
    path.write_text(insert_unit(before, ident, args.title or "(부서 이름을 입력하세요)"), encoding="utf-8")
    return Created(path, before, [
        f"plan.yaml units 끝의 `{ident}`: name 을 원문 부서 이름으로",
        "필요하면 vision·contacts 주석(#)을 풀고 채우기",
        f"이 부서의 사업 만들기: site-builder new project --plan {args.plan} --unit {ident}",
    ])


PLAN_TEMPLATE = """\
# yaml-language-server: $schema=../../../schema/plan.schema.json
# 새 계획 틀입니다 (site-builder new plan). `(… 입력하세요)` 자리를 원문 그대로 채우세요.
# 항목 설명: 누리집의 「데이터 형식 안내」 또는 schema/plan.schema.json
# 원문 문서가 텍스트로 있으면 site-builder import 로 초안을 만들 수도 있습니다.
year: {year}  # 폴더 이름과 같아야 합니다
title: {title}  # 계획 이름 (원문 표지 그대로)
money_unit: {money_unit}  # 금액 표시 단위: 원, 천원, 만원, 백만원, 억원
# issued: "{year}. 1."  # 발행일 그대로
# source_documents:
#   - {{file: 원문파일.hwp, title: 원문 제목}}
levels:  # 전략 체계의 단계 (위에서 아래로){levels_note}
{levels}strategy: []  # 전략 체계: 예) - {{id: goal1, title: 전략목표 이름, children: [...]}}
units: []  # 부서: site-builder new unit --plan {org}/{year}
"""

ORG_TEMPLATE = """\
# yaml-language-server: $schema=../../schema/organisation.schema.json
# 새 기관 틀입니다 (site-builder new plan). 이름을 공식 명칭 그대로 고치세요.
id: {id}  # 기관 식별자 = 폴더 이름
name: {name}
# kind: 기초자치단체 부서
# homepage: https://
"""


def _previous_plan(org_dir: Path, year: int) -> dict[str, object]:
    """The latest earlier plan of the organisation (empty when there is none)."""
    years = sorted(int(p.parent.name) for p in org_dir.glob("*/plan.yaml") if p.parent.name.isdigit() and int(p.parent.name) < year)
    return _plan_data(org_dir / str(years[-1])) if years else {}


def _levels_yaml(previous: dict[str, object]) -> tuple[str, str]:
    """Level lines copied (names only) from the previous plan, or a two-level default."""
    levels = previous.get("levels")
    names = [str(lv["name"]) for lv in levels if isinstance(lv, dict) and "name" in lv] if isinstance(levels, list) else []
    note = f" — {previous.get('year')}년 계획에서 복사" if names else " — 원문에 맞게 고치세요"
    return "".join(f"  - name: {_quote(n)}\n" for n in names or ["전략목표", "추진과제"]), note


def _new_plan(args: argparse.Namespace) -> Created:
    """Write `<org>/<year>/plan.yaml` (and org.yaml for a new organisation)."""
    if not args.org:
        raise ScaffoldError("--org 기관id 를 적어 주세요 (예: --org jb-sswa)")
    org_dir = args.data / _check_id(args.org, "기관 id")
    years = sorted(int(p.parent.name) for p in org_dir.glob("*/plan.yaml") if p.parent.name.isdigit())
    year = args.year or (years[-1] + 1 if years else None)
    if year is None:
        raise ScaffoldError("새 기관이라 연도를 알 수 없습니다: --year 연도 를 적어 주세요 (예: --year 2025)")
    path = org_dir / str(year) / "plan.yaml"
    if path.exists():
        raise ScaffoldError(f"{path.as_posix()} 이(가) 이미 있습니다. 있는 연도: {', '.join(map(str, years))}")
    previous = _previous_plan(org_dir, year)
    levels, note = _levels_yaml(previous)
    steps = []
    made = [p for p in (org_dir, org_dir / str(year), org_dir / str(year) / "projects") if not p.exists()]
    if not (org_dir / "org.yaml").exists():
        made.append(org_dir / "org.yaml")
        org_dir.mkdir(parents=True, exist_ok=True)
        (org_dir / "org.yaml").write_text(ORG_TEMPLATE.format(id=args.org, name=_quote("(기관 이름을 입력하세요)")), encoding="utf-8")
        steps.append(f"{_shown(org_dir / 'org.yaml')}: name 을 공식 기관 이름으로")
    title = args.title or str(previous.get("title") or "(계획 이름을 입력하세요)")
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "projects").mkdir(exist_ok=True)
    path.write_text(PLAN_TEMPLATE.format(year=year, title=_quote(title), money_unit=previous.get("money_unit", "천원"),
                                         levels=levels, levels_note=note, org=args.org), encoding="utf-8")
    return Created(path, None, made=made, next_steps=steps + [
        "title·levels 를 원문에 맞게 (levels 는 전략 체계의 단계 이름)",
        f"부서 추가: site-builder new unit --plan {args.org}/{year}",
        f"사업 추가: site-builder new project --plan {args.org}/{year} --unit <부서id>",
    ])


def _undo(created: Created) -> None:
    """Take a scaffold step back (the data is left exactly as before, folders it made included)."""
    if created.previous_text is None:
        created.path.unlink(missing_ok=True)
    else:
        created.path.write_text(created.previous_text, encoding="utf-8")
    for path in sorted(created.made, key=lambda p: len(p.parts), reverse=True):  # files and inner folders first
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink(missing_ok=True)


def _shown(path: Path) -> str:
    """A path as staff see it (relative to the current directory when possible)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def run_new(args: argparse.Namespace) -> int:
    """Scaffold, validate the result (undoing it if it does not validate) and say what to edit next."""
    makers = {"plan": _new_plan, "unit": _new_unit, "project": _new_project}
    try:
        created = makers[args.kind](args)
    except ScaffoldError as exc:
        print(f"만들지 않았습니다: {exc}", file=sys.stderr)
        return 1
    checked = check(args.data)
    shown = created.path.relative_to(args.data.parent).as_posix()  # as the loader names it
    own = [p for p in checked.problems if p.file == shown]
    if own:
        _undo(created)
        for problem in own:
            print(problem.format(), file=sys.stderr)
        print("만든 틀이 검사를 통과하지 못해 되돌렸습니다 (위 오류를 알려 주세요).", file=sys.stderr)
        return 1
    print(f"{'고쳤습니다' if created.previous_text is not None else '만들었습니다'}: {_shown(created.path)}")
    print("다음으로 고칠 곳:")
    for n, step in enumerate(created.next_steps, 1):
        print(f"  {n}. {step}")
    print("고친 뒤 검사: site-builder validate    미리 보기: site-builder serve")
    if checked.problems:
        print(f"참고: 다른 파일에 오류 {len(checked.problems)}건이 있습니다 (site-builder validate 로 확인).", file=sys.stderr)
    return 0
