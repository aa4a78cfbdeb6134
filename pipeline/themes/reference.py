"""Measures against reference themes beyond one label per document: the multi-label hit rate,
the k-means baseline on the same vectors, and the precision of catalogue labels.

A partition is only as good as the trivial alternative it beats. ``kmeans_baseline`` clusters
the documents' mean unit vectors (the vectors the themes stage clusters, averaged per
document) with plain k-means, so ``evaluate themes`` can report our AMI next to it, measured in
the same run on the same embeddings.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

from ..errors import UsageError
from ..ingest.ids import slugify

BASELINE_SEEDS = (0, 1, 2, 3, 4)


def read_further(path: Path, field: str) -> dict[str, list[str]]:
    """``{document id: further reference themes}`` from the labels file (missing: none)."""
    further: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                value = row.get(field) or []
                further[slugify(str(row["id"]))] = [str(v) for v in value] \
                    if isinstance(value, list) else [str(value)]
    return further


def read_catalogue_map(path: Path) -> dict[str, str | None]:
    """``{catalogue entry name: reference theme id or None}`` (None: stands for no theme)."""
    if not path.is_file():
        raise UsageError(f"catalogue map not found: {path}", code="RD250",
                         hint="a YAML mapping of catalogue names to reference theme ids")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of catalogue names to theme ids",
                         code="RD250")
    return {str(k): (None if v is None else str(v)) for k, v in data.items()}


def majority_reference(documents_of: Mapping[int, Sequence[str]],
                       labels: Mapping[str, str]) -> dict[int, str]:
    """The reference main theme most of each found theme's labelled documents have."""
    result = {}
    for theme, docs in documents_of.items():
        counts = Counter(labels[d] for d in docs if d in labels)
        if counts:
            result[theme] = min(counts, key=lambda k: (-counts[k], k))
    return result


def top2_hit_rate(document_themes: Sequence[Mapping[str, Any]], labels: Mapping[str, str],
                  mapped: Mapping[int, str]) -> float | None:
    """Share of labelled documents whose reference main theme is what one of their two
    strongest found themes stands for (each found theme stands for its majority theme)."""
    hits = total = 0
    for row in document_themes:
        doc_id = str(row["id"])
        if doc_id not in labels:
            continue
        total += 1
        ranked = sorted(row.get("themes") or [], key=lambda t: -t["weight"])[:2]
        hits += any(mapped.get(int(t["theme"])) == labels[doc_id] for t in ranked)
    return round(hits / total, 4) if total else None


def document_vectors(units: Sequence[Mapping[str, Any]], embeddings: np.ndarray,
                     ids: Sequence[str]) -> np.ndarray:
    """Mean of each document's normalised unit vectors, normalised again."""
    rows: dict[str, list[int]] = defaultdict(list)
    for position, unit in enumerate(units):
        rows[str(unit["doc_id"])].append(position)
    vectors = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    result = np.zeros((len(ids), embeddings.shape[1]))
    for i, doc_id in enumerate(ids):
        if rows.get(doc_id):
            mean = vectors[rows[doc_id]].mean(axis=0)
            result[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return result


def kmeans_baseline(vectors: np.ndarray, reference: Sequence[str], ks: Sequence[int],
                    seeds: Sequence[int] = BASELINE_SEEDS) -> dict[str, dict[str, float]]:
    """AMI and NMI of plain k-means on the document vectors, mean over seeds, per k."""
    result = {}
    for k in sorted({int(k) for k in ks if 1 < k < len(vectors)}):
        ami, nmi = [], []
        for seed in seeds:
            found = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors)
            ami.append(adjusted_mutual_info_score(reference, found))
            nmi.append(normalized_mutual_info_score(reference, found))
        result[str(k)] = {"ami": round(float(np.mean(ami)), 4),
                          "nmi": round(float(np.mean(nmi)), 4)}
    return result


def catalogue_precision(themes: Sequence[Mapping[str, Any]], labels: Mapping[str, str],
                        further: Mapping[str, Sequence[str]],
                        catalogue_map: Mapping[str, str | None]) -> dict[str, Any]:
    """How many catalogue labels are right: a label is right when at least half of its
    theme's labelled documents have the label's reference theme as main or further theme.

    Labels whose entry stands for no reference theme (``None`` in the map) are not judged.
    """
    judged = right = 0
    detail = []
    for theme in themes:
        name = theme.get("curated_label")
        if not name:
            continue
        if name not in catalogue_map:
            raise UsageError(f"catalogue entry {name!r} is not in the catalogue map",
                             code="RD251", hint="add it to the map (null: judged by no theme)")
        target = catalogue_map[name]
        docs = [d for d in theme.get("documents", []) if d in labels]
        if target is None or not docs:
            continue
        share = sum(target == labels[d] or target in further.get(d, ()) for d in docs) / len(docs)
        judged += 1
        right += share >= 0.5
        detail.append({"theme": theme["id"], "label": name, "reference": target,
                       "share": round(share, 4), "right": share >= 0.5})
    return {"judged": judged, "right": right,
            "precision": round(right / judged, 4) if judged else None, "labels": detail}


def reference_measures(themes_out: Mapping[str, Any], embed_out: Mapping[str, Any],
                       reference: Mapping[str, str], further: Mapping[str, Sequence[str]],
                       catalogue_map: Mapping[str, str | None] | None,
                       found_themes: int) -> dict[str, Any]:
    """The measures of ``evaluate themes`` beyond label agreement, from a run's themes and
    embed outputs: top-2 hit rate, k-means on the encoder's document vectors (without the
    lexical part) at the reference's and the run's number of themes, and, with a catalogue
    map, catalogue label precision."""
    rows = themes_out["document_themes.jsonl"]
    documents_of: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        if int(row["main_theme"]) >= 0:
            documents_of[int(row["main_theme"])].append(str(row["id"]))
    in_run = {str(r["id"]) for r in rows}
    ids = sorted(d for d in reference if d in in_run)
    semantic = embed_out["embed_summary.json"].get("semantic_dimensions")
    matrix = embed_out["embeddings.npy"]
    vectors = document_vectors(embed_out["units.jsonl"],
                               matrix[:, :semantic] if semantic else matrix, ids)
    measures: dict[str, Any] = {
        "top2_hit_rate": top2_hit_rate(rows, reference,
                                       majority_reference(documents_of, reference)),
        "kmeans": kmeans_baseline(vectors, [reference[d] for d in ids],
                                  [found_themes, len(set(reference.values()))]),
    }
    if catalogue_map is not None:
        measures["catalogue"] = catalogue_precision(themes_out["themes.json"]["themes"],
                                                    reference, further, catalogue_map)
    return measures
