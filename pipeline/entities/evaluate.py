"""Precision, recall and F1 of the entity stage against hand-made gold annotations.

Gold file (JSONL, one document per line)::

    {"id": "<document id>", "entities": [{"start": 10, "end": 19, "text": "Groningen",
                                          "type": "REGION", "id": "GM0014"}, ...]}

Offsets index the cleaned text of the ingest stage. Two views, per type and overall:
``span`` (a predicted mention counts when start, end and type match exactly) and ``set`` (per
document, the set of canonical ids of each type: what a reader of the summary sees).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..storage import read_records

TYPES = ("REGION", "ORGANISATION", "DOELGROEP")


def load_gold(path: Path) -> dict[str, list[dict[str, Any]]]:
    if not path.is_file():
        raise UsageError(f"gold file not found: {path}",
                         hint="pass --gold with a JSONL file of annotated documents")
    return dict(read_records(
        path, lambda item: (str(item["id"]), [check_type(e) for e in item["entities"]]),
        "a gold record", hint='expected {"id": ..., "entities": [{"start", "end", "type", '
        '"id"}, ...]}'))


def check_type(entity: dict[str, Any]) -> dict[str, Any]:
    """An annotated entity whose type is one of ours (ValueError otherwise)."""
    if entity["type"] not in TYPES:
        raise ValueError(f"unknown type {entity['type']!r}; types: {', '.join(TYPES)}")
    return entity


def realign(gold: dict[str, list[dict[str, Any]]], texts: dict[str, str]
            ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int]]:
    """Move gold spans whose offsets no longer fit the cleaned text (after a cleaning change)
    to the nearest occurrence of their text; drop those whose text is gone."""
    moved = lost = 0
    aligned: dict[str, list[dict[str, Any]]] = {}
    for doc_id, entities in gold.items():
        text = texts.get(doc_id)
        if text is None:
            aligned[doc_id] = entities
            continue
        kept = []
        for e in entities:
            surface = e.get("text")
            if surface is None or text[e["start"]:e["end"]] == surface:
                kept.append(e)
                continue
            starts = [i for i in _occurrences(text, surface)]
            if not starts:
                lost += 1
                continue
            start = min(starts, key=lambda i: abs(i - e["start"]))
            kept.append({**e, "start": start, "end": start + len(surface)})
            moved += 1
        aligned[doc_id] = kept
    return aligned, {"realigned": moved, "unaligned": lost}


def _occurrences(text: str, surface: str):
    start = text.find(surface)
    while start != -1:
        yield start
        start = text.find(surface, start + 1)


def evaluate(predicted: dict[str, list[dict[str, Any]]],
             gold: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Metrics for the documents in ``gold``; ``predicted`` maps document id -> mentions."""
    missing = sorted(set(gold) - set(predicted))
    if missing:
        raise UsageError(f"{len(missing)} gold document(s) are not in the run: "
                         f"{', '.join(missing[:5])}",
                         hint="run over the corpus the gold was made for (default corpus/)")
    counts: dict[str, dict[str, list[int]]] = {view: defaultdict(lambda: [0, 0, 0])
                                               for view in ("span", "set")}
    errors: list[dict[str, Any]] = []
    for doc_id, gold_mentions in sorted(gold.items()):
        pred = [m for m in predicted[doc_id] if not m.get("inside_organisation")]
        for type_ in TYPES:
            g_spans = {(m["start"], m["end"]) for m in gold_mentions if m["type"] == type_}
            p_spans = {(m["start"], m["end"]) for m in pred if m["type"] == type_}
            _add(counts["span"][type_], p_spans, g_spans)
            g_ids = {m["id"] for m in gold_mentions if m["type"] == type_}
            p_ids = {m["id"] for m in pred if m["type"] == type_}
            _add(counts["set"][type_], p_ids, g_ids)
            for wrong in sorted(p_ids - g_ids):
                errors.append({"document": doc_id, "type": type_, "error": "false positive",
                               "id": wrong})
            for lost in sorted(g_ids - p_ids):
                errors.append({"document": doc_id, "type": type_, "error": "missed",
                               "id": lost})
    return {"documents": len(gold),
            "span": _scores(counts["span"]), "set": _scores(counts["set"]),
            "errors": errors}


def _add(cell: list[int], predicted: set[Any], gold: set[Any]) -> None:
    cell[0] += len(predicted & gold)
    cell[1] += len(predicted - gold)
    cell[2] += len(gold - predicted)


def _scores(counts: dict[str, list[int]]) -> dict[str, dict[str, float]]:
    table = {}
    total = [0, 0, 0]
    for type_ in TYPES:
        tp, fp, fn = counts[type_]
        total = [a + b for a, b in zip(total, (tp, fp, fn), strict=True)]
        table[type_] = _prf(tp, fp, fn)
    table["ALL"] = _prf(*total)
    return table


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def format_table(metrics: dict[str, Any]) -> str:
    lines = [f"entity evaluation on {metrics['documents']} gold documents",
             f"{'type':<14}{'view':<6}{'precision':>10}{'recall':>8}{'F1':>8}"
             f"{'tp':>6}{'fp':>5}{'fn':>5}"]
    for view in ("set", "span"):
        for type_, s in metrics[view].items():
            lines.append(f"{type_:<14}{view:<6}{s['precision']:>10.3f}{s['recall']:>8.3f}"
                         f"{s['f1']:>8.3f}{s['tp']:>6}{s['fp']:>5}{s['fn']:>5}")
    return "\n".join(lines)
