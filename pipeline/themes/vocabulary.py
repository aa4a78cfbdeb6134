"""Theme terms: the stop-word list (with the names the entity stage found) and the
CountVectorizer BERTopic uses for c-TF-IDF."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
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


def entity_stop_words(entity_docs: Iterable[Mapping[str, Any]], types: Sequence[str],
                      texts: Iterable[str], token_pattern: str) -> set[str]:
    """The words of entity mentions of ``types`` that are names: tokens that never occur in
    lower case in ``texts`` (a capitalised ordinary word also occurs uncapitalised)."""
    if not types:
        return set()
    pattern = re.compile(token_pattern)
    wanted = set(types)
    candidates = {token.lower() for doc in entity_docs for mention in doc.get("entities") or []
                  if mention.get("type") in wanted
                  for token in pattern.findall(str(mention.get("text", "")))}
    if not candidates:  # no entity stage, or no names of these types: skip the corpus scan
        return set()
    ordinary = {token for text in texts for token in pattern.findall(text) if token.islower()}
    return candidates - ordinary


def make_vectorizer(settings: VectorizerSettings, words: list[str]) -> CountVectorizer:
    # scikit-learn matches stop words against tokens: add the tokens of "zo'n" or "50-plussers"
    # as well, or those words would slip through (and scikit-learn warns about it).
    pattern = re.compile(settings.token_pattern)
    words = sorted(set(words) | {token for word in words for token in pattern.findall(word)})
    return CountVectorizer(ngram_range=tuple(settings.ngram_range), min_df=settings.min_df,
                           max_df=settings.max_df, stop_words=words or None, lowercase=True,
                           token_pattern=settings.token_pattern)
