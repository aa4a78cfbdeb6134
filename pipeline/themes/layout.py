"""UMAP layouts of the unit embeddings, each made once per input, parameters and seed.

A layout (the low-dimensional points UMAP makes) depends on the vectors, the ``themes.reduce``
parameters and the seed, never on the clustering settings. Consensus clustering needs
``cluster.members`` layouts per fit and the stability measurement three fits, so a run makes
about fifty, and they are most of the themes stage's time. Every layout goes through a
:data:`pipeline.memo.Memo` (the runner's per-item cache in a run), so a re-run
that changes only a clustering parameter, or a sweep over clustering parameters, lays out
nothing again. UMAP with a fixed ``random_state`` is deterministic, so a stored layout is the
one a recomputation would make.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..embed.backends import l2_normalise
from ..memo import Memo, memory_memo
from ..settings.themes import ReduceSettings
from ..storage import pack_floats, sha256_bytes, stable_hash, unpack_floats

# Bump when the way a layout is computed changes (the neighbour graph, UMAP's arguments), so
# layouts stored by older code are not reused.
LAYOUT_FORMAT = 1


class Layouts:
    """Makes and remembers UMAP layouts.

    Parameters
    ----------
    settings:
        ``themes.reduce``: metric, ``min_dist`` and ``n_epochs`` of every layout.
    n_neighbors, n_components:
        The resolved (``auto`` already applied) UMAP neighbours and output dimensions.
    memo:
        Where layouts are kept; None: a :func:`memory_memo` of this object's own.
    """

    def __init__(self, settings: ReduceSettings, n_neighbors: int, n_components: int,
                 memo: Memo | None = None):
        self.settings = settings
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.memo = memo or memory_memo()

    def many(self, X: np.ndarray, seeds: Sequence[int]) -> list[np.ndarray]:
        """One layout of ``X`` per seed. They share one exact neighbour graph, built only when
        a layout has to be made: the graph is the same for every seed, and building it was
        most of a layout's time."""
        data = _identity(X)
        items = [(self._key(data, seed, "exact-knn"), seed) for seed in seeds]

        def compute(todo: Iterable[int]) -> Iterator[bytes]:
            knn = None
            for seed in todo:
                if knn is None:
                    knn = exact_knn(X, self.n_neighbors, self.settings.metric)
                with _quiet_umap():
                    yield pack_floats(self._umap(seed, knn).fit_transform(X))

        return [unpack_floats(blob).reshape(len(X), -1)
                for blob in self.memo("layouts", items, compute)]

    def one(self, X: np.ndarray, seed: int, y: np.ndarray | None = None) -> np.ndarray:
        """The layout BERTopic's own reduction step makes: UMAP's neighbour search, and the
        labels ``y`` of guided modelling (-1 = none) when given."""
        data = _identity(X) + ("" if y is None else sha256_bytes(np.asarray(y).tobytes()))

        def compute(todo: Iterable[int]) -> Iterator[bytes]:
            for item_seed in todo:
                with _quiet_umap():
                    yield pack_floats(self._umap(item_seed).fit_transform(X, y=y))

        blob, = self.memo("layouts", [(self._key(data, seed, "umap-knn"), seed)], compute)
        return unpack_floats(blob).reshape(len(X), -1)

    def reducer(self, seed: int) -> Any:
        """A BERTopic ``umap_model`` whose layouts come from here."""
        return _Reducer(self, seed)

    def _key(self, data: str, seed: int, graph: str) -> str:
        import umap

        s = self.settings
        return stable_hash(LAYOUT_FORMAT, umap.__version__, data, graph, seed, self.n_neighbors,
                           self.n_components, s.min_dist, s.metric, s.n_epochs)

    def _umap(self, seed: int, knn: tuple[np.ndarray, np.ndarray] | None = None) -> Any:
        from umap import UMAP

        return UMAP(n_neighbors=self.n_neighbors, n_components=self.n_components,
                    min_dist=self.settings.min_dist, metric=self.settings.metric,
                    n_epochs=self.settings.n_epochs, random_state=seed, n_jobs=1,
                    precomputed_knn=knn if knn is not None else (None, None, None))


class _Reducer:
    """BERTopic calls ``fit_transform(embeddings, y=...)`` once per fit; nothing else here
    transforms new documents, so the layout of the fitted data is all it needs to hold."""

    def __init__(self, layouts: Layouts, seed: int):
        self.layouts, self.seed = layouts, seed
        self.embedding_: np.ndarray | None = None

    def fit(self, X: np.ndarray, y: Any = None) -> _Reducer:
        self.embedding_ = self.layouts.one(X, self.seed, None if y is None else np.asarray(y))
        return self

    def fit_transform(self, X: np.ndarray, y: Any = None) -> np.ndarray:
        return self.fit(X, y).embedding_

    def transform(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError("the themes model lays out only the units it was fitted on")


@contextmanager
def _quiet_umap() -> Iterator[None]:
    with warnings.catch_warnings():
        # n_jobs is overridden by random_state: that is the point of setting it; and with a
        # precomputed graph there is no search index for transform(), which is not used
        warnings.filterwarnings("ignore", message=".*n_jobs value.*overridden.*")
        warnings.filterwarnings("ignore", message=".*random_state.*parallelism.*")
        warnings.filterwarnings("ignore", message=".*knn_search_index.*")
        yield


def _identity(X: np.ndarray) -> str:
    array = np.ascontiguousarray(X)
    return f"{array.dtype.str}{array.shape}:{sha256_bytes(array.tobytes())}"


def exact_knn(X: np.ndarray, k: int, metric: str,
              chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours (self included, as UMAP expects) in UMAP's
    ``precomputed_knn`` form (indices, distances)."""
    X = l2_normalise(X) if metric == "cosine" else np.asarray(X, dtype=np.float32)
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
