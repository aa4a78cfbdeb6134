"""Entity stage throughput against bare ``nlp.pipe`` with the same pipeline, same texts.

The bundled corpus is ingested once and replicated (each copy made distinct, so no cache or
de-duplication shortcut applies) to at least 2,000 documents. The baseline is
``list(nlp.pipe(texts))`` with the very pipeline the stage builds, so the ratio is what the
stage adds on top of spaCy: caching, offsets, canonical fields, document summaries. A second
baseline runs the same pipeline without the detector (``entities.detector.enabled: false``):
against it, the ratio also holds what finding unlisted names costs (goal <= 1.5).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from ..config import load_config
from ..entities import STAGE as ENTITIES
from ..entities.nlp import build_pipeline, describe, pipeline_identity
from ..entities.stage import entities
from ..runner import Runner, StageContext, StageReport
from ..stages import all_stages
from ..storage import Cache


def corpus_documents(copies_to: int) -> tuple[Any, list[dict[str, Any]]]:
    settings = load_config(None)
    with tempfile.TemporaryDirectory() as out:
        result = Runner(all_stages(), settings, Path("corpus"), Path(out)).run(["ingest"])
    base = result.outputs["ingest"]["corpus.jsonl"]
    documents = []
    for copy in range(-(-copies_to // len(base))):
        for doc in base:
            prefix = f"Kopie {copy}. "
            shift = len(prefix)
            documents.append({**doc, "id": f"{doc['id']}-{copy}", "text": prefix + doc["text"],
                              "content_hash": f"{doc['content_hash']}-{copy}",
                              "paragraphs": [{"start": p["start"] + shift * (i > 0),
                                              "end": p["end"] + shift}
                                             for i, p in enumerate(doc["paragraphs"])]})
    return settings, documents


def run(quick: bool = False) -> list[dict[str, Any]]:
    settings, documents = corpus_documents(200 if quick else 2000)
    words = sum(len(d["text"].split()) for d in documents)
    nlp = build_pipeline(settings.entities)
    texts = [d["text"] for d in documents]
    list(nlp.pipe(texts[:50]))  # warm-up: lazy initialisation is not what we measure

    started = time.perf_counter()
    list(nlp.pipe(texts, batch_size=settings.entities.nlp.batch_size,
                  n_process=settings.run.n_process))
    bare = time.perf_counter() - started

    without = build_pipeline(settings.entities.model_copy(
        update={"detector": settings.entities.detector.model_copy(update={"enabled": False})}))
    list(without.pipe(texts[:50]))
    started = time.perf_counter()
    list(without.pipe(texts, batch_size=settings.entities.nlp.batch_size,
                      n_process=settings.run.n_process))
    no_detector = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        cache = Cache(Path(folder) / "cache.sqlite")
        report = StageReport("entities")
        ctx = StageContext(ENTITIES, settings, cache, report, show_progress=False)
        started = time.perf_counter()
        entities(ctx, ingest={"corpus.jsonl": documents})
        stage = time.perf_counter() - started
        started = time.perf_counter()
        entities(ctx, ingest={"corpus.jsonl": documents})
        cached = time.perf_counter() - started
        cache.close()
    label = describe(pipeline_identity(settings.entities))
    what = f"{len(documents)} docs, {words:,} words, {label}"
    return [
        {"what": f"bare nlp.pipe ({what})", "value": words / bare, "unit": "words/s"},
        {"what": "bare nlp.pipe, pipeline without the detector", "value": words / no_detector,
         "unit": "words/s"},
        {"what": "entity stage, nothing cached", "value": words / stage, "unit": "words/s",
         "ratio": stage / bare, "baseline": "bare nlp.pipe time (goal <= 1.3)"},
        {"what": "entity stage, nothing cached, against the pipeline without the detector",
         "value": words / stage, "unit": "words/s", "ratio": stage / no_detector,
         "baseline": "bare nlp.pipe without the detector (goal <= 1.5)"},
        {"what": "entity stage, all documents cached", "value": words / cached,
         "unit": "words/s", "ratio": cached / bare, "baseline": "bare nlp.pipe time"},
    ]
