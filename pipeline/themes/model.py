"""BERTopic, assembled from the config and fitted on precomputed unit embeddings.

Every part is BERTopic's own extension point (``umap_model``, ``hdbscan_model``,
``vectorizer_model``, ``ctfidf_model``, ``representation_model``, ``embedding_model``); nothing
is forked. Determinism: UMAP gets ``random_state`` (which makes it single-threaded), k-means,
spectral clustering and KeyBERTInspired get the same seed, HDBSCAN and agglomerative
clustering are deterministic, and the embeddings are copied because guided modelling edits
them in place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ConfigError, UsageError
from ..memo import Memo
from ..settings.themes import ThemesSettings
from .catalogue import CatalogueEntry
from .consensus import ConsensusClustering
from .layout import Layouts
from .vocabulary import make_vectorizer

Encoder = Callable[[list[str]], np.ndarray]


@dataclass
class FitResult:
    topics: np.ndarray            # theme per unit, -1 = outlier
    outliers_before: int          # outliers before outlier reduction
    model: Any                    # the fitted BERTopic
    zeroshot: dict[int, int]      # theme id -> catalogue index, for zero-shot themes


def _embedder(encode: Encoder) -> Any:
    from bertopic.backend import BaseEmbedder

    class FunctionEmbedder(BaseEmbedder):
        """Our embed backend as a BERTopic embedding model: used for seed words, zero-shot
        labels and the representation models; units come in precomputed."""

        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            return encode(list(documents))

    return FunctionEmbedder()


def _bertopic_reduces(settings: ThemesSettings) -> bool:
    """Whether the cluster model gets a UMAP layout; consensus members make their own, so
    BERTopic passes them the embeddings unchanged."""
    return settings.reduce.method != "none" and settings.cluster.algorithm != "consensus"


def _reducer(settings: ThemesSettings, layouts: Layouts, seed: int) -> Any:
    if not _bertopic_reduces(settings):
        from bertopic.dimensionality import BaseDimensionalityReduction

        return BaseDimensionalityReduction()
    return layouts.reducer(seed)


def _clusterer(settings: ThemesSettings, resolved: dict[str, Any], seed: int,
               layouts: Layouts, anchors: list[np.ndarray] | None = None) -> Any:
    algorithm = settings.cluster.algorithm
    if algorithm == "hdbscan":
        from hdbscan import HDBSCAN

        return HDBSCAN(min_cluster_size=resolved["min_cluster_size"],
                       min_samples=resolved["min_samples"], metric="euclidean",
                       cluster_selection_method=settings.cluster.selection,
                       prediction_data=True)
    from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering

    k = resolved["n_clusters"]
    if algorithm == "consensus":
        return ConsensusClustering(k, resolved["members"], resolved["member_clusters"],
                                   None if settings.reduce.method == "none"
                                   else layouts.many, seed, anchors or [])
    if algorithm == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=seed)
    if algorithm == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage=settings.cluster.linkage)
    # 'discretize' rather than k-means on the eigenvectors: far less dependent on the seed.
    return SpectralClustering(n_clusters=k, affinity="nearest_neighbors",
                              n_neighbors=resolved["spectral_n_neighbors"],
                              assign_labels="discretize", random_state=seed)


def _representation(settings: ThemesSettings, seed: int) -> list[Any] | None:
    from bertopic.representation import (
        KeyBERTInspired,
        MaximalMarginalRelevance,
        PartOfSpeech,
    )

    rep = settings.representation
    models: list[Any] = []
    for name in rep.models:
        if name == "keybert":
            models.append(KeyBERTInspired(top_n_words=rep.top_n_words, random_state=seed))
        elif name == "mmr":
            models.append(MaximalMarginalRelevance(diversity=rep.mmr_diversity,
                                                   top_n_words=rep.top_n_words))
        else:
            models.append(PartOfSpeech(model=_tagger(rep.pos_model), top_n_words=rep.top_n_words))
    return models or None


def _tagger(name: str) -> Any:
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError:
        raise ConfigError(f"representation model 'pos' needs the spaCy pipeline {name!r}, "
                          "which is not installed", code="RD148",
                          hint="run 'make model' with network access, set "
                          "themes.representation.pos_model to an installed pipeline with a "
                          "tagger, or drop 'pos' from themes.representation.models") from None
    if not {"tagger", "morphologizer"} & set(nlp.pipe_names):
        raise ConfigError(f"spaCy pipeline {name!r} has no tagger for representation 'pos'",
                          code="RD148", hint="use a pipeline with a tagger or drop 'pos'")
    return nlp


def fit_themes(texts: list[str], embeddings: np.ndarray, settings: ThemesSettings,
               resolved: dict[str, Any], seed: int, stop_words: list[str],
               encode: Encoder | None, catalogue: list[CatalogueEntry],
               layouts: Layouts, describe: bool = True,
               anchors: list[np.ndarray] | None = None,
               variants: Mapping[str, str] | None = None) -> FitResult:
    """Fit BERTopic on units and reduce outliers.

    ``layouts``: where UMAP layouts are made and remembered (:func:`make_layouts`).
    ``anchors``: unit-index groups of curated themes (consensus clustering only).
    ``variants``: singular and plural forms counted as one term (:func:`number_variants`).
    ``describe=False`` skips the representation models (the assignments do
    not depend on them).
    """
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer

    mode = settings.catalogue.mode if catalogue else "label"
    needs_encoder = mode != "label" or (describe and settings.representation.models)
    strategy = settings.outliers.strategy
    model = BERTopic(
        # not "english": BERTopic then deletes every character outside A-Z and 0-9 before
        # counting terms (West-Brabant -> westbrabant, financiële -> financile); our embeddings
        # come precomputed, so the language never selects a model
        language="multilingual",
        top_n_words=settings.representation.top_n_words,
        nr_topics=settings.nr_topics,
        calculate_probabilities=strategy == "probabilities",
        seed_topic_list=[list(e.seeds) for e in catalogue] if mode == "guided" else None,
        zeroshot_topic_list=[e.text for e in catalogue] if mode == "zeroshot" else None,
        zeroshot_min_similarity=settings.catalogue.zeroshot_min_similarity,
        embedding_model=_embedder(encode) if needs_encoder and encode is not None else None,
        umap_model=_reducer(settings, layouts, seed),
        hdbscan_model=_clusterer(settings, resolved, seed, layouts, anchors),
        vectorizer_model=make_vectorizer(settings.vectorizer, stop_words, variants),
        ctfidf_model=ClassTfidfTransformer(
            bm25_weighting=settings.ctfidf.bm25_weighting,
            reduce_frequent_words=settings.ctfidf.reduce_frequent_words),
        representation_model=None,
    )
    try:
        topics, _ = model.fit_transform(texts, embeddings=np.array(embeddings, copy=True))
    except (ValueError, TypeError) as exc:
        raise UsageError(f"clustering {len(texts)} units failed: {exc}", code="RD241",
                         hint="with few units lower themes.cluster.min_cluster_size or use "
                         "themes.cluster.algorithm: kmeans; with zeroshot lower "
                         "themes.catalogue.zeroshot_min_similarity") from None
    topics = np.asarray(topics, dtype=int)
    if not (topics >= 0).any():
        raise UsageError(f"clustering found no themes among {len(texts)} units (all outliers)",
                         code="RD242", hint="lower themes.cluster.min_cluster_size, set "
                         "themes.cluster.selection: leaf, or use themes.cluster.algorithm: kmeans")
    outliers_before = int((topics == -1).sum())
    if outliers_before and strategy != "none":
        topics = np.asarray(model.reduce_outliers(
            texts, list(topics), strategy=strategy, threshold=settings.outliers.threshold,
            embeddings=embeddings, probabilities=model.probabilities_), dtype=int)
    changed = not np.array_equal(topics, np.asarray(model.topics_))
    # The fit already computed c-TF-IDF terms with the same vectorizer: recompute them only
    # when the assignments moved or representation models are to refine them.
    if describe and (changed or settings.representation.models or mode == "zeroshot"):
        # BERTopic resets its logger level while fitting, then warns here that custom topic
        # lists disable later topic reduction: we reduce none after this.
        logging.getLogger("BERTopic").setLevel(logging.ERROR)
        model.update_topics(
            texts, topics=list(topics) if changed else None,
            top_n_words=settings.representation.top_n_words,
            vectorizer_model=model.vectorizer_model, ctfidf_model=model.ctfidf_model,
            representation_model=_representation(settings, seed))
    zeroshot = {int(k): int(v) for k, v in
                getattr(model, "_topic_id_to_zeroshot_topic_idx", {}).items()}
    return FitResult(topics, outliers_before, model, zeroshot)


def make_layouts(settings: ThemesSettings, resolved: dict[str, Any],
                 memo: Memo | None = None) -> Layouts:
    return Layouts(settings.reduce, resolved["umap_n_neighbors"],
                   resolved["umap_n_components"], memo)


def clustering_is_partition(settings: ThemesSettings, catalogue: list[CatalogueEntry]) -> bool:
    """Whether BERTopic's themes are the cluster model's groups, only renumbered: no
    catalogue guidance or zero-shot split, no topic merging, no outlier reassignment (the
    algorithms other than hdbscan leave no outliers)."""
    return ((not catalogue or settings.catalogue.mode == "label") and settings.nr_topics is None
            and (settings.outliers.strategy == "none" or settings.cluster.algorithm != "hdbscan"))


def cluster_only(embeddings: np.ndarray, settings: ThemesSettings, resolved: dict[str, Any],
                 seed: int, layouts: Layouts,
                 anchors: list[np.ndarray] | None = None) -> np.ndarray:
    """The cluster model's groups for ``seed`` without the rest of BERTopic (terms,
    representative documents): what the stability measurement compares when
    :func:`clustering_is_partition` holds."""
    points = layouts.one(embeddings, seed) if _bertopic_reduces(settings) else embeddings
    model = _clusterer(settings, resolved, seed, layouts, anchors).fit(points)
    return np.asarray(model.labels_, dtype=int)
