"""Keeping people out of the organisations the detector finds.

A capitalised run is a person's name when a title or a function stands before it
("wethouder", "projectleider"), a verb of saying next to it ("zegt", "vertelt"), an age or an
organisation in brackets after it, a title after a comma, when its last word recurs on its own
later ("Janet Vos ... Vos"), or when it starts with a first name (``voornamen.txt``). None of
this holds for a run that reads as an organisation (:func:`org_like`).
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Span

from .cues import (
    ACRONYM,
    CONNECTORS,
    HEAD_SUFFIXES,
    NAME_TAILS,
    ORG_NOUN_ENDINGS,
    PERSON_TITLES,
    ROLE_NOUNS,
    SPEECH,
    STRONG_SUFFIXES,
    word_before,
)


def split_people(run: Span, first_names: frozenset[str] = frozenset()) -> list[Span]:
    """'Anton Mullie van Bouwmensen': two capitalised words and "van" start a person's name
    and the organisation he is from, unless the words before "van" name an organisation
    ("Universiteit van Amsterdam", "Centrum voor Vakmanschap") or "van" follows a first name
    ("Tamara van Ark": a surname)."""
    for k, token in enumerate(run):
        if token.lower_ in {"van", "aan", "bij"} and k >= 2 and k + 1 < len(run) \
                and run[k - 1].text not in first_names:
            head = run[:k]
            if not any(t.lower_.endswith(HEAD_SUFFIXES) or ACRONYM.match(t.text)
                       or t.text in NAME_TAILS for t in head):
                return [head, run[k + 1:]]
    return [run]


def person_or_role_before(doc: Doc, index: int) -> bool:
    """The word(s) before "van": a role ("loopbaancoaches van X") or a two-word name."""
    if index <= 0:
        return False
    last = doc[index - 1]
    if last.is_lower and ROLE_NOUNS.search(last.lower_):
        return True
    return index >= 2 and last.is_title and doc[index - 2].is_title \
        and not doc[index - 2].is_sent_start


def in_brackets_after_person(doc: Doc, run: Span, first_names: frozenset[str]) -> bool:
    """'Ageeth Offringa (Dispo Medical, Hattem)', 'Bart van der Sterren (Tiem Zwolle)'."""
    i = run.start - 1
    if i < 2 or doc[i].text != "(" or not doc[i - 1].is_title:
        return False
    return any(t.text in first_names for t in doc[max(0, i - 5):i - 1]) \
        or (doc[i - 2].is_title and not doc[i - 2].is_sent_start)


def person_words(doc: Doc, runs: list[Span], first_names: frozenset[str]
                  ) -> tuple[set[str], set[str]]:
    """The words of every run seen as a person's name; later mentions by surname follow.
    A run that starts with a first name (voornamen.txt) and has no organisation word in it
    is a person ("Henk Velthuis", "Janet"): a weaker sign than a title or a verb of saying,
    so it returns (strong, by first name only)."""
    words: set[str] = set()
    named: set[str] = set()
    for run in runs:
        first = next((k for k, t in enumerate(run) if t.text in first_names
                      and k + 1 < len(run)), None)
        if first is not None and len(run) - first <= 5 and not any(
                t.lower_.endswith(STRONG_SUFFIXES) or t.text in NAME_TAILS
                for t in run[first + 1:]):
            # "Staatssecretaris Tamara van Ark": from the first name on, a person
            named.update(t.text for t in run[first:] if t.lower_ not in CONNECTORS)
        if len(run) == 1 and run[0].text in first_names:
            named.add(run[0].text)
        before = word_before(doc, run.start)
        after = doc[run.end] if run.end < len(doc) else None
        after2 = doc[run.end + 1] if run.end + 1 < len(doc) else None
        titled = before is not None and before.lower_ in PERSON_TITLES
        speaking = (after is not None and after.lower_ in SPEECH) or \
            (after is not None and after.text == "," and after2 is not None
             and after2.lower_ in SPEECH) or \
            (before is not None and before.lower_ in SPEECH)
        aged = after is not None and after.text == "(" and after2 is not None \
            and after2.text.isdigit()
        described = after is not None and after.text == "," and after2 is not None \
            and after2.lower_ in PERSON_TITLES      # "Jurriën Koops, directeur van de ABU"
        introduced = len(run) >= 2 and after is not None and after.text == "(" \
            and after2 is not None and (after2.is_title or after2.is_upper)
        if (titled or speaking or aged or introduced or described) and not org_like(run):
            words.update(t.text for t in run if t.lower_ not in CONNECTORS)
    # "Janet Vos ... Vos legt uit": a two-word name whose last word recurs on its own
    singles = Counter(run.text for run in runs if len(run) == 1)
    for run in runs:
        if len(run) == 2 and singles[run[-1].text] and run[0].text[0].isupper() \
                and not org_like(run):
            words.update(t.text for t in run)
    return words, named - words


def org_like(run: Span) -> bool:
    """Words no person's name has: a head noun ("Zorgacademie"), an organisation tail
    ("Werkt", "Groep"), an acronym, a kind ("VVT-organisaties"), or a capitalised adjective
    ("Regionale")."""
    endings = tuple(e for e in ORG_NOUN_ENDINGS if e != "huis")   # Velthuis, Kamphuis
    if len(run) == 1 and run[0].lower_.endswith("huis"):              # "Ondernemershuis"
        return True
    if any(t.lower_ in {"op", "voor", "aan", "en", "in", "het", "'s", "’s"} for t in run):
        return True                       # "Perspectief op Werk": no person's name
    return any(t.lower_.endswith(STRONG_SUFFIXES + endings + ("organisaties",))
               or t.text in NAME_TAILS or bool(ACRONYM.match(t.text))
               or (t.lower_.endswith(("ale", "ele", "ische")) and len(run) > 1) for t in run)
