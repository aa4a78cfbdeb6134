"""How ``auto`` parameters follow the corpus size.

Clustering parameters that suit 300 paragraphs are wrong for 30,000: a minimum theme size of
10 units turns a small corpus into two themes and a large one into hundreds. Each ``auto``
value is a function of the number of units ``n`` (square-root growth: the number of distinct
themes grows much more slowly than the corpus), clamped to a range that works at both ends.
The resolved values are written to ``themes.json``.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import UsageError
from ..settings.themes import ThemesSettings

MIN_UNITS = 10
SMALL_CORPUS_UNITS = 500   # up to here consensus asks 32 members instead of 16


def _clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, round(value))))


def auto_theme_count(n_units: int, n_documents: int) -> int:
    """The number of themes ``n_clusters: auto`` asks for.

    Paragraph units: sqrt(units / 2), about 2·sqrt(documents) for stories of eight
    paragraphs. One unit per document: 2·sqrt(documents) directly, so that clustering whole
    stories does not ask for a third as many themes as clustering their paragraphs (48
    stories: 14 themes, not 5; the reference themes of the real-text set number 13).
    """
    if n_units <= n_documents:
        return _clamp(2 * math.sqrt(n_documents), 2, 60)
    return _clamp(math.sqrt(n_units / 2), 2, 60)


def resolve(settings: ThemesSettings, n_units: int, n_documents: int,
            anchored_themes: int = 0, merged_themes: int = 0) -> dict[str, Any]:
    """Concrete clustering parameters for ``n_units`` units; raises when there are too few.

    ``anchored_themes``: curated themes anchoring the clustering; ``merged_themes``: curated
    themes a curator merged into another. An ``auto`` number of themes is then the rule's,
    less the merges (they were one theme too many), and at least the curated themes: fewer
    stories do not force two curated themes together.
    """
    if n_units < MIN_UNITS:
        raise UsageError(
            f"too few text units to find themes: {n_units} unit(s) from {n_documents} "
            f"document(s); at least {MIN_UNITS} are needed",
            hint="add documents (themes need 40+ stories to be meaningful), or cut the ones you "
            "have into more units with themes.unit: paragraph or window (lower "
            "themes.segment.max_words for more, shorter units)", code="RD240")
    reduce, cluster = settings.reduce, settings.cluster
    # UMAP: neighbours and dimensions must stay below the number of points.
    n_neighbors = reduce.n_neighbors if reduce.n_neighbors != "auto" \
        else _clamp(math.sqrt(n_units), 5, 30)
    n_neighbors = min(n_neighbors, n_units - 1)
    n_components = min(reduce.n_components, n_units - 2)
    min_cluster_size = cluster.min_cluster_size if cluster.min_cluster_size != "auto" \
        else _clamp(math.sqrt(n_units) / 2, 3, 100)
    min_cluster_size = max(2, min(min_cluster_size, n_units // 2))
    min_samples = cluster.min_samples if cluster.min_samples != "auto" \
        else max(1, min_cluster_size // 3)
    n_clusters = cluster.n_clusters if cluster.n_clusters != "auto" \
        else auto_theme_count(n_units, n_documents)
    if cluster.n_clusters == "auto" and anchored_themes:
        n_clusters = max(anchored_themes, n_clusters - merged_themes)
    n_clusters = min(n_clusters, n_units - 1)
    member_clusters = n_clusters if cluster.member_clusters == "auto" \
        else min(cluster.member_clusters, n_units - 1)
    spectral_neighbors = min(cluster.n_neighbors, n_units - 1)
    members = cluster.members if cluster.members != "auto" \
        else (32 if n_units <= SMALL_CORPUS_UNITS else 16)
    return {"n_units": n_units, "n_documents": n_documents,
            "umap_n_neighbors": n_neighbors, "umap_n_components": n_components,
            "min_cluster_size": min_cluster_size, "min_samples": min_samples,
            "n_clusters": n_clusters, "member_clusters": member_clusters,
            "spectral_n_neighbors": spectral_neighbors, "members": members}
