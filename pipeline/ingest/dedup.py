"""Exact and near-duplicate documents.

The same story is often published twice: on the programme's site and on a partner's, with a
different title line and other web noise. Documents are compared on sets of word shingles
(Jaccard similarity, computed as one sparse matrix product with scikit-learn); the first
document in corpus order is kept and every later one at or above the threshold is recorded as
a duplicate of it.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from ..settings import DedupSettings

WORD = re.compile(r"\w+")


def find_duplicates(texts: list[str], settings: DedupSettings) -> dict[int, tuple[int, float]]:
    """Map index -> (index of the kept original, similarity) for every duplicate."""
    if len(texts) < 2:
        return {}
    size = settings.shingle_words

    def shingles(text: str) -> list[str]:
        words = WORD.findall(text.casefold())
        if len(words) <= size:
            return [" ".join(words)]
        return [" ".join(words[i:i + size]) for i in range(len(words) - size + 1)]

    matrix = CountVectorizer(analyzer=shingles, binary=True, dtype=np.int32).fit_transform(texts)
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    overlap = (matrix @ matrix.T).tocoo()
    duplicates: dict[int, tuple[int, float]] = {}
    best: dict[int, tuple[int, float]] = {}
    for i, j, shared in zip(overlap.row, overlap.col, overlap.data, strict=True):
        if j >= i:
            continue  # only compare with earlier documents
        union = sizes[i] + sizes[j] - shared
        similarity = float(shared / union) if union else 1.0
        if similarity >= settings.near_duplicate_threshold:
            current = best.get(int(i))
            if current is None or (similarity, -j) > (current[1], -current[0]):
                best[int(i)] = (int(j), round(similarity, 4))
    for i in sorted(best):
        original, similarity = best[i]
        # Point at a kept document, never at another duplicate.
        while original in duplicates:
            original = duplicates[original][0]
        duplicates[i] = (original, similarity)
    return duplicates
