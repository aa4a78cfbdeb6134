"""Consensus clustering: several UMAP + k-means runs combined into one stable partition.

UMAP's layout depends on its seed, so one UMAP + k-means run moves a noticeable share of units
between themes when the seed changes (seed-stability ARI about 0.7 on the dekamer benchmark).
Running it ``members`` times with derived seeds and clustering the co-association matrix (the
share of runs that put two units together) with average linkage keeps only the groupings the
runs agree on: the result changes far less with the seed and is at least as accurate. It is a
BERTopic cluster model (``fit`` and ``labels_``); BERTopic then gets an identity reduction.
Themes a curator reviewed can constrain the linkage (``anchors``): their units stay together
and apart from other curated themes (:mod:`pipeline.themes.anchors`).

Memory grows with the square of the number of units (a float32 n x n matrix): fine for a few
thousand units, refused above :data:`MAX_UNITS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans

from ..errors import UsageError

MAX_UNITS = 20000
# Distance between units of two different curated groups: large enough that an average over
# any two clusters holding such a pair (at most MAX_UNITS**2 pairs) stays above every real
# co-association distance (at most 1), so those clusters are joined only when nothing else is.
CANNOT_LINK = 1e12


class ConsensusClustering:
    """Parameters
    ----------
    n_clusters:
        Themes in the final partition.
    members:
        Number of UMAP + k-means runs.
    member_clusters:
        k of each member's k-means (a little coarser than ``n_clusters`` gives steadier pairs).
    layouts:
        ``layouts(X, seeds)`` returns one reduced copy of ``X`` per member seed
        (:meth:`pipeline.themes.layout.Layouts.many`, which remembers them), or None to run
        k-means on the input itself.
    seed:
        Base seed; the members' seeds are derived from it with ``numpy.random.SeedSequence``.
    anchors:
        Groups of unit indices a curator's reviewed themes put together
        (:mod:`pipeline.themes.anchors`); empty: none.
        Each group's units stay together, two groups stay apart unless ``n_clusters`` leaves
        no other choice, and units outside every group are placed by the members' votes.
    """

    def __init__(self, n_clusters: int, members: int, member_clusters: int,
                 layouts: Callable[[np.ndarray, list[int]], list[np.ndarray]] | None,
                 seed: int, anchors: Sequence[np.ndarray] = ()):
        self.n_clusters = n_clusters
        self.members = members
        self.member_clusters = member_clusters
        self.layouts = layouts
        self.seed = seed
        self.anchors = list(anchors)
        self.labels_: np.ndarray | None = None

    def fit(self, X: np.ndarray, y: Any = None) -> ConsensusClustering:
        n = len(X)
        if n > MAX_UNITS:
            raise UsageError(f"consensus clustering of {n} units needs an {n} x {n} matrix",
                             code="RD249", hint="use themes.cluster.algorithm: kmeans or "
                             "hdbscan for corpora this large, or themes.unit: document")
        together = np.zeros((n, n), dtype=np.float32)
        seeds = [int(s) % (2**31 - 1)
                 for s in np.random.SeedSequence(self.seed).generate_state(self.members)]
        layouts = self.layouts(X, seeds) if self.layouts else [X] * len(seeds)
        for member_seed, points in zip(seeds, layouts, strict=True):
            labels = KMeans(n_clusters=min(self.member_clusters, n - 1), n_init=3,
                            random_state=member_seed).fit_predict(points)
            together += labels[:, None] == labels[None, :]
        self.labels_ = self._link(1.0 - together / self.members)
        return self

    def _link(self, distance: np.ndarray) -> np.ndarray:
        """Average linkage on the co-association distances. Anchored groups are constraints:
        units of one group are joined first (distance 0) and units of two groups are never
        joined while any other join is left (a distance no average of real ones reaches)."""
        n = len(distance)
        k = min(self.n_clusters, n - 1)
        if not self.anchors:
            return AgglomerativeClustering(n_clusters=k, metric="precomputed",
                                           linkage="average").fit_predict(distance)
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        group = np.full(n, -1, dtype=np.int64)
        for number, indices in enumerate(self.anchors):
            group[indices] = number
        anchored = group >= 0
        both = np.outer(anchored, anchored)
        constrained = np.array(distance, dtype=np.float64)
        constrained[both & (group[:, None] == group[None, :])] = 0.0
        constrained[both & (group[:, None] != group[None, :])] = CANNOT_LINK
        np.fill_diagonal(constrained, 0.0)
        tree = linkage(squareform(constrained, checks=False), method="average")
        labels = fcluster(tree, t=k, criterion="maxclust")
        # number the themes by their first unit, as a stable order for what follows
        _, first = np.unique(labels, return_index=True)
        order = {label: rank for rank, label in enumerate(labels[np.sort(first)])}
        return np.array([order[label] for label in labels], dtype=np.int64)

    def predict(self, X: np.ndarray) -> np.ndarray:  # BERTopic checks for it; not used here
        raise NotImplementedError("consensus clustering assigns only the units it was fitted on")
