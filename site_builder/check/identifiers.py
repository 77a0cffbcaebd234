"""Detectors of the personal-data gate: text is folded to one spelling, then each kind is found and checked.

Folding (`fold`) turns what people really type into one form: NFKC (full-width digits, ＠, ideographic space),
every dash and minus sign into `-`, middle dots into `.`, zero-width characters removed. It keeps the original
index of every folded character, so a hit is still reported (and acknowledged) as written.

What counts as a hit, per kind — each rule is there to keep the ordinary numbers of plans out:
- rrn (주민등록번호, and 외국인등록번호 with gender digits 5–8): 6 + 7 digits whose first 7 form a real birth date,
  not in the future. With a separator between the groups (any dash, dot, slash, underscore or spaces) that is
  enough: numbers issued since October 2020 carry no check digit, and the 6-7 shape is itself the signal.
  Run together (13 digits) the number must also pass the check digit or stand near 주민/등록번호/생년월일: a
  13-digit code passes as a birth date about one time in thirty, and the check digit too one time in three hundred.
  (So a post-2020 number written run together, without such a word, is not caught.)
- mobile: 01[016789] or 82 (with or without +) 10…, in any separator; office numbers (02-, 0xx-, 070-, 15xx-)
  never start so.
- email: a Latin or Hangul local part, `@` and a domain (IDN labels allowed); also ＠, spaces around `@`, [at],
  (at), ` at ` and [dot]/(dot). The loose spellings and Hangul local parts need a common top-level domain.
- passport: M/S/R/G/D + 8 digits, or the 2021 form M123A4567, only near 여권.
- account: 10–14 digits in up to four groups written right after (or before) a bank's name, not shaped like a
  phone number and not starting with a year.
- card: 14–19 digits with a card scheme's prefix passing the Luhn check, grouped 4-4-4-4 (4-6-5, …), or run
  together near 카드 (one random 16-digit code in twenty passes prefix and Luhn).
- licence (운전면허): region (11–28 or its name) + 2 + 6 + 2 digits, only near 면허.
- health (건강보험증): 11 digits not starting with 0 (a phone number), only near 건강보험.
A person's name next to a landline number is not detected: no rule tells it from an office contact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

Span = tuple[int, int]

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
# Minus signs are not dash punctuation (Pd) in Unicode; ㅡ is the Hangul vowel people type for a dash.
_DASHES = frozenset("\u2212\u2796\u3161\ufe63\uff0d")
_DOTS = frozenset("·・∙\u318d")  # ㆍ (araea) is the middle dot of Korean word processors
# ASCII and Hangul syllables are already in matching form: most texts need no copy at all.
_NEEDS_FOLD = re.compile(r"[^\x00-\x7f\uac00-\ud7a3]")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character in matching form ('' for a zero-width character)."""
    if ch in _ZERO_WIDTH:
        return ""
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))
    if ch in _DASHES or ch in _DOTS:  # checked before NFKC, which turns ㅡ and ㆍ into conjoining jamo
        return "-" if ch in _DASHES else "."
    folded = unicodedata.normalize("NFKC", ch)
    if any(c.isdecimal() for c in folded):
        return ch  # ① ² ⑴ are list marks and footnotes, not digits of a number
    if len(folded) == 1 and (folded in _DASHES or unicodedata.category(folded) == "Pd"):
        return "-"
    return "." if folded in _DOTS else folded


@dataclass(frozen=True)
class Folded:
    """A text in matching form, with the original index of every character (None: the text is unchanged)."""

    text: str
    origin: list[int] | None

    def original(self, start: int, end: int) -> Span:
        """The span of the original text that folded into text[start:end]."""
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """`text` in matching form (see the module note)."""
    if not _NEEDS_FOLD.search(text):
        return Folded(text, None)
    parts: list[str] = []
    origin: list[int] = []
    last = 0
    for m in _NEEDS_FOLD.finditer(text):
        at = m.start()
        parts.append(text[last:at])
        origin.extend(range(last, at))
        folded = _fold_char(text[at])
        parts.append(folded)
        origin.extend([at] * len(folded))
        last = at + 1
    parts.append(text[last:])
    origin.extend(range(last, len(text)))
    return Folded("".join(parts), origin)


# --- Shapes (on folded text) -------------------------------------------------------------------------------

# One separator between digit groups: a dash, dot, slash or underscore (spaces around it allowed), or spaces.
# Tabs are not: in documents they separate table cells, that is different values.
_SEP = r"(?: *[-./_] *| +)"
# Not a part of a longer chain of digit groups (a code such as 2024-900101-1234567-01).
_START = r"(?<![0-9])(?<![0-9][-.])"
_END = r"(?![0-9])(?![-.][0-9])"

_RRN = re.compile(rf"{_START}([0-9]{{6}})({_SEP})?([1-8][0-9]{{6}}){_END}")
_RRN_WORDS = re.compile(r"주민|등록번호|생년월일")
# An opening parenthesis belongs to the number only when it closes after the prefix: (010)1234-5678.
_MOBILE = re.compile(
    rf"(?<![0-9+])(?<![0-9][,.])(?:\+ ?82{_SEP}?(?:\(0\) ?|0)?|82{_SEP}(?:\(0\) ?|0)?|\(0(?=1[016789]\))|0)"
    rf"1[016789]\)?{_SEP}?[0-9]{{3,4}}{_SEP}?[0-9]{{4}}(?![0-9])"
)
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[MSRGD][ -]?(?:[0-9]{8}|[0-9]{3}[A-Z][0-9]{4})(?![A-Za-z0-9])", re.IGNORECASE)
_PASSPORT_WORDS = re.compile("여권")
_CARD = re.compile(rf"{_START}(?:[0-9]{{4}}(?P<s>[- ]?)[0-9]{{4}}(?P=s)[0-9]{{4}}(?P=s)[0-9]{{2,4}}(?:(?P=s)[0-9]{{3}})?"
                   rf"|[0-9]{{4}}(?P<t>[- ]?)[0-9]{{6}}(?P=t)[0-9]{{4,5}}|[0-9]{{14,19}}){_END}")
_CARD_WORDS = re.compile("카드|card", re.IGNORECASE)
_REGIONS = "서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|세종"
_LICENCE = re.compile(rf"{_START}(?:1[1-9]|2[0-8]|(?:{_REGIONS}) ?){_SEP}?[0-9]{{2}}{_SEP}?[0-9]{{6}}{_SEP}?[0-9]{{2}}{_END}")
_LICENCE_WORDS = re.compile("면허")
# Numbers of variable grouping (accounts, health-insurance numbers) take dashes, dots or underscores, not bare
# spaces: a space may as well end the number ("국민 123-456-789012 2024년").
_JOIN = r"(?: ?[-._] ?)"
_HEALTH = re.compile(rf"{_START}[1-9](?:{_JOIN}?[0-9]){{10}}{_END}")
_HEALTH_WORDS = re.compile("건강보험")

# Banks by the names people write before an account: the short names of the large banks, any "…은행" or "…뱅크".
_BANK = r"(?:(?:KB|NH|IBK|SC)? ?(?:국민|신한|우리|하나|농협|기업|제일|씨티|우체국|새마을금고|신협|수협|산림조합)|[가-힣A-Z]{1,8}(?:은행|뱅크))"
_ACCOUNT_DIGITS = rf"{_START}[0-9](?:{_JOIN}?[0-9]){{9,13}}{_END}"
_ACCOUNT = re.compile(rf"{_BANK}(?:은행)? ?(?:계좌(?:번호)?)? ?[:(]? ?(?P<number>{_ACCOUNT_DIGITS})|(?P<after>{_ACCOUNT_DIGITS}) ?\(?{_BANK}")
_YEAR_FIRST = re.compile(r"(?:19|20)[0-9]{2}(?![0-9])")  # 사업번호 2024-001-0001 and the like

_AT = r"(?P<at> *@ *| *[\[(] *at *[\])] *| +at +)"
_DOT = r"(?:\.| *[\[(] *dot *[\])] *| +dot +)"
_LABEL = r"[A-Za-z0-9가-힣](?:[A-Za-z0-9가-힣-]{0,61}[A-Za-z0-9가-힣])?"
_EMAIL = re.compile(
    rf"(?:(?<![A-Za-z0-9._%+-])(?P<latin>[A-Za-z0-9._%+-]+)|(?<![가-힣])(?P<hangul>[가-힣][가-힣0-9._-]*))"
    rf"{_AT}(?P<domain>(?:{_LABEL}{_DOT})+(?:[A-Za-z]{{2,24}}|xn--[A-Za-z0-9-]{{2,59}}|한국))(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
_DOT_WORD = re.compile(_DOT, re.IGNORECASE)
_HANGUL = re.compile("[가-힣]")
# Top-level domains of real mailboxes: required of the loose spellings, which ordinary text could form by chance.
_MAIL_TLDS = {"com", "net", "org", "kr", "edu", "info", "biz", "io", "me", "co", "한국", "xn--3e0b707e"}
_PUBLIC_SUFFIXES = (".go.kr",)


# --- Checks ------------------------------------------------------------------------------------------------

def _birth_date_ok(digits: str) -> bool:
    """The first 7 digits of a resident number form a real birth date that is not in the future."""
    century = {"1": 1900, "2": 1900, "5": 1900, "6": 1900}.get(digits[6], 2000)
    try:
        born = date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return born <= date.today()


def rrn_check_digit_ok(digits: str) -> bool:
    """The 13th digit of a resident number issued before October 2020 is a weighted sum of the first 12."""
    total = sum(int(d) * w for d, w in zip(digits[:12], (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), strict=True))
    return (11 - total % 11) % 10 == int(digits[12])


def luhn_ok(digits: str) -> bool:
    """The Luhn check every payment card number passes."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _card_prefix_ok(digits: str) -> bool:
    """Visa, Mastercard, Amex, JCB, Diners, Discover, UnionPay or Korean domestic card by its first digits and length."""
    head = int(digits[:4])
    if digits[0] in "456" or 3000 <= head < 3100 or 3400 <= head < 4000:
        return len(digits) >= 15 or digits[:2] in ("30", "36", "38", "39")
    if digits[0] == "9":
        return len(digits) == 16  # cards issued for use in Korea only
    return 2221 <= head <= 2720 and len(digits) == 16


def _digits(text: str) -> str:
    """The digits of a matched number, without its separators."""
    return "".join(ch for ch in text if ch.isdigit())


def _near(text: str, span: Span, words: re.Pattern[str], before: int = 30, after: int = 20) -> bool:
    """Whether a context word stands within `before` characters before or `after` characters after the span."""
    return bool(words.search(text, max(0, span[0] - before), span[0]) or words.search(text, span[1], span[1] + after))


# --- Finders: each yields the spans of one kind in folded text ----------------------------------------------

def _rrn(text: str) -> Iterator[Span]:
    for m in _RRN.finditer(text):
        digits = m.group(1) + m.group(3)
        if not _birth_date_ok(digits):
            continue
        if m.group(2) or rrn_check_digit_ok(digits) or _near(text, m.span(), _RRN_WORDS):
            yield m.span()


def _mobile(text: str) -> Iterator[Span]:
    return (m.span() for m in _MOBILE.finditer(text))


def _passport(text: str) -> Iterator[Span]:
    return (m.span() for m in _PASSPORT.finditer(text) if _near(text, m.span(), _PASSPORT_WORDS))


def _card(text: str) -> Iterator[Span]:
    for m in _CARD.finditer(text):
        digits = _digits(m.group(0))
        if not (14 <= len(digits) <= 19 and _card_prefix_ok(digits) and luhn_ok(digits)):
            continue
        if len(digits) < len(m.group(0)) or _near(text, m.span(), _CARD_WORDS):
            yield m.span()  # run together, one long code in twenty would pass: it needs the word 카드


def _licence(text: str) -> Iterator[Span]:
    return (m.span() for m in _LICENCE.finditer(text) if _near(text, m.span(), _LICENCE_WORDS))


def _groups(number: str) -> int:
    """How many digit groups a matched number is written in."""
    return len(re.findall("[0-9]+", number))


def _health(text: str) -> Iterator[Span]:
    for m in _HEALTH.finditer(text):
        if _groups(m.group(0)) <= 3 and _near(text, m.span(), _HEALTH_WORDS):
            yield m.span()


def _account(text: str) -> Iterator[Span]:
    for m in _ACCOUNT.finditer(text):
        group = "number" if m.group("number") else "after"
        number = m.group(group)
        phone = number.startswith("0") and len(_digits(number)) <= 11  # 02-2100-1234 after 농협중앙회
        if not phone and _groups(number) <= 4 and not _YEAR_FIRST.match(number):
            yield m.span(group)


def _email(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    for m in _EMAIL.finditer(text):
        domain = _DOT_WORD.sub(".", m.group("domain")).lower()
        loose = m.group("at") != "@" or bool(m.group("hangul")) or domain != m.group("domain").lower() or bool(_HANGUL.search(domain))
        if loose and domain.rsplit(".", 1)[-1] not in _MAIL_TLDS:
            continue
        if email_is_personal(domain, allowed):
            yield m.span()


def email_is_personal(domain: str, allowed: frozenset[str] | set[str]) -> bool:
    """An address is institutional on `*.go.kr` or a listed domain (or its subdomains); anything else is personal."""
    names = {domain.lower()}
    with suppress(UnicodeError):  # not a valid IDN: compared as written only
        names.add(domain.encode("idna").decode("ascii").lower())
    if any(name.endswith(_PUBLIC_SUFFIXES) for name in names):
        return False
    return not any(name == d or name.endswith("." + d) for name in names for d in allowed)


# Most specific first: where two kinds claim the same characters, the earlier one is reported.
_FINDERS: list[tuple[str, Callable[[str], Iterator[Span]]]] = [
    ("rrn", _rrn), ("card", _card), ("licence", _licence), ("health", _health), ("account", _account),
    ("mobile", _mobile), ("passport", _passport),
]


def find_identifiers(text: str, allowed_domains: frozenset[str]) -> list[tuple[str, Span]]:
    """Every personal identifier in folded `text`, as (kind, span), without overlaps, in text order."""
    found = [("email", span) for span in _email(text, allowed_domains)]
    for kind, finder in _FINDERS:
        for span in finder(text):
            if not any(span[0] < end and start < span[1] for _, (start, end) in found):
                found.append((kind, span))
    return sorted(found, key=lambda hit: hit[1])


# A cheap first look over raw text, before any folding: each finder's hit needs one of these hints.
# Numbers: ten digits (the fewest any digit kind has) with at most a few separators, brackets or zero-width
# characters between them; commas, colons and tildes end the run (amounts, times and date ranges).
_DIGITS_HINT = re.compile(r"\d(?:(?:[^\w\n\x00,:~]|[_ㅡㆍ]){0,6}\d){9}")
_AT_HINT = re.compile(r"[@＠﹫]|[\[(［（\s]\s*[aａ][tｔ]\s*[\])］）\s]", re.IGNORECASE)
_PASSPORT_HINT = re.compile(r"여[^\w\n\x00]{0,3}권")  # the word passports need, zero-width characters and all


def may_hold_identifiers(text: str) -> bool:
    """Whether `text` could hold any identifier at all (true for every text a finder reports on)."""
    return bool(_DIGITS_HINT.search(text) or _AT_HINT.search(text) or _PASSPORT_HINT.search(text))
