"""Consensus clustering: several UMAP + k-means runs combined into one stable partition.

UMAP's layout depends on its seed, so one UMAP + k-means run moves a noticeable share of units
between themes when the seed changes (seed-stability ARI about 0.7 on the dekamer benchmark).
Running it ``members`` times with derived seeds and clustering the co-association matrix (the
share of runs that put two units together) with average linkage keeps only the groupings the
runs agree on: the result changes far less with the seed and is at least as accurate. It is a
BERTopic cluster model (``fit`` and ``labels_``); BERTopic then gets an identity reduction.

Memory grows with the square of the number of units (a float32 n x n matrix): fine for a few
thousand units, refused above :data:`MAX_UNITS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans

from ..errors import UsageError

MAX_UNITS = 20000


class ConsensusClustering:
    """Parameters
    ----------
    n_clusters:
        Themes in the final partition.
    members:
        Number of UMAP + k-means runs.
    member_clusters:
        k of each member's k-means (a little coarser than ``n_clusters`` gives steadier pairs).
    reducer:
        ``reducer(seed)`` returns a fresh dimensionality reduction (``fit_transform``), or None
        to run k-means on the input itself. The UMAP members of :mod:`pipeline.themes.model`
        share one exact neighbour graph (:func:`exact_knn`), so a member costs only its layout.
    seed:
        Base seed; the members' seeds are derived from it with ``numpy.random.SeedSequence``.
    """

    def __init__(self, n_clusters: int, members: int, member_clusters: int,
                 reducer: Callable[[int], Any] | None, seed: int):
        self.n_clusters = n_clusters
        self.members = members
        self.member_clusters = member_clusters
        self.reducer = reducer
        self.seed = seed
        self.labels_: np.ndarray | None = None

    def fit(self, X: np.ndarray, y: Any = None) -> ConsensusClustering:
        n = len(X)
        if n > MAX_UNITS:
            raise UsageError(f"consensus clustering of {n} units needs an {n} x {n} matrix",
                             code="RD249", hint="use themes.cluster.algorithm: kmeans or "
                             "hdbscan for corpora this large, or themes.unit: document")
        together = np.zeros((n, n), dtype=np.float32)
        seeds = np.random.SeedSequence(self.seed).generate_state(self.members)
        for member_seed in (int(s) % (2**31 - 1) for s in seeds):
            points = self.reducer(member_seed).fit_transform(X) if self.reducer else X
            labels = KMeans(n_clusters=min(self.member_clusters, n - 1), n_init=3,
                            random_state=member_seed).fit_predict(points)
            together += labels[:, None] == labels[None, :]
        distance = 1.0 - together / self.members
        self.labels_ = AgglomerativeClustering(
            n_clusters=min(self.n_clusters, n - 1), metric="precomputed",
            linkage="average").fit_predict(distance)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:  # BERTopic checks for it; not used here
        raise NotImplementedError("consensus clustering assigns only the units it was fitted on")


def exact_knn(X: np.ndarray, k: int, metric: str,
              chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours (self included, as UMAP expects) in UMAP's
    ``precomputed_knn`` form. Computed once per clustering instead of once per UMAP member:
    the graph is the same for every seed, and building it was most of a member's time.
    """
    X = np.asarray(X, dtype=np.float32)
    if metric == "cosine":
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        X = X / np.where(norms > 0, norms, 1.0)
    squared = (X * X).sum(axis=1)
    indices = np.empty((len(X), k), dtype=np.int64)
    distances = np.empty((len(X), k), dtype=np.float32)
    for start in range(0, len(X), chunk):
        block = X[start:start + chunk]
        if metric == "cosine":
            dist = 1.0 - block @ X.T
        else:
            dist = np.sqrt(np.maximum(squared[start:start + chunk, None] + squared[None, :]
                                      - 2.0 * block @ X.T, 0.0))
        rows = np.arange(len(block))
        dist[rows, start + rows] = 0.0          # self first, whatever rounding says
        nearest = np.argpartition(dist, k - 1, axis=1)[:, :k]
        nearest_dist = np.take_along_axis(dist, nearest, axis=1)
        order = np.lexsort((nearest, nearest_dist), axis=1)   # by distance, then index
        indices[start:start + chunk] = np.take_along_axis(nearest, order, axis=1)
        distances[start:start + chunk] = np.maximum(
            np.take_along_axis(nearest_dist, order, axis=1), 0.0)
    return indices, distances
