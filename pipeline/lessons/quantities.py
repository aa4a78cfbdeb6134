"""Figures in Dutch stories: value, unit, what they count, and whether they are achieved.

"Ruim 80 deelnemers vonden een baan", "een besparing van 1,2 miljoen euro", "70% stroomde
uit", "het doel is zeventig plaatsingen in 2025". A results table that adds up these figures
must read Dutch number formats (thousands with a dot, decimals with a comma, number words,
"miljoen"), and must never add a target to a result: "we willen 100 mensen plaatsen" is a
plan, not an outcome. :func:`find_quantities` returns every figure of a text with its parse;
``kind`` is ``result`` only where the sentence says it happened, ``target`` where it says it is
aimed at, and ``unclear`` otherwise (never counted as a result).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

UNITS = ("people", "euro", "percent", "places", "jobs")

_SMALL = {"nul": 0, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
          "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12,
          "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16, "zeventien": 17,
          "achttien": 18, "negentien": 19}
_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60,
         "zeventig": 70, "tachtig": 80, "negentig": 90}
_SCALES = {"miljoen": 1e6, "mln": 1e6, "mln.": 1e6, "miljard": 1e9, "mld": 1e9, "mld.": 1e9,
           "duizend": 1e3, "ton": 1e5}   # "3 ton": 300.000 euro

# words before a figure that make it approximate
_APPROX = r"(?:ruim|bijna|circa|ca\.|ongeveer|zo'n|zo’n|rond de|rond|tegen de|meer dan|" \
          r"minder dan|ten minste|tenminste|minimaal|maximaal|zeker|liefst|maar liefst)"
_DIGITS = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_WORD_NUMBER = r"[a-zéë]+"   # any word: _word_value decides whether it is a number
_SIMPLE_WORDS = "|".join(sorted([*_SMALL, *_TENS, "honderd", "duizend"], key=len, reverse=True))
_PATTERN = re.compile(
    rf"(?P<approx>\b{_APPROX}\s+)?"
    rf"(?P<cur1>€\s?|EUR\s|euro\s)?"
    rf"(?:tussen\s+)?(?<![\w\-.,])(?P<low>{_DIGITS}|{_WORD_NUMBER})(?![\w]|-\D|[.,]\d)"
    rf"(?:\s*(?:-|–|tot|à|en)\s*(?P<high>{_DIGITS}|(?:{_SIMPLE_WORDS}))(?![\w\-]))?"
    rf"(?:\s*(?P<scale>miljoen|mln\.?|miljard|mld\.?|duizend|ton)\b)?"
    rf"(?:\s*(?P<pct>%|procent\b))?"
    rf"(?:\s*(?P<cur2>euro\b))?",
    re.IGNORECASE)

_UNIT_NOUNS = [
    ("places", r"(?:stage|leerwerk|werk|opleidings|leer)?(?:plaatsen|plekken|plaats|plek)"),
    ("jobs", r"(?:banen|baan|arbeidsplaatsen|vacatures|functies|fte)"),
    ("people", r"(?:mensen|personen|deelnemers|kandidaten|werkzoekenden|jongeren|"
               r"statushouders|inwoners|cursisten|leerlingen|studenten|medewerkers|werknemers|"
               r"bijstandsgerechtigden|uitkeringsgerechtigden|ouderen|vijftigplussers|"
               r"50-plussers|vluchtelingen|nieuwkomers|ex-gedetineerden|wajongers|"
               r"\w+ers)"),
]
_COUNTS = [
    ("aan het werk", r"aan (?:het )?werk|aan de slag|een baan|betaald werk|werk gevonden|"
                     r"baan gevonden|(?:vonden|vond|kregen|kreeg)\b[^.;]{0,40}\bwerk\b"),
    ("uitstroom", r"uitstroom|uitgestroomd|stroomden uit|stroomde uit|uitstromen"),
    ("besparing", r"bespar\w*|bespaard"),
    ("plaatsingen", r"plaatsing\w*|geplaatst|plaatsten"),
    ("deelnemers", r"deelnemers|deelgenomen|namen deel|doen mee|deden mee|meegedaan"),
]
_TARGET = re.compile(
    r"\b(?:doel|doelen|doelstelling\w*|streef\w*|streven|ambitie\w*|beoog\w*|verwacht\w*|"
    r"willen|wil|moeten|moet|zullen|zal|gaan|gaat|hopen|hoopt|plan|planning|begroot|"
    r"moet worden|target|prognose|taakstelling)\b", re.IGNORECASE)
_RESULT = re.compile(
    r"\b(?:hebben|heeft|hadden|had|zijn|is|waren|was|werden|werd)\b[^.!?]{0,60}?\b"
    r"(?:ge\w+d|ge\w+t|ge\w+en|gevonden|geholpen|geplaatst|bespaard|gerealiseerd|behaald|"
    r"bereikt|uitgestroomd|begonnen|gestart)\b|\b(?:vonden|vond|kregen|kreeg|stroomden|"
    r"stroomde|realiseerden|behaalden|bereikten|leverde|leverden|plaatsten|plaatste|"
    r"bespaarde|bespaarden|deden|namen)\b|\b(?:resultaat|resultaten|opgeleverd|inmiddels|"
    r"afgelopen jaar|tot nu toe|tot nog toe|in totaal)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float
    high: float | None          # upper end of a range ("20 tot 30")
    approximate: bool
    unit: str | None            # people | euro | percent | places | jobs
    counts: str | None          # aan het werk | uitstroom | besparing | plaatsingen | deelnemers
    kind: str                   # result | target | unclear

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_number(text: str) -> float | None:
    """A Dutch number: "25.000", "1,2", "zeventig", "vijfentwintig", "tweehonderd"."""
    text = text.strip().lower()
    if re.fullmatch(_DIGITS, text):
        return float(text.replace(".", "").replace(",", "."))
    return _word_value(text)


def _word_value(word: str) -> float | None:
    if word in ("anderhalf",):
        return 1.5
    for scale, factor in (("duizend", 1000), ("honderd", 100)):
        if scale in word:
            head, _, tail = word.partition(scale)
            left = 1.0 if head in ("", "een", "één") else _word_value(head)
            right = 0.0 if tail == "" else _word_value(tail.removeprefix("en"))
            if left is None or right is None:
                return None
            return left * factor + right
    if word in _SMALL:
        return float(_SMALL[word])
    if word in _TENS:
        return float(_TENS[word])
    match = re.fullmatch(r"(een|twee|drie|vier|vijf|zes|zeven|acht|negen)[eë]n(\w+)", word)
    if match and match.group(2) in _TENS:       # vijfentwintig, drieënveertig
        return float(_SMALL[match.group(1)] + _TENS[match.group(2)])
    return None


def find_quantities(text: str) -> list[Quantity]:
    """Every figure in ``text`` with value, unit, what it counts and its kind."""
    found: list[Quantity] = []
    for match in _PATTERN.finditer(text):
        low = parse_number(match.group("low"))
        if low is None or _is_date_or_id(text, match):
            continue
        if match.group("low").isalpha() and not match.group("approx") and low == 1:
            continue                                  # the article "een", not the number one
        high = parse_number(match.group("high")) if match.group("high") else None
        if match.group("high") and high is None:
            continue
        factor = _SCALES.get((match.group("scale") or "").lower(), 1.0)
        sentence = _sentence(text, match.start(), match.end())
        after = text[match.end():match.end() + 60].lower()
        unit = _unit(match, after)
        if unit is None and match.group("low").isalpha() and not match.group("scale"):
            continue                                  # "drie keer", "twee kanten": no figure
        start = match.start() + len(match.group("approx") or "")
        found.append(Quantity(
            start=start, end=match.end(), text=text[start:match.end()].strip(),
            value=low * factor, high=None if high is None else high * factor,
            approximate=bool(match.group("approx")), unit=unit,
            counts=_counts(sentence), kind=_kind(sentence)))
    return found


def _is_date_or_id(text: str, match: re.Match[str]) -> bool:
    number = match.group("low")
    if match.group("pct") or match.group("cur1") or match.group("cur2") or match.group("scale"):
        return False
    if re.fullmatch(r"(19|20)\d{2}", number):                    # a year
        return True
    before = text[max(0, match.start() - 12):match.start()].lower()
    after = text[match.end():match.end() + 12].lower()
    months = r"(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|" \
             r"november|december)"
    return bool(re.match(rf"\s*{months}", after) or re.search(r"(artikel|nr\.?|nummer)\s*$",
                                                               before))


def _unit(match: re.Match[str], after: str) -> str | None:
    if match.group("pct"):
        return "percent"
    if match.group("cur1") or match.group("cur2") or after.startswith(("euro", " euro")) \
            or (match.group("scale") or "").lower() == "ton":
        return "euro"
    words = re.findall(r"\d[\d.,]*\d|[\w'’-]+", after)[:4]
    # "683 van de 1.146 deelnemers": the share takes the unit of the whole
    if len(words) >= 3 and words[0] == "van" and (re.fullmatch(_DIGITS, words[1]) or (
            words[1] == "de" and re.fullmatch(r"\d[\d.]*", words[2]))):
        words = words[2 if words[1] != "de" else 3:]
    for word in words[:3]:                 # the nearest noun decides ("100 mensen plaatsen")
        if re.fullmatch(r"\d[\d.,]*|jaar|jaren|maanden|maand|weken|week|dagen|dag|uur|"
                        r"keer|kwartier|procent", word) or parse_number(word) is not None:
            return None                    # "in drie jaar 240 werkzoekenden": no unit here
        for unit, pattern in _UNIT_NOUNS:
            if re.fullmatch(pattern, word):
                return unit
    return None


def _counts(sentence: str) -> str | None:
    lowered = sentence.lower()
    for name, pattern in _COUNTS:
        if re.search(pattern, lowered):
            return name
    return None


def _kind(sentence: str) -> str:
    if _TARGET.search(sentence):
        return "target"
    if _RESULT.search(sentence):
        return "result"
    return "unclear"


def _sentence(text: str, start: int, end: int) -> str:
    marks = (". ", "! ", "? ", "; ", "\n")
    left = max(text.rfind(mark, 0, start) for mark in marks)
    rights = [i for i in (text.find(mark, end) for mark in marks) if i >= 0]
    return text[left + 1:min(rights) if rights else len(text)]


def totals(quantities: list[Quantity]) -> dict[str, dict[str, float]]:
    """Sums per unit and what is counted, over achieved results only (targets and unclear
    figures are never added; percentages are never added)."""
    sums: dict[str, dict[str, float]] = {}
    for q in quantities:
        if q.kind != "result" or q.unit in (None, "percent"):
            continue
        key = q.counts or "overig"
        sums.setdefault(q.unit, {}).setdefault(key, 0.0)
        sums[q.unit][key] += q.value
    return sums
