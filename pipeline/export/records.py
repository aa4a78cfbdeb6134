"""Tagged document records: everything the pipeline knows about one document, in the shape
``schemas/document.schema.json`` fixes. Changing the shape means bumping ``SCHEMA_VERSION``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SCHEMA_VERSION = "2.4"
EMPTY_REGIONS = {"gemeenten": [], "arbeidsmarktregios": [], "provincies": [], "landen": [],
                 "plaatsen": [], "woonplaatsen": [], "onzeker": []}


def document_records(corpus: Sequence[Mapping[str, Any]],
                     entity_docs: Sequence[Mapping[str, Any]] | None,
                     theme_rows: Sequence[Mapping[str, Any]] | None,
                     provenance: Mapping[str, Any],
                     lesson_docs: Sequence[Mapping[str, Any]] | None = None
                     ) -> list[dict[str, Any]]:
    """One record per processed document, in corpus order. Entity, lesson and theme parts
    are empty when those stages are not part of the run."""
    entities = {d["id"]: d for d in entity_docs or []}
    lessons = {d["id"]: d["passages"] for d in lesson_docs or []}
    themes = {row["id"]: row for row in theme_rows or []}
    records = []
    for doc in corpus:
        found = entities.get(doc["id"], {})
        weights = themes.get(doc["id"], {})
        main = weights.get("main_theme")
        records.append({
            "schema_version": SCHEMA_VERSION,
            "id": doc["id"],
            "metadata": {"title": doc["title"], "date": doc["date"], "source": doc["source"],
                         "format": doc["format"], "record": doc["record"],
                         "language": doc["language"], "n_words": doc["n_words"],
                         "extra": doc["metadata"]},
            "text": doc["text"],
            "paragraphs": [{"index": i, "start": p["start"], "end": p["end"]}
                           for i, p in enumerate(doc["paragraphs"])],
            "entities": found.get("entities", []),
            "partners": found.get("partners", []),
            "pps": found.get("pps", False),
            "regions": found.get("regions", EMPTY_REGIONS),
            "doelgroepen": found.get("doelgroepen", []),
            "lessons": [{k: p[k] for k in ("start", "end", "type", "confidence", "quantities")}
                        for p in lessons.get(doc["id"], [])],
            "themes": [{"theme": t["theme"], "label": t["label"], "weight": t["weight"]}
                       for t in weights.get("themes", [])],
            "main_theme": main if main is not None and main >= 0 else None,
            "provenance": {**provenance, "spacy_pipeline": found.get("pipeline", "not run")},
        })
    return records
