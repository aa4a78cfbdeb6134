"""How much of the theme terms is voice instead of content: the ``voice_share`` metric.

A term list should say what a theme is about. Names of the people quoted, place names (the
spread columns report where a theme occurs) and the words a story is told with (verbs of
saying and thinking, pronouns, time adverbs) say who speaks and how. ``voice_share`` is the
share of the top terms holding such a word. Its word lists are fixed here, apart from the
configurable filters of :mod:`pipeline.themes.vocabulary`, so that loosening a filter shows up
in the figure instead of hiding from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .vocabulary import CorpusWords, name_words, narrative_words

# verbs of saying, thinking, perceiving and going: every form counts (spaCy lookup lemmas)
JUDGED_LEMMAS = ("zeggen", "vertellen", "vragen", "antwoorden", "spreken", "praten", "roepen",
                 "benadrukken", "uitleggen", "verklaren", "aangeven", "lachen", "denken",
                 "vinden", "weten", "geloven", "hopen", "durven", "merken", "zien", "kijken",
                 "horen", "voelen", "gaan", "komen", "lopen", "zitten", "staan", "liggen")
PRONOUNS = frozenset("ik jij je u hij zij ze wij we jullie mij me mijn jouw jou hem haar ons "
                     "onze hun hen zich zelf iemand niemand iedereen".split())
TIME_WORDS = frozenset("toen nu straks vroeger destijds gisteren vandaag morgen inmiddels "
                       "meteen daarna vervolgens uiteindelijk achteraf ooit altijd nooit soms "
                       "vaak weer nog al".split())


def voice_words(words: CorpusWords, token_pattern: str,
                entity_docs: Iterable[Mapping[str, Any]]) -> set[str]:
    """The corpus's words that are voice: names (written only with an initial capital), the
    words of the place names the entity stage found, narrative verbs, pronouns, time words."""
    pattern = re.compile(token_pattern)
    places = {token.lower() for doc in entity_docs for m in doc.get("entities") or []
              if m.get("type") == "REGION" for token in pattern.findall(str(m.get("text", "")))}
    return (name_words(words) | places | narrative_words(words, JUDGED_LEMMAS)
            | PRONOUNS | TIME_WORDS)


def voice_share(top_terms: Sequence[Sequence[str]], voice: set[str]) -> float | None:
    """Share of all top terms with a voice word in them (``None`` without terms)."""
    terms = [term for theme in top_terms for term in theme]
    if not terms:
        return None
    return sum(any(word in voice for word in term.split()) for term in terms) / len(terms)
