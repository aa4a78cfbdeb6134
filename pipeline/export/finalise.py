"""Stable ids and curators' decisions applied to every theme artifact of a run.

:func:`compute_themes` numbers themes as the clustering found them; :func:`finalise` renames
them to stable ids (matched to the previous run's registry) and applies
``configs/curation.yaml``, so that themes.json, document_themes.jsonl, theme_units.jsonl and
everything exported from them agree. It belongs to the export stage, not the themes stage:
editing a curated label (or this code) then re-runs only the cheap export, never the
clustering. Sweeps and evaluations use the raw numbering: they measure clustering.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .curation import apply_curation
from .identity import match_ids, registry


def finalise(outputs: Mapping[str, Any], previous: Mapping[str, Any] | None,
             decisions: Mapping[int, Mapping[str, Any]], threshold: float
             ) -> tuple[dict[str, Any], dict[int, int | None]]:
    """Final artifacts, and the map raw theme id -> final id (None: deleted)."""
    data = copy.deepcopy(dict(outputs["themes.json"]))
    raw = data["themes"]
    mapping = match_ids(raw, previous, threshold)
    renamed = [{**t, "id": mapping[t["id"]]} for t in raw]
    rows = [{**row, "themes": [{**w, "theme": mapping[w["theme"]]} for w in row["themes"]]}
            for row in outputs["document_themes.jsonl"]]
    themes, rows, report = apply_curation(renamed, rows, decisions)
    final = _final_ids(mapping, {t["id"]: t for t in themes})
    labels = {t["id"]: t["label"] for t in themes}
    curated = {t["id"]: t.get("curated_label") for t in themes}
    for row in rows:
        main = row["main_theme"]
        row.update(main_theme=-1 if main is None else main, main_label=labels.get(main),
                   main_curated_label=curated.get(main))
    for node in data.get("hierarchy", []):
        node["themes"] = sorted({final[t] for t in node["themes"] if final.get(t) is not None})
    units = [{**u, "theme": -1 if u["theme"] < 0 or final.get(u["theme"]) is None
              else final[u["theme"]]} for u in outputs["theme_units.jsonl"]]
    data["themes"] = themes
    data["outliers"] = {**data["outliers"],
                        "units": sum(1 for u in units if u["theme"] < 0),
                        "documents": [r["id"] for r in rows if r["main_theme"] < 0]}
    data["curation"] = report
    result = {**outputs, "themes.json": data, "document_themes.jsonl": rows,
              "theme_units.jsonl": units,
              "theme_registry.json": registry(raw, mapping, previous)}
    return result, final


def _final_ids(mapping: Mapping[int, int], kept: Mapping[int, Any]) -> dict[int, int | None]:
    """Raw id -> id after merges, or None when deleted."""
    merged_into = {source: tid for tid, t in kept.items() for source in t.get("merged_from", [])}
    final = {}
    for raw, stable in mapping.items():
        if stable in kept:
            final[raw] = stable
        else:
            final[raw] = merged_into.get(stable)
    return final
