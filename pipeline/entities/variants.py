"""Spelling and inflection variants of gazetteer terms.

Dutch texts write the same word several ways: "50-plussers", "50plussers", "50 plussers";
"WW'ers" with a straight or a curly apostrophe; "Súdwest-Fryslân" without diacritics; and
singular or plural. spaCy's Dutch lookup lemmas do not undo plurals ("statushouders" stays
"statushouders"), so the plural of a singular term is generated here. Only *adding* endings is
safe: stripping them would turn "jongeren" into "jonger" and "ouderen" into "ouder".
"""

from __future__ import annotations

import unicodedata

APOSTROPHES = ("'", "\u2019")
VOWELS = set("aeiouy")


def name_variants(name: str) -> list[str]:
    """Variants of a proper name: diacritics dropped, hyphen as space, curly apostrophe."""
    variants = [name, _strip_accents(name)]
    if "-" in name:
        variants += [v.replace("-", " ") for v in list(variants)]
    variants += [v.replace("'", "\u2019") for v in list(variants) if "'" in v]
    return list(dict.fromkeys(v for v in variants if v.strip()))


def term_variants(term: str) -> list[str]:
    """Variants of a common noun or phrase (matched case-insensitively)."""
    term = " ".join(term.split())
    forms = [term]
    words = term.split(" ")
    if len(words) == 1:
        forms.append(plural(term))
    for form in list(forms):
        if "-" in form:
            forms += [form.replace("-", ""), form.replace("-", " ")]
    for form in list(forms):
        if "'" in form:
            forms += [form.replace("'", "\u2019"), form.replace("'", "")]
    return list(dict.fromkeys(f for f in forms if f))


def plural(word: str) -> str:
    """The plural of a singular noun where Dutch spelling makes it mechanical, else the word.

    Only the regular cases: -e takes -n (werkzoekende), -er/-el/-em/-je/-ie and a vowel take -s
    (werkgever, uitzendbureau). Anything else (bedrijf -> bedrijven) must be listed by hand.
    """
    lower = word.lower()
    if lower.endswith(("ers", "en", "s")):
        return word
    if lower.endswith("e"):
        return word + "n"
    if lower.endswith(("er", "el", "em", "je", "ie")) or lower[-1] in VOWELS:
        return word + "s"
    return word


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                if not unicodedata.combining(c)))
