"""From unit assignments to documents: length-weighted theme weights per document.

A document's weight for a theme is the share of its words in units of that theme, so a story
with one paragraph on financing and four on young people is 20% financing, 80% young people.
Words in outlier units count toward ``outlier_weight``: they are reported, not dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any


def document_weights(units: Sequence[dict[str, Any]], topics: Sequence[int],
                     doc_ids: Sequence[str]) -> dict[str, dict[int, float]]:
    """``{doc_id: {theme: weight}}`` with -1 for outliers; weights of a document sum to 1.

    Documents without units (empty text) get an empty mapping.
    """
    words: dict[str, dict[int, float]] = {doc_id: defaultdict(float) for doc_id in doc_ids}
    for unit, topic in zip(units, topics, strict=True):
        # max(1, ...): a unit of only numbers or symbols still counts for something
        words[unit["doc_id"]][int(topic)] += max(1, unit["n_words"])
    weights = {}
    for doc_id, per_theme in words.items():
        total = sum(per_theme.values())
        weights[doc_id] = {t: w / total for t, w in sorted(per_theme.items())} if total else {}
    return weights


def main_theme(weights: dict[int, float]) -> int:
    """The heaviest non-outlier theme (ties: the lower id), -1 when all units are outliers."""
    themes = [(w, -t) for t, w in weights.items() if t >= 0]
    return -max(themes)[1] if themes else -1


def theme_documents(weights: dict[str, dict[int, float]],
                    min_weight: float) -> dict[int, dict[str, float]]:
    """``{theme: {doc_id: weight}}`` for documents whose weight reaches ``min_weight`` or whose
    main theme it is (a document always counts for its main theme)."""
    found: dict[int, dict[str, float]] = defaultdict(dict)
    for doc_id, per_theme in weights.items():
        main = main_theme(per_theme)
        for theme, weight in per_theme.items():
            if theme >= 0 and (weight >= min_weight or theme == main):
                found[theme][doc_id] = weight
    return dict(found)
