"""The ``entities`` stage: every ingested document to its entity record.

Documents stream through ``nlp.pipe`` (batch size and worker processes from the config) and
are cached one by one, keyed by the cleaned text, the entity settings, the gazetteer files and
the spaCy pipeline in use: adding one story to a corpus of thousands processes that story only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ..runner import StageContext
from ..storage import stable_hash
from .gazetteer import gazetteer_digest, load_gazetteer
from .nlp import build_pipeline, describe, pipeline_identity, warn_if_fallback
from .summary import document_record, mentions
from .unknown import unknown_names


def external_inputs(settings: Any) -> dict[str, Any]:
    """What besides config and upstream output decides the result: gazetteers and model."""
    return {"gazetteers": gazetteer_digest(settings.entities.gazetteer_dir),
            "pipeline": pipeline_identity(settings.entities)}


def entities(ctx: StageContext, ingest: dict[str, Any]) -> dict[str, Any]:
    settings = ctx.settings.entities
    identity = pipeline_identity(settings)
    warn_if_fallback(identity)
    gazetteer = load_gazetteer(settings.gazetteer_dir)
    documents = ingest["corpus.jsonl"]
    # what external_inputs() says, from the gazetteer and pipeline this run actually uses
    key_base = stable_hash(settings.model_dump(mode="json"),
                           {"gazetteers": gazetteer.digest, "pipeline": identity})
    items = [(stable_hash(key_base, doc["content_hash"]), doc) for doc in documents]

    def compute(todo: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        nlp = build_pipeline(settings)
        pending = list(todo)
        # spaCy refuses texts over nlp.max_length (1,000,000 characters) to guard the memory
        # of a parser; ingest already bounds a text (ingest.read.max_file_mb), so one long
        # story is read whole rather than failing the stage
        longest = max((len(d["text"]) for d in pending), default=0)
        nlp.max_length = max(nlp.max_length, longest + 1)
        docs = nlp.pipe((d["text"] for d in pending), batch_size=settings.nlp.batch_size,
                        n_process=ctx.settings.run.n_process)
        for source, doc in zip(pending, docs, strict=True):
            yield mentions(doc, [p["start"] for p in source["paragraphs"]])

    found = ctx.map_cached("documents", items, compute)
    label = describe(identity)
    records = []
    for doc, doc_mentions in zip(documents, found, strict=True):
        record = document_record(doc["id"], doc["source"], doc_mentions, gazetteer,
                                 settings.region_of_gemeente_actor,
                                 settings.pps_includes_generic)
        records.append({**record, "pipeline": label})
    return {"documents.jsonl": records,
            "entities_summary.json": summarize(records, identity,
                                               {d["id"]: d["text"] for d in documents})}


def summarize(records: list[dict[str, Any]], identity: dict[str, Any],
              texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Counts per type and source, the pipeline, and ``unknown_names``: the names the
    detector found that no gazetteer list holds (:mod:`pipeline.entities.unknown`)."""
    by_type: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    for record in records:
        for m in record["entities"]:
            by_type[m["type"]] += 1
            by_source[f"{m['type']}/{m['source']}"] += 1
    return {"pipeline": {**identity, "description": describe(identity)},
            "documents": len(records), "mentions_by_type": dict(sorted(by_type.items())),
            "mentions_by_source": dict(sorted(by_source.items())),
            "documents_with_pps": sum(r["pps"] for r in records),
            "unknown_names": unknown_names(records, texts or {})}
