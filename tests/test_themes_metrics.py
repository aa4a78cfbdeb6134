"""Theme metrics on toy inputs whose values are worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from pipeline.themes.metrics import (
    label_metrics,
    npmi_coherence,
    silhouette,
    stability,
    topic_diversity,
)


def test_topic_diversity_by_hand():
    # 3 themes x 4 terms = 12 listed, "werk" three times and "taal" twice: 9 unique
    terms = [["werk", "jongeren", "school", "stage"],
             ["werk", "taal", "statushouders", "zorg"],
             ["werk", "taal", "uitzendbureau", "convenant"]]
    assert topic_diversity(terms) == pytest.approx(9 / 12)
    assert topic_diversity([["a", "b"], ["c", "d"]]) == 1.0
    assert topic_diversity([]) is None


def test_npmi_by_hand():
    texts = ["jongeren stage", "jongeren stage", "taal zorg", "taal", "jongeren"]
    vectorizer = CountVectorizer()
    # jongeren: 3/5, stage: 2/5, together 2/5 -> log((2/5)/(3/5*2/5)) / -log(2/5)
    expected = math.log((2 / 5) / (3 / 5 * 2 / 5)) / -math.log(2 / 5)
    [score] = npmi_coherence([["jongeren", "stage"]], texts, vectorizer)
    assert score == pytest.approx(expected)
    # never together -> -1; a theme of always co-occurring terms in every unit -> 1
    assert npmi_coherence([["stage", "zorg"]], texts, vectorizer) == [-1.0]
    assert npmi_coherence([["werk", "baan"]], ["werk baan", "baan werk"], vectorizer) == [1.0]
    # three terms: the mean over the three pairs
    three = npmi_coherence([["jongeren", "stage", "zorg"]], texts, vectorizer)[0]
    assert three == pytest.approx((expected - 1 - 1) / 3)


def test_npmi_uses_the_vectorizers_ngrams():
    texts = ["van werk naar werk", "van werk naar werk mobiliteit", "jongeren"]
    vectorizer = CountVectorizer(ngram_range=(1, 2))
    [score] = npmi_coherence([["werk naar", "mobiliteit"]], texts, vectorizer)
    expected = math.log((1 / 3) / (2 / 3 * 1 / 3)) / -math.log(1 / 3)
    assert score == pytest.approx(expected)


def test_label_metrics_on_a_known_answer_and_unassigned_documents():
    reference = ["a", "a", "b", "b", "c", "c"]
    perfect = label_metrics(reference, [2, 2, 0, 0, 1, 1])   # names do not matter
    assert perfect["nmi"] == 1.0 and perfect["ari"] == 1.0 and perfect["themes"] == 3
    partial = label_metrics(reference, [2, 2, 0, 0, -1, -1])
    # the unassigned pair is a group of its own: still a perfect partition
    assert partial["nmi"] == 1.0 and partial["unassigned_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert partial["themes"] == 2 and partial["nmi_assigned"] == 1.0
    merged = label_metrics(reference, [0, 0, 0, 0, 1, 1])
    assert merged["nmi"] < 1.0 and merged["reference_labels"] == 3


def test_stability_and_silhouette():
    a = np.array([0, 0, 1, 1, 2, 2])
    assert stability([a, a.copy(), np.array([1, 1, 2, 2, 0, 0])]) == 1.0
    assert stability([a]) is None
    assert stability([a, np.array([0, 1, 0, 1, 0, 1])]) < 0.1
    points = np.array([[1, 0], [0.99, 0.05], [0, 1], [0.05, 0.99]], dtype=np.float32)
    assert silhouette(points, np.array([0, 0, 1, 1])) > 0.9
    assert silhouette(points, np.array([0, 0, 0, -1])) is None   # one theme: undefined
