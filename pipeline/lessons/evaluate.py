"""``rodedraden evaluate lessons``: passage types against annotated passages.

Gold (``corpus/gold/lessen/passages.jsonl``, guideline in that folder) marks typed passages
by character offsets into the cleaned text, with the text's SHA-256, so a text that changed is
reported instead of scored. Every sentence of an annotated document gets the type of the gold
passage covering most of it, or none; precision, recall and F1 are per type over sentences.
Three views: the cue phrases alone; the trained classifier cross-validated over documents
(5 folds, no document in both training and test); and held out: trained on the bundled
stories, tested on the real texts (``source: echt``), which it never saw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UsageError
from ..storage import read_records
from .passages import NONE, TYPES, PassageClassifier, cue_type, passage_spans


def load_passages(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise UsageError(f"lessons gold not found: {path}", code="RD180",
                         hint="pass --gold with passages.jsonl (corpus/gold/lessen/)")
    return read_records(path, _check, "a passages record", code="RD181",
                        hint="see corpus/gold/lessen/README.md")


def _check(row: dict[str, Any]) -> dict[str, Any]:
    for passage in row["passages"]:
        if passage["type"] not in (*TYPES, None):
            raise ValueError(f"unknown type {passage['type']!r}")
    return row


def sentence_table(gold: Sequence[Mapping[str, Any]], texts: Mapping[str, str]
                   ) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per sentence of every gold document whose text is here and unchanged:
    ``{doc, source, start, end, text, label}``; and the ids left out, with the reason."""
    rows, skipped = [], []
    for doc in gold:
        text = texts.get(doc["id"])
        if text is None:
            skipped.append(f"{doc['id']}: text not in the corpora given")
            continue
        if hashlib.sha256(text.encode()).hexdigest() != doc["sha256"]:
            skipped.append(f"{doc['id']}: text differs from the one annotated")
            continue
        typed = [p for p in doc["passages"] if p["type"]]
        for start, end in passage_spans(text):
            label = NONE
            best = 0
            for p in typed:
                overlap = min(end, p["end"]) - max(start, p["start"])
                if overlap > best and overlap >= 0.5 * min(end - start, p["end"] - p["start"]):
                    best, label = overlap, p["type"]
            rows.append({"doc": doc["id"], "source": doc.get("source", ""), "start": start,
                         "end": end, "text": text[start:end], "label": label})
    return rows, skipped


def scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, float]]:
    table = {}
    for type_ in TYPES:
        tp = sum(g == p == type_ for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == type_ and g != type_ for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == type_ and p != type_ for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[type_] = {"precision": round(precision, 4), "recall": round(recall, 4),
                        "f1": round(f1, 4), "gold": tp + fn}
    return table


def evaluate_lessons(rows: Sequence[Mapping[str, Any]],
                     encode: Callable[[list[str]], np.ndarray] | None = None,
                     folds: int = 5, seed: int = 0) -> dict[str, Any]:
    from sklearn.model_selection import GroupKFold

    sentences = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    embeddings = encode(sentences) if encode is not None and sentences else None
    result: dict[str, Any] = {"sentences": len(rows),
                              "typed": sum(label != NONE for label in labels),
                              "cues": scores(labels, [cue_type(s) for s in sentences])}
    groups = [r["doc"] for r in rows]
    if len(set(groups)) >= folds:
        predicted = [NONE] * len(rows)
        for train, test in GroupKFold(n_splits=folds).split(sentences, labels, groups):
            model = PassageClassifier(seed=seed).fit(
                [sentences[i] for i in train], [labels[i] for i in train],
                embeddings[train] if embeddings is not None else None)
            found, _ = model.predict([sentences[i] for i in test],
                                     embeddings[test] if embeddings is not None else None)
            for i, label in zip(test, found, strict=True):
                predicted[i] = label
        result["cross_validated"] = scores(labels, predicted)
    train = [i for i, r in enumerate(rows) if r["source"] == "bundled"]
    test = [i for i, r in enumerate(rows) if r["source"] != "bundled"]
    if train and test:
        model = PassageClassifier(seed=seed).fit(
            [sentences[i] for i in train], [labels[i] for i in train],
            embeddings[train] if embeddings is not None else None)
        found, _ = model.predict([sentences[i] for i in test],
                                 embeddings[test] if embeddings is not None else None)
        result["held_out"] = scores([labels[i] for i in test], found)
    return result


def format_lessons(result: Mapping[str, Any]) -> str:
    lines = [f"lessons: {result['sentences']} sentences, {result['typed']} typed passages"]
    for view in ("cues", "cross_validated", "held_out"):
        if view not in result:
            continue
        lines.append(f"{view}:")
        lines.append(f"  {'type':<18}{'precision':>10}{'recall':>8}{'F1':>8}{'gold':>6}")
        for type_, s in result[view].items():
            lines.append(f"  {type_:<18}{s['precision']:>10.3f}{s['recall']:>8.3f}"
                         f"{s['f1']:>8.3f}{s['gold']:>6}")
    return "\n".join(lines)
