"""What an item of a plan carries, read from its own text: amounts, periods, owners, declared counts, schedule tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.money import MoneyError, parse_money
from .lines import squeeze

# An amount as plans write it: `3,180백만원`, `57억원`, `2억9천만원`, `1.5억 원`, `450,590천원`.
AMOUNT = re.compile(r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?\s*(?:억\s*(?:\d[\d,]*\s*(?:천만|백만|만)?\s*)?원|십억\s*원|천만\s*원|백만\s*원|십만\s*원|만\s*원|천\s*원|원))")
PERIOD = re.compile(r"(?:['’‘]\s?\d{2}\s*[.．]\s*\d{1,2}|(?:19|20)\d{2}\s*[.．년]\s*\d{1,2}|\d{1,2}\s*월\s*[~∼\-–]"
                    r"|연중|[1-4]\s*/\s*4\s*분기|[1-4]\s*분기|상반기|하반기)")
OWNER_LABEL = r"주관\s*부서|담당\s*부서|소관\s*부서|추진\s*부서|협조\s*부서|주관\s*기관|협업\s*부서|주관|담당|소관"
OWNER = re.compile(rf"^(?:[-○ㅇ◦·▶*□]\s*)?[(<\[【]?\s*(?P<label>{OWNER_LABEL})\s*[)>\]】]?\s*[:：]?\s*(?P<value>\S.*)$")
OWNER_TAIL = re.compile(r"[(<\[]\s*(?P<label>주관|담당|소관)\s*[:：]?\s*(?P<value>[^()<>\[\]]+?)\s*[)>\]]\s*$")
DECLARED = re.compile(r"(?P<n>\d{1,3})\s*(?:대|개)\s*(?:세부\s*|핵심\s*|중점\s*|주요\s*)?(?P<word>[가-힣]{0,4}(?:목표|전략|과제|사업|방향|분야))")


@dataclass(frozen=True)
class Amount:
    """An amount found in text: as printed, and in 원."""

    raw: str
    won: int


def amounts(text: str) -> list[Amount]:
    """Every readable amount in a text, in order."""
    out = []
    for m in AMOUNT.finditer(text):
        raw = m.group(1).strip()
        try:
            won = parse_money(re.sub(r"\s+", "", raw)).won
        except MoneyError:
            continue
        if won:
            out.append(Amount(raw, won))
    return out


def title_amount(title: str) -> Amount | None:
    """The amount a title states in brackets (`… 구축(3,180백만원)`, `(신규 618백만원)`, `[57억원]`), else None."""
    for m in re.finditer(r"[(\[（［]([^()\[\]（）［］]*)[)\]）］]", title):
        found = amounts(m.group(1))
        if found:
            return found[0]
    return None


def has_period(text: str) -> bool:
    """True when a text names a date or period (`'25. 3.`, `2025. 3.`, `3월~`, `연중`, `2분기`, `하반기`)."""
    return PERIOD.search(text) is not None


def owner(text: str) -> tuple[str, str] | None:
    """(label, department) of a line naming who is responsible (`주관부서: 기획과`, `(담당) 정보화팀`, `… (주관: 기획과)`)."""
    s = text.strip()
    m = OWNER.match(s) or OWNER_TAIL.search(s)
    if not m:
        return None
    value = re.split(r"\s*[(☎/]|\s+(?:☎|전화|tel)", m.group("value").strip(), maxsplit=1)[0].strip(" ,/")
    person = PERSON.search(value)
    value = value[:person.start()].strip(" ,") if person else value
    return (squeeze(m.group("label")), value) if 1 < len(value) <= 40 else None


POSITIONS = "단장|부장|차장|책임|과장|팀장|주무관|사무관|서기관|실장|국장|처장|계장|주임|대리|사원|담당관|센터장|연구원|선임|수석"
# A person as plans print them next to an owner: `오은 단장(3800)` or `단장 오은(3800)`; the number is an office line.
PERSON = re.compile(rf"(?:(?P<name>[가-힣]{{2,4}})\s+(?P<pos>{POSITIONS})|(?P<pos2>{POSITIONS})\s+(?P<name2>[가-힣]{{2,4}}))\s*(?:[(（](?P<phone>[\d\-~☎ ]{{3,15}})[)）])?")


def people(text: str) -> list[dict[str, str]]:
    """Contacts printed as `이름 직위(내선)`: name (shown only when the site allows), position and office number."""
    out = []
    for m in PERSON.finditer(text):
        found = {"name": m.group("name") or m.group("name2"), "position": m.group("pos") or m.group("pos2"), "phone": (m.group("phone") or "").strip()}
        out.append({k: v for k, v in found.items() if v})
    return out


def declared_counts(text: str) -> list[tuple[int, str]]:
    """Counts a document declares for its levels: `4대 추진전략` → (4, 추진전략), `12개 세부 추진과제` → (12, 추진과제)."""
    return [(int(m.group("n")), m.group("word")) for m in DECLARED.finditer(text) if m.group("word")]


# Factors between the money units of the genre: a total that matches only after one of these is a unit slip.
SLIP_FACTORS = {100: "백만원을 억원으로(또는 반대로)", 1000: "천원을 백만원으로(또는 반대로)", 10: "천만원 자리", 100_000: "천원을 억원으로(또는 반대로)"}


def unit_slip(parent: int, children: int) -> str | None:
    """A likely unit slip when children add up to the parent only after a unit factor, else None."""
    for factor, what in SLIP_FACTORS.items():
        if children * factor == parent or parent * factor == children:
            return what
    return None
