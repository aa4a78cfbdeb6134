"""What the clustering sees: the unit embeddings, plus the target groups each unit names.

A multilingual sentence encoder places two short stories close when they are told alike (an
interview with quotes, a news item, a programme page) more than when they are about the same
people. On real praktijkverhalen the group of people a story is for is most of what it is
about: statushouders, jongeren, 50-plussers, mensen met een arbeidsbeperking. The entity stage
already finds those groups (``DOELGROEP``); their counts per unit, log-damped and normalised,
are appended to the embedding with ``themes.doelgroep_weight``. Only the clustering sees
them: theme descriptions, passages and catalogue labels use the embeddings alone.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def doelgroep_counts(units: Sequence[Mapping[str, Any]],
                     entity_docs: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Units x target groups: how often each group is mentioned inside each unit."""
    mentions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc in entity_docs:
        for m in doc.get("entities") or []:
            if m.get("type") == "DOELGROEP" and m.get("id"):
                mentions[str(doc["id"])].append((int(m["start"]), str(m["id"])))
    groups = sorted({group for found in mentions.values() for _, group in found})
    column = {group: j for j, group in enumerate(groups)}
    counts = np.zeros((len(units), len(groups)), dtype=np.float64)
    for doc_id, found in mentions.items():
        found.sort()
        starts = [start for start, _ in found]
        for i, unit in enumerate(units):
            if unit["doc_id"] != doc_id:
                continue
            first = bisect_right(starts, int(unit["start"]) - 1)
            last = bisect_right(starts, int(unit["end"]) - 1)
            for _, group in found[first:last]:
                counts[i, column[group]] += 1
    return counts


def cluster_points(embeddings: np.ndarray, units: Sequence[Mapping[str, Any]],
                   entity_docs: Sequence[Mapping[str, Any]] | None,
                   weight: float) -> np.ndarray:
    """The vectors the clustering sees: ``embeddings`` with weighted target-group counts
    appended, then normalised to unit length (cosine geometry, as UMAP is told)."""
    if weight <= 0 or not entity_docs or len(units) == 0:
        return embeddings
    counts = doelgroep_counts(units, entity_docs)
    if counts.shape[1] == 0:
        return embeddings
    groups = np.log1p(counts)
    norms = np.linalg.norm(groups, axis=1, keepdims=True)
    groups = np.divide(groups, norms, out=np.zeros_like(groups), where=norms > 0)
    base = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    points = np.hstack([base, weight * groups])
    points /= np.maximum(np.linalg.norm(points, axis=1, keepdims=True), 1e-12)
    return points.astype(np.float32)
