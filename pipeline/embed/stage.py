"""The ``embed`` stage: cut documents into units and embed each unit, cached per unit.

A unit's cache key is the hash of its text, the backend and the model id, so re-clustering,
renaming a document or adding stories never re-embeds a unit that was embedded before (except
with tfidf-svd, whose model id covers every unit's text: its space changes with the corpus).
Vectors are float32, stored in the cache as raw little-endian bytes rather than JSON numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from ..runner import StageContext
from ..settings import Settings
from ..storage import pack_floats, sha256_bytes, stable_hash, unpack_floats
from .backends import TfidfSvdBackend, combine, lexical_applies, semantic_backend
from .units import choose_unit, make_units

log = logging.getLogger("rodedraden")


def embed(ctx: StageContext, ingest: dict[str, Any]) -> dict[str, Any]:
    settings = ctx.settings.embed
    documents = ingest["corpus.jsonl"]
    by_id = {doc["id"]: doc for doc in documents}
    unit, reason = choose_unit(documents, ctx.settings.themes.unit, ctx.settings.themes.segment)
    log.info("embed: units are %ss (%s)", unit, reason)
    units = make_units(documents, unit, ctx.settings.themes.segment)
    texts = [unit_text(by_id, unit) for unit in units]
    backend = semantic_backend(settings, texts)

    items = [(stable_hash(sha256_bytes(text.encode()), backend.name, backend.model_id), text)
             for text in texts]

    def compute(todo: Iterable[str]) -> Iterator[bytes]:
        batch: list[str] = []
        for text in todo:
            batch.append(text)
            if len(batch) >= settings.batch_size:
                yield from map(pack_floats, backend.encode(batch))
                batch = []
        if batch:
            yield from map(pack_floats, backend.encode(batch))

    packed = ctx.map_cached("vectors", items, compute)
    vectors = np.stack([unpack_floats(p) for p in packed]) if packed \
        else np.zeros((0, 0), np.float32)
    semantic_dimensions = vectors.shape[1] if units else 0
    if lexical_applies(settings) and units:
        lexical = TfidfSvdBackend(settings.tfidf, texts).encode(texts)
        vectors = combine(vectors, lexical, settings.lexical_weight)
    summary = {"backend": backend.name, "model_id": backend.model_id,
               "unit": unit, "unit_reason": reason, "documents": len(documents),
               "units": len(units), "dimensions": int(vectors.shape[1]) if units else 0,
               "semantic_dimensions": int(semantic_dimensions),
               "lexical_weight": settings.lexical_weight}
    # How many units were embedded now and how fast is in run.json (the stage report): this
    # summary is cached with the vectors and must not depend on what the cache held.
    return {"units.jsonl": units, "embeddings.npy": vectors.astype(np.float32),
            "embed_summary.json": summary}


def unit_text(documents: dict[str, dict[str, Any]], unit: dict[str, Any]) -> str:
    return documents[unit["doc_id"]]["text"][unit["start"]:unit["end"]]


def external_inputs(settings: Settings) -> dict[str, Any]:
    """What the vectors depend on outside the config: the encoder package and a model folder."""
    backend = semantic_backend(settings.embed, []) if settings.embed.backend != "tfidf-svd" \
        else None
    return {"model_id": backend.model_id if backend else "tfidf-svd"}
