"""The ``themes`` stage: cluster the embedded units, describe and measure the themes.

:func:`compute_themes` is the whole computation as a plain function of documents, units,
embeddings and settings; the stage function only unpacks the upstream outputs. ``sweep`` and
``evaluate`` call the same function, so what they measure is what a run writes.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..embed import stage as embed_stage
from ..embed.backends import RememberedEncoder
from ..embed.stage import unit_text
from ..memo import Memo, memory_memo
from ..runner import StageContext
from ..settings import Settings
from ..storage import stable_hash
from . import metrics
from .aggregate import document_weights, main_theme, theme_documents
from .anchors import Anchors, anchor_indices, load_anchor_groups
from .auto import resolve
from .catalogue import file_identity, load_catalogue
from .describe import describe_themes
from .features import cluster_points
from .figures import theme_figures
from .model import cluster_only, clustering_is_partition, fit_themes, make_layouts
from .profile import names_of
from .vocabulary import corpus_words, number_variants, theme_stop_words
from .voice import voice_words

log = logging.getLogger("rodedraden")


def themes(ctx: StageContext, ingest: dict[str, Any], embed: dict[str, Any],
           entities: dict[str, Any] | None = None) -> dict[str, Any]:
    entity_docs = entities.get("documents.jsonl") if entities else None
    return compute_themes(ingest["corpus.jsonl"], embed["units.jsonl"],
                          np.asarray(embed["embeddings.npy"], dtype=np.float32), ctx.settings,
                          entity_docs, figures=True, memo=ctx.map_cached,
                          anchors=_anchors(ctx.settings),
                          unit=embed["embed_summary.json"].get("unit"))


def _anchors(settings: Settings) -> Anchors:
    return load_anchor_groups(settings.export.curation_file, settings.themes.anchor.enabled)


def compute_themes(documents: Sequence[dict[str, Any]], units: Sequence[dict[str, Any]],
                   embeddings: np.ndarray, settings: Settings,
                   entity_docs: Sequence[Mapping[str, Any]] | None = None,
                   figures: bool = False,
                   memo: Memo | None = None,
                   anchors: Anchors | None = None,
                   unit: str | None = None) -> dict[str, Any]:
    """All artifacts of the themes stage. ``entity_docs``: the entity stage's documents, when
    that stage ran (adds profiles and regional spread). ``memo``: where UMAP layouts and the
    vectors of catalogue entries and terms are remembered (the run's cache in a run).
    ``anchors``: unit-id groups of curated themes (:mod:`pipeline.themes.anchors`).
    ``unit``: what the units are (the embed stage's choice; recorded in themes.json)."""
    ts, seed = settings.themes, settings.run.seed
    by_id = {doc["id"]: doc for doc in documents}
    texts = [unit_text(by_id, unit) for unit in units]
    anchors = anchors or Anchors()
    anchored = anchor_indices(anchors.groups, [u["id"] for u in units])
    if anchored and ts.cluster.algorithm != "consensus":
        log.warning("themes: %d curated theme(s) could anchor the clustering, but only "
                    "consensus clustering takes anchors (themes.cluster.algorithm: %s)",
                    len(anchored), ts.cluster.algorithm)
        anchored = []
    keep = ts.anchor.keep_count and bool(anchored)
    resolved = resolve(ts, len(units), len(documents), len(anchored) if keep else 0,
                       anchors.merged if keep else 0)
    resolved["anchored_themes"] = len(anchored)
    # one scan of the corpus's words serves stop words, number variants and the voice share
    scanned = corpus_words(texts, ts.vectorizer.token_pattern)
    words = theme_stop_words(ts.vectorizer, scanned, entity_docs or [])
    variants = number_variants(scanned) if ts.vectorizer.merge_number else {}
    catalogue = load_catalogue(ts.catalogue.path)
    memo = memo or memory_memo()
    encoder = RememberedEncoder(settings.embed, texts, memo,
                                embed_stage.external_inputs(settings)["model_id"])
    layouts = make_layouts(ts, resolved, memo)
    points = _cluster_points(embeddings, units, entity_docs, ts, catalogue)
    fit = fit_themes(texts, points, ts, resolved, seed, words, encoder.encode, catalogue,
                     layouts, anchors=anchored, variants=variants)
    # Figures are labelled "⟦T<id>⟧"; the export stage puts in stable ids and curated labels.
    drawn = theme_figures(fit.model, {t: f"⟦T{t}⟧" for t in sorted(set(fit.topics.tolist()))
                                      if t >= 0}) if figures else None

    seeds = [seed + i for i in range(ts.metrics.stability_seeds)]
    # Where BERTopic's themes are the cluster model's groups, the other seeds need only the
    # clustering, not terms and representative documents.
    if clustering_is_partition(ts, catalogue):
        runs = [fit.topics] + [cluster_only(points, ts, resolved, extra, layouts, anchored)
                               for extra in seeds[1:]]
    else:
        runs = [fit.topics] + [
            fit_themes(texts, points, ts, resolved, extra, words, encoder.encode, catalogue,
                       layouts, describe=False, anchors=anchored, variants=variants).topics
            for extra in seeds[1:]]
    stability_ari = metrics.stability(runs) if len(runs) > 1 else None

    doc_ids = [doc["id"] for doc in documents]
    weights = document_weights(units, fit.topics, doc_ids)
    # size and spread count every document with a unit in the theme; min_doc_weight only
    # decides which themes a document lists in document_themes.jsonl
    docs_per_theme = theme_documents(weights, 0.0)
    entity_map = {str(d["id"]): d for d in entity_docs} if entity_docs is not None else None
    records, nodes = describe_themes(
        fit, units, texts, embeddings, docs_per_theme, entity_map,
        names_of(entity_docs or []), catalogue, encoder.encode, ts)
    labels = {r["id"]: r["label"] for r in records}
    curated = {r["id"]: r["curated_label"] for r in records}

    units_per_doc = Counter(u["doc_id"] for u in units)
    doc_rows = []
    for doc_id in doc_ids:
        per_theme = weights[doc_id]
        main = main_theme(per_theme)
        doc_rows.append({
            "id": doc_id, "main_theme": main, "main_label": labels.get(main),
            "main_curated_label": curated.get(main),
            "themes": [{"theme": t, "label": labels[t], "weight": round(w, 4)}
                       for t, w in sorted(per_theme.items(), key=lambda i: (-i[1], i[0]))
                       if t >= 0 and (w >= ts.min_doc_weight or t == main)],
            "outlier_weight": round(per_theme.get(-1, 0.0), 4),
            "units": units_per_doc[doc_id]})
    unit_rows = [{"id": u["id"], "doc_id": u["doc_id"], "start": u["start"], "end": u["end"],
                  "n_words": u["n_words"], "theme": int(t)} for u, t in zip(units, fit.topics,
                                                                            strict=True)]
    unassigned_docs = [row["id"] for row in doc_rows if row["main_theme"] < 0]
    summary = metrics.summarize(
        [[t["term"] for t in r["terms"][:ts.metrics.coherence_top_n]] for r in records],
        texts, fit.model.vectorizer_model, embeddings, fit.topics,
        len(unassigned_docs) / len(doc_rows) if doc_rows else 0.0, stability_ari, seeds,
        voice_words(scanned, ts.vectorizer.token_pattern, entity_docs or []))
    summary.update(rode_draden=sum(r["rode_draad"] for r in records),
                   units=len(units), documents=len(documents),
                   outlier_units_before_reduction=fit.outliers_before)
    result = {
        "themes": records, "hierarchy": nodes,
        "outliers": {"units": int((fit.topics < 0).sum()),
                     "units_before_reduction": fit.outliers_before,
                     "documents": unassigned_docs,
                     "note": "units no theme is close enough to (see theme_units.jsonl, "
                     "theme -1); documents whose units are all outliers have main_theme -1"},
        "resolved": resolved,
        "settings": {"unit": unit or ts.unit, "doelgroep_weight": ts.doelgroep_weight,
                     "reduce": ts.reduce.method,
                     "cluster": ts.cluster.algorithm, "catalogue_mode": ts.catalogue.mode,
                     "embed_backend": settings.embed.backend, "seed": seed},
    }
    extra = {"_figures": drawn} if drawn is not None else {}
    return {**extra, "themes.json": result, "document_themes.jsonl": doc_rows,
            "theme_units.jsonl": unit_rows, "metrics_themes.json": summary}


def _cluster_points(embeddings: np.ndarray, units: Sequence[dict[str, Any]],
                    entity_docs: Sequence[Mapping[str, Any]] | None, ts: Any,
                    catalogue: Sequence[Any]) -> np.ndarray:
    """Embeddings plus target groups for the clustering (:mod:`pipeline.themes.features`);
    guided and zero-shot modes compare units with encoded catalogue entries, so there the
    clustering sees the embeddings alone."""
    if catalogue and ts.catalogue.mode != "label":
        if ts.doelgroep_weight > 0:
            log.info("themes: doelgroep_weight is not used with catalogue.mode %s",
                     ts.catalogue.mode)
        return embeddings
    return cluster_points(embeddings, units, entity_docs, ts.doelgroep_weight)


def external_inputs(settings: Settings) -> dict[str, Any]:
    """Files the stage reads outside the config: the catalogue, the stop-word list, and the
    unit groups of curated themes (not their labels: a new label does not re-cluster)."""
    ts = settings.themes
    return {"catalogue": file_identity(ts.catalogue.path),
            "stop_words": file_identity(ts.vectorizer.stop_words_file),
            "anchors": stable_hash(dataclasses.asdict(_anchors(settings)))}
