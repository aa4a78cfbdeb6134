"""Stable theme ids across runs (applied by the export stage to every theme output).

Clustering numbers its themes afresh each run (by size), so adding three stories can swap
theme 2 and theme 3 and a curator's label would land on the wrong theme. Each run therefore
keeps a registry of its themes (id, label, top c-TF-IDF terms with weights) in the run folder;
the next run matches its new themes to the registry of the previous run by the cosine
similarity of those term weights, one to one (Hungarian assignment), and a match at or above
the threshold keeps the old id. Unmatched themes get ids never used before (the registry keeps
a counter), so a deleted or vanished theme's id is not recycled for something else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

REGISTRY_TERMS = 30


def match_ids(themes: Sequence[Mapping[str, Any]], previous: Mapping[str, Any] | None,
              threshold: float) -> dict[int, int]:
    """Map this run's theme ids to stable ids."""
    old = list((previous or {}).get("themes", []))
    next_id = int((previous or {}).get("next_id", 0))
    mapping: dict[int, int] = {}
    if old and themes:
        scores = np.array([[_cosine(_vector(t), o["terms"]) for o in old] for t in themes])
        rows, cols = linear_sum_assignment(-scores)
        for r, c in zip(rows, cols, strict=True):
            if scores[r, c] >= threshold:
                mapping[int(themes[r]["id"])] = int(old[c]["id"])
    used = {int(o["id"]) for o in old} | set(mapping.values())
    next_id = max([next_id, *(i + 1 for i in used)]) if used else next_id
    # New themes are numbered in their order of size (the clustering order), after the old.
    for theme in themes:
        if int(theme["id"]) not in mapping:
            mapping[int(theme["id"])] = next_id
            next_id += 1
    return mapping


def registry(themes: Sequence[Mapping[str, Any]], mapping: Mapping[int, int],
             previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """The registry this run leaves for the next one."""
    used = [*mapping.values(), *(int(o["id"]) for o in (previous or {}).get("themes", []))]
    next_id = max([int((previous or {}).get("next_id", 0)), *(i + 1 for i in used)])
    return {"next_id": next_id,
            "themes": [{"id": mapping[int(t["id"])], "label": t["label"],
                        "terms": _vector(t)} for t in themes]}


def _vector(theme: Mapping[str, Any]) -> dict[str, float]:
    return {t["term"]: float(t["weight"]) for t in theme["terms"][:REGISTRY_TERMS]}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    dot = sum(weight * b[term] for term, weight in a.items() if term in b)
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0
