"""Theme terms: the stop-word list (with the names the entity stage found) and the
CountVectorizer BERTopic uses for c-TF-IDF."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import CountVectorizer

from ..embed.backends import spacy_stop_words
from ..errors import ConfigError
from ..settings.themes import VectorizerSettings


def stop_words(settings: VectorizerSettings) -> list[str]:
    """spaCy's Dutch list (when enabled) plus the domain file, sorted for a stable vocabulary."""
    words = set(spacy_stop_words()) if settings.spacy_stop_words else set()
    if settings.stop_words_file is not None:
        file = Path(settings.stop_words_file)
        if not file.is_file():
            raise ConfigError(f"stop-word file not found: {settings.stop_words_file}",
                              hint="set themes.vectorizer.stop_words_file to a text file with one "
                              "word a line (see configs/stopwoorden.txt), or to null",
                              code="RD147")
        for line in file.read_text(encoding="utf-8").splitlines():
            word = line.split("#", 1)[0].strip().lower()
            if word:
                words.add(word)
    return sorted(words)


@dataclass(frozen=True)
class CorpusWords:
    """The corpus's words, lower-cased, by how they are written: scanned once, asked by
    every rule below. ``lower``: written in lower case somewhere; ``titled``: written with
    an initial capital only in its first letter (not an acronym); ``counts``: how often each
    word occurs, lower-cased; ``every``: all of them."""

    lower: frozenset[str]
    titled: frozenset[str]
    counts: Mapping[str, int]

    @property
    def every(self) -> frozenset[str]:
        return frozenset(self.counts)


def corpus_words(texts: Iterable[str], token_pattern: str) -> CorpusWords:
    pattern = re.compile(token_pattern)
    lower, titled, counts = set(), set(), Counter()
    for text in texts:
        for token in pattern.findall(text):
            folded = token.lower()
            counts[folded] += 1
            if token.islower():
                lower.add(token)
            elif token == token.title() and not token.isupper():
                titled.add(folded)
    return CorpusWords(frozenset(lower), frozenset(titled), dict(counts))


def theme_stop_words(settings: VectorizerSettings, words: CorpusWords,
                     entity_docs: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every word left out of theme terms: the stop-word lists, the names the entity stage
    found, words written only as names, and the forms of narrative verbs."""
    found = set(stop_words(settings))
    found |= entity_stop_words(entity_docs, settings.entity_stop_words, words,
                               settings.token_pattern)
    if settings.name_stop_words:
        found |= name_words(words)
    found |= narrative_words(words, settings.narrative_lemmas)
    return sorted(found)


def entity_stop_words(entity_docs: Iterable[Mapping[str, Any]], types: Sequence[str],
                      words: CorpusWords, token_pattern: str) -> set[str]:
    """The words of entity mentions of ``types`` that are names: tokens that never occur in
    lower case in the corpus (a capitalised ordinary word also occurs uncapitalised)."""
    if not types:
        return set()
    pattern = re.compile(token_pattern)
    wanted = set(types)
    candidates = {token.lower() for doc in entity_docs for mention in doc.get("entities") or []
                  if mention.get("type") in wanted
                  for token in pattern.findall(str(mention.get("text", "")))}
    return candidates - words.lower


_VOWELS = frozenset("aeiou")


def _singulars(word: str) -> list[str]:
    """Dutch singulars a plural form could have (regio's, uitzendbureaus, coaches, plekken,
    bedrijven, talen, industrieën); the caller keeps only those the corpus contains."""
    found = []
    if word.endswith(("'s", "’s")):
        found.append(word[:-2])
    elif word.endswith("s") and len(word) > 3:
        found.append(word[:-1])
        if word.endswith("es") and len(word) > 4:                   # coaches -> coach
            found.append(word[:-2])
    if word.endswith("ën") and len(word) > 4:
        found.append(word[:-2])
    elif word.endswith("en") and len(word) > 4:
        base = word[:-2]
        found.append(base)
        if base[-1] == base[-2] and base[-1] not in _VOWELS:       # plekken -> plek
            found.append(base[:-1])
        if base[-1] in "vz":                                        # bedrijven -> bedrijf
            found.append(base[:-1] + {"v": "f", "z": "s"}[base[-1]])
        if base[-2] in _VOWELS and base[-3:-2] and base[-3] not in _VOWELS:
            found.append(base[:-1] + base[-2] + base[-1])          # talen -> taal
    return found


def number_variants(words: CorpusWords) -> dict[str, str]:
    """Singular and plural of a word as one term: ``{form: the form shown}`` for every word
    whose other number also occurs in the corpus, both mapped to the more frequent of the
    two (as written in the text, so a term is still a word the reader finds)."""
    counts = words.counts
    variants: dict[str, str] = {}
    for word in sorted(counts):
        for singular in _singulars(word):
            if singular in counts and singular not in variants and word not in variants:
                shown = max((singular, word), key=lambda w: (counts[w], w == singular))
                variants[word] = variants[singular] = shown
                break
    return {form: shown for form, shown in variants.items() if form != shown}


class PhraseAnalyzer:
    """Theme terms as they occur in the text, lower-cased: single words (``token_pattern``)
    and n-grams of words that follow each other with only white space between them and no
    stop word among them.

    scikit-learn's word analyzer removes stop words first and then joins the words around
    them ("samenwerking met de gemeente" gives "samenwerking gemeente"), and it joins words
    across punctuation: both give terms that never occur in the text. Here a stop word or a
    punctuation mark ends a phrase instead. A class, not a closure, so the vectorizer can be
    copied and pickled.
    """

    def __init__(self, token_pattern: str, ngram_range: Sequence[int], stop_words: Iterable[str],
                 variants: Mapping[str, str] | None = None):
        self.token_pattern = token_pattern
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.stop_words = frozenset(stop_words)
        self.variants = dict(variants or {})   # single words only: a phrase stays as written
        self._pattern = re.compile(token_pattern)

    def __call__(self, text: str) -> list[str]:
        terms: list[str] = []
        run: list[str] = []   # words that follow each other with white space between them
        last_end = None
        lowered = text.lower()
        group = 1 if self._pattern.groups else 0   # a group marks the term, as in sklearn
        for match in self._pattern.finditer(lowered):
            token = match.group(group)
            joined = last_end is not None and not lowered[last_end:match.start(group)].strip()
            if token in self.stop_words or not joined:
                terms += self._grams(run)
                run = []
            if token not in self.stop_words:
                run.append(token)
            last_end = match.end(group)
        return terms + self._grams(run)

    def _grams(self, words: list[str]) -> list[str]:
        low, high = self.ngram_range
        return [self.variants.get(words[i], words[i]) if n == 1 else " ".join(words[i:i + n])
                for n in range(low, high + 1) for i in range(len(words) - n + 1)]

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_pattern"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._pattern = re.compile(self.token_pattern)


def name_words(words: CorpusWords) -> set[str]:
    """Words written only with an initial capital ("Ellen", "Verhage", "West-Brabant"),
    never in lower case and never all in capitals: names. A word that starts a sentence
    also occurs in lower case elsewhere, and acronyms (UWV, ROC) are not title-case."""
    return set(words.titled - words.lower)


def narrative_words(words: CorpusWords, lemmas: Sequence[str]) -> set[str]:
    """Forms in the corpus of the verbs ``lemmas`` (spaCy's Dutch lookup lemmas: "dacht" is
    "denken"); the lemmas themselves too."""
    if not lemmas:
        return set()
    table = _lemma_table()
    wanted = set(lemmas)
    return {word for word in words.every if word in wanted or table.get(word) in wanted}


@lru_cache(maxsize=1)
def _lemma_table() -> Any:
    from spacy.lookups import load_lookups

    return load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")


def make_vectorizer(settings: VectorizerSettings, words: list[str],
                    variants: Mapping[str, str] | None = None) -> CountVectorizer:
    # Stop words are matched against tokens: add the tokens of "zo'n" or "50-plussers" as
    # well, or the parts of those words would slip through.
    pattern = re.compile(settings.token_pattern)
    words = sorted(set(words) | {token for word in words for token in pattern.findall(word)})
    return CountVectorizer(analyzer=PhraseAnalyzer(settings.token_pattern, settings.ngram_range,
                                                   words, variants),
                           min_df=settings.min_df, max_df=settings.max_df, lowercase=False,
                           token_pattern=None)
