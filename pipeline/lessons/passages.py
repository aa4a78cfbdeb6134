"""Passages of a story and what they teach: werkzaam element, knelpunt, resultaat, vervolg.

A passage is a sentence (lines first, then sentence ends). Two classifiers, the second built on
the first:

- :func:`cue_type`: Dutch cue phrases, readable and offline ("het succes zit in", "lastig",
  "wordt regulier beleid"); a sentence with no cue has no type.
- :class:`PassageClassifier`: logistic regression over the cue features, word n-grams and,
  where given, sentence embeddings; trained on annotated passages
  (``corpus/gold/lessen/``). It says "none" unless a type is more likely than no type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..embed.units import sentence_spans

TYPES = ("werkzaam_element", "knelpunt", "resultaat", "vervolg")
NONE = "none"

CUES: dict[str, tuple[str, ...]] = {
    "werkzaam_element": (
        r"\bsucces(?:factor\w*)? (?:zit|zat|ligt|lag) in\b", r"\bwat (?:goed|echt) werkt\b",
        r"\bwerkt (?:goed|echt|zo goed)\b", r"\bcruciaal\b", r"\bde sleutel\b",
        r"\bdoorslaggevend\b", r"\bhet geheim\b", r"\bkorte lijnen\b",
        r"\bsuccesvol (?:omdat|doordat|door)\b", r"\bdankzij\b", r"\bdoordat\b",
        r"\bbelangrijk(?:ste)? (?:is|was|blijkt|bleek) (?:dat|de|het)\b", r"\bwerkzame?\b",
        r"\bkracht (?:zit|ligt|van)\b", r"\bmaakt het verschil\b", r"\bhet verschil maakt\b",
        r"\bvertrouwen\b", r"\bsamen (?:optrekken|werken|met)\b", r"\bmaatwerk\b"),
    "knelpunt": (
        r"\blastig\w*\b", r"\bknelpunt\w*\b", r"\bloop\w* tegen\b", r"\bliep\w* tegen\b",
        r"\bprobleem\b", r"\bproblemen\b", r"\bmoeilijk\w*\b", r"\bobstakel\w*\b",
        r"\bdrempel\w*\b", r"\bontbr(?:eekt|ak|eken|aken)\b", r"\bgebrek aan\b",
        r"\bhelaas\b", r"\bniet gelukt\b", r"\bbureaucrat\w*\b", r"\bversnipper\w*\b",
        r"\bonzeker\w*\b", r"\bstopt(?:e)?\b", r"\bte weinig\b", r"\bkwetsbaar\b",
        r"\bbelemmer\w*\b", r"\bschot\w* tekort\b", r"\bhobbel\w*\b", r"\bwachtlijst\w*\b"),
    "resultaat": (
        r"\b(?:hebben|heeft|zijn|is) (?:\w+ ){0,4}(?:geplaatst|gevonden|geholpen|"
        r"uitgestroomd|bespaard|gerealiseerd|behaald|bereikt|aan het werk)\b",
        r"\bvonden (?:\w+ ){0,3}(?:werk|een baan)\b", r"\bresultaat\b", r"\bresultaten\b",
        r"\bopgeleverd\b", r"\bleverde\w* (?:\w+ ){0,3}op\b", r"\bin totaal\b",
        r"\bprocent\b", r"%", r"\bplaatsingen\b", r"\buitstroom\b", r"\bbesparing\b"),
    "vervolg": (
        r"\bregulier(?:e)? (?:beleid|werkwijze|aanpak|dienstverlening)\b",
        r"\bstructure(?:el|le)\b", r"\bborg\w*\b", r"\bvervolg\w*\b", r"\bopschal\w*\b",
        r"\bnemen (?:de|deze|die) aanpak over\b", r"\bovergenomen\b",
        r"\bneemt (?:\w+ ){0,3}over\b",
        r"\buitgebreid naar\b", r"\buitbreid\w*\b", r"\bvoortgezet\b", r"\bvoortzet\w*\b",
        r"\bverlengd\b", r"\bgaat door\b", r"\bgaan door\b", r"\bkrijgt een vervolg\b",
        r"\bandere regio'?s\b", r"\bvolgend jaar\b", r"\bde komende jaren\b"),
}
_COMPILED = {t: [re.compile(p, re.IGNORECASE) for p in patterns] for t, patterns in CUES.items()}


def passage_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``, never across a line break."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for line in text.split("\n"):
        if line.strip():
            spans.extend(sentence_spans(text, cursor, cursor + len(line)))
        cursor += len(line) + 1
    return spans


def cue_counts(sentence: str) -> np.ndarray:
    """How many cues of each type a sentence holds (one column per type)."""
    return np.array([sum(bool(p.search(sentence)) for p in _COMPILED[t]) for t in TYPES],
                    dtype=float)


def cue_type(sentence: str) -> str:
    """The type with the most cues; none without a cue (ties: the order of TYPES)."""
    return cue_type_with_confidence(sentence)[0]


def cue_type_with_confidence(sentence: str) -> tuple[str, float]:
    """The type with the most cues and how sure the cues are: the top type's share of all
    cues, times n/(n+1) for its n cues (one cue alone: 0.5, two: 0.67)."""
    counts = cue_counts(sentence)
    if counts.max() <= 0:
        return NONE, 0.0
    best = int(np.argmax(counts))
    top = counts[best]
    return TYPES[best], round(float(top / counts.sum() * top / (top + 1)), 3)


class PassageClassifier:
    """Logistic regression over cue counts, word 1-2-grams and optional embeddings.

    Parameters
    ----------
    embeddings_weight:
        Scale of the sentence embeddings appended to the features (0: lexical only).
    c:
        Inverse regularisation strength of the logistic regression.
    """

    def __init__(self, embeddings_weight: float = 1.0, c: float = 2.0, seed: int = 0):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.embeddings_weight = embeddings_weight
        self.vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced",
                                        random_state=seed)

    def _features(self, sentences: Sequence[str], embeddings: np.ndarray | None,
                  fit: bool) -> np.ndarray:
        lexical = (self.vectorizer.fit_transform(sentences) if fit
                   else self.vectorizer.transform(sentences)).toarray()
        parts = [lexical, np.stack([cue_counts(s) for s in sentences])]
        if embeddings is not None and self.embeddings_weight > 0:
            parts.append(self.embeddings_weight * embeddings)
        return np.hstack(parts)

    def fit(self, sentences: Sequence[str], labels: Sequence[str],
            embeddings: np.ndarray | None = None) -> PassageClassifier:
        self.model.fit(self._features(sentences, embeddings, fit=True), list(labels))
        return self

    def predict(self, sentences: Sequence[str], embeddings: np.ndarray | None = None
                ) -> tuple[list[str], np.ndarray]:
        """Types and the probability of each (the confidence)."""
        probabilities = self.model.predict_proba(self._features(sentences, embeddings,
                                                                fit=False))
        best = probabilities.argmax(axis=1)
        return [str(self.model.classes_[i]) for i in best], probabilities.max(axis=1)
