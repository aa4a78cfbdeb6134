"""Quality of a set of themes, without reference labels and with them.

Unsupervised (written to ``metrics_themes.json`` by every run): NPMI coherence of each theme's
top terms over the units, topic diversity, outlier share, silhouette of the units in embedding
space, number of themes, and seed stability. Supervised (``evaluate themes``): NMI and ARI of
document assignments against reference labels.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
    silhouette_score,
)

from .voice import voice_share


def npmi_coherence(top_terms: Sequence[Sequence[str]], texts: Sequence[str],
                   vectorizer: CountVectorizer) -> list[float | None]:
    """Mean NPMI over the pairs of each theme's terms; occurrence = the term is in a unit.

    NPMI(a, b) = log(P(a,b) / (P(a) P(b))) / -log P(a,b), from -1 (never together) through 0
    (independent) to 1 (always together). Terms are found with the theme vectorizer's own
    analyzer (stop words, n-grams), so every listed term can be counted. None for a theme with
    fewer than two terms.
    """
    vocabulary = sorted({term for terms in top_terms for term in terms})
    if not vocabulary or not texts:
        return [None for _ in top_terms]
    counter = CountVectorizer(analyzer=vectorizer.build_analyzer(), vocabulary=vocabulary,
                              binary=True)
    occurrence = counter.transform(texts).tocsc().astype(np.int32)
    n = occurrence.shape[0]
    column = {term: i for i, term in enumerate(vocabulary)}
    scores: list[float | None] = []
    for terms in top_terms:
        pairs = list(itertools.combinations([column[t] for t in terms], 2))
        if not pairs:
            scores.append(None)
            continue
        values = []
        for a, b in pairs:
            col_a, col_b = occurrence[:, a], occurrence[:, b]
            p_a, p_b = col_a.sum() / n, col_b.sum() / n
            p_ab = col_a.multiply(col_b).sum() / n
            values.append(_npmi(p_a, p_b, p_ab))
        scores.append(float(np.mean(values)))
    return scores


def _npmi(p_a: float, p_b: float, p_ab: float) -> float:
    if p_ab <= 0:
        return -1.0
    if p_ab >= 1:
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


def topic_diversity(top_terms: Sequence[Sequence[str]]) -> float | None:
    """Share of unique terms among all themes' top terms (1.0: no theme repeats another's)."""
    listed = [term for terms in top_terms for term in terms]
    return len(set(listed)) / len(listed) if listed else None


def silhouette(embeddings: np.ndarray, labels: np.ndarray) -> float | None:
    """Cosine silhouette of the assigned units; None when it is undefined (< 2 themes)."""
    mask = labels >= 0
    n_labels = len(set(labels[mask].tolist()))
    if n_labels < 2 or mask.sum() <= n_labels:
        return None
    return float(silhouette_score(embeddings[mask], labels[mask], metric="cosine"))


def stability(assignments: Sequence[np.ndarray]) -> float | None:
    """Mean pairwise adjusted Rand index between assignments of the same units with different
    seeds (outliers count as one group). 1.0: the seed changes nothing."""
    if len(assignments) < 2:
        return None
    pairs = itertools.combinations(assignments, 2)
    return float(np.mean([adjusted_rand_score(a, b) for a, b in pairs]))


def label_metrics(reference: Sequence[Any], predicted: Sequence[int]) -> dict[str, Any]:
    """Document assignments (-1 = unassigned) against reference labels.

    NMI and ARI count unassigned documents as one extra group (so leaving documents out is
    not rewarded); ``nmi_assigned`` is NMI on the assigned documents only.
    """
    predicted = np.asarray(predicted)
    reference = np.asarray([str(r) for r in reference])
    assigned = predicted >= 0
    return {
        "documents": int(len(predicted)),
        "ami": _round(adjusted_mutual_info_score(reference, predicted)),
        "nmi": _round(normalized_mutual_info_score(reference, predicted)),
        "ari": _round(adjusted_rand_score(reference, predicted)),
        "nmi_assigned": _round(normalized_mutual_info_score(reference[assigned],
                                                            predicted[assigned]))
        if assigned.sum() > 1 else None,
        "unassigned_share": _round(1 - assigned.mean()) if len(predicted) else None,
        "themes": int(len(set(predicted[assigned].tolist()))),
        "reference_labels": int(len(set(reference.tolist()))),
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def summarize(top_terms: Sequence[Sequence[str]], texts: Sequence[str],
              vectorizer: CountVectorizer, embeddings: np.ndarray, labels: np.ndarray,
              doc_outlier_share: float, stability_ari: float | None,
              seeds: Sequence[int], voice: set[str] | None = None) -> dict[str, Any]:
    """The metrics block written by every run. ``voice``: the words that make a term voice
    rather than content (:mod:`pipeline.themes.voice`)."""
    coherence = npmi_coherence(top_terms, texts, vectorizer)
    valid = [c for c in coherence if c is not None]
    return {
        "themes": int(len(top_terms)),
        "npmi": _round(float(np.mean(valid))) if valid else None,
        "npmi_per_theme": [_round(c) for c in coherence],
        "diversity": _round(topic_diversity(top_terms)),
        "voice_share": _round(voice_share(top_terms, voice)) if voice is not None else None,
        "outlier_share_units": _round(float((labels < 0).mean())) if len(labels) else None,
        "outlier_share_documents": _round(doc_outlier_share),
        "silhouette": _round(silhouette(embeddings, labels)),
        "stability_ari": _round(stability_ari),
        "stability_seeds": list(seeds),
    }

