"""The ``lessons`` stage: per document, the passages that teach something and the figures in
them, cached per document (keyed by the cleaned text and the lessons settings).

Types come from the cue phrases (:mod:`pipeline.lessons.passages`) with their confidence;
figures from :mod:`pipeline.lessons.quantities`. A passage without a type is kept only when it
holds a figure (type null). The summary adds up achieved results per unit and what they count;
targets are never added to results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ..runner import StageContext
from ..settings.lessons import LessonsSettings
from ..storage import stable_hash
from .passages import NONE, TYPES, cue_type_with_confidence, passage_spans
from .quantities import Quantity, find_quantities, totals


def document_lessons(text: str, settings: LessonsSettings) -> list[dict[str, Any]]:
    passages = []
    if not settings.enabled:
        return passages
    for start, end in passage_spans(text):
        sentence = text[start:end]
        type_, confidence = cue_type_with_confidence(sentence)
        if confidence < settings.min_confidence:
            type_ = NONE
        figures = [{**q.as_dict(), "start": q.start + start, "end": q.end + start}
                   for q in find_quantities(sentence)]
        if type_ == NONE and not figures:
            continue
        passages.append({"start": start, "end": end, "text": sentence,
                         "type": None if type_ == NONE else type_,
                         "confidence": confidence if type_ != NONE else None,
                         "quantities": figures})
    return passages


def lessons(ctx: StageContext, ingest: dict[str, Any]) -> dict[str, Any]:
    settings = ctx.settings.lessons
    documents = ingest["corpus.jsonl"]
    key = stable_hash(settings.model_dump(mode="json"))
    items = [(stable_hash(key, doc["content_hash"]), doc) for doc in documents]

    def compute(todo: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for doc in todo:
            yield document_lessons(doc["text"], settings)

    found = ctx.map_cached("documents", items, compute)
    records = [{"id": doc["id"], "passages": passages}
               for doc, passages in zip(documents, found, strict=True)]
    return {"lessons.jsonl": records, "lessons_summary.json": summarize(records)}


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    by_type: Counter[str] = Counter()
    figures: list[Quantity] = []
    for record in records:
        for p in record["passages"]:
            by_type[p["type"] or "figure only"] += 1
            figures += [Quantity(**q) for q in p["quantities"]]
    return {"documents": len(records),
            "passages_by_type": {t: by_type.get(t, 0) for t in (*TYPES, "figure only")},
            "figures": len(figures),
            "figures_by_kind": dict(sorted(Counter(q.kind for q in figures).items())),
            "result_totals": totals(figures),
            "note": "result_totals add achieved results only; targets and unclear figures and "
                    "percentages are never added"}
