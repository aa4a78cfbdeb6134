"""Stable theme ids across runs, from what the themes contain.

Clustering numbers its themes afresh each run, and on another machine (other floating-point
details in UMAP and BLAS) or after a few new stories the same theme can come out with other
terms. Each run therefore leaves a registry of its themes (id, label, top terms with weights,
and the units each holds); the next run matches its themes to those by *membership*:

- the overlap of members is the Jaccard index of two themes' units, counted only over the units
  present in both runs (a new story cannot lower it, a removed one cannot either);
- the similarity of their top c-TF-IDF terms is a second signal that scales the overlap
  between ``1 - export.theme_match_term_weight`` and 1, and the only signal when the runs
  share no units;
- one-to-one (Hungarian) assignment of the blended score; a pair at or above
  ``export.theme_match_threshold`` keeps the old id. Unmatched themes get ids never used
  before (the registry keeps a counter), so a vanished theme's id is not recycled.

Besides the ids, :func:`match_themes` says for every theme what it continues and how sure that
is, and which earlier themes split (their units went in a substantial share each into two or
more themes) or merged (two or more earlier themes went substantially into one theme): the
lineage the curator sees in themes.json, the report and themes.xlsx.

Curated decisions may carry the units of the theme as the curator reviewed it
(:mod:`pipeline.export.curation`); a curated id the registry does not know (no previous run in
this outputs folder, or the theme vanished and came back) is matched by those units.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

REGISTRY_TERMS = 30


@dataclass(frozen=True)
class MatchSettings:
    """``threshold``: score from which an old id is kept; ``term_weight``: share of term
    similarity in the score; ``split_share``: share of an earlier theme's units that makes
    a part of a split or merge."""

    threshold: float = 0.3
    term_weight: float = 0.2
    split_share: float = 0.25


@dataclass
class Candidate:
    """An earlier theme: from the previous run's registry, or a curated snapshot."""

    id: int
    label: str | None
    terms: dict[str, float]
    units: frozenset[str]
    from_registry: bool


@dataclass
class Matching:
    mapping: dict[int, int]                           # raw id -> stable id
    lineage: dict[int, dict[str, Any]]                # stable id -> lineage record
    summary: dict[str, Any] = field(default_factory=dict)


def match_themes(themes: Sequence[Mapping[str, Any]], members: Mapping[int, Sequence[str]],
                 previous: Mapping[str, Any] | None,
                 snapshots: Mapping[int, Sequence[str]] | None = None,
                 settings: MatchSettings = MatchSettings()) -> Matching:
    """Stable ids and lineage for this run's ``themes`` (raw ids, in clustering order).

    ``members``: raw theme id -> its unit ids. ``previous``: the previous run's registry (or
    None). ``snapshots``: curated theme id -> the units it held when reviewed.
    """
    candidates = _candidates(previous, snapshots or {})
    now_units = frozenset(u for units in members.values() for u in units)
    old_units = frozenset(u for c in candidates for u in c.units)
    shared = now_units & old_units
    raw_ids = [int(t["id"]) for t in themes]
    new_sets = {tid: frozenset(members.get(tid, ())) & shared for tid in raw_ids}
    old_sets = {c.id: c.units & shared for c in candidates}

    overlap = _jaccard_table([new_sets[t] for t in raw_ids],
                             [old_sets[c.id] for c in candidates])
    terms = np.zeros_like(overlap)
    for i, theme in enumerate(themes):
        vector = term_vector(theme)
        for j, cand in enumerate(candidates):
            terms[i, j] = _cosine(vector, cand.terms)
    # Terms modulate the member overlap and never replace it: with term_weight 0.2 they
    # decide only between candidates whose overlaps are within a fifth of each other, so the
    # part of a split theme that holds most of its units keeps the id (and curated label).
    score = overlap if shared else terms
    if shared:
        has_terms = np.array([bool(c.terms) for c in candidates], dtype=bool)
        blended = overlap * (1 - settings.term_weight + settings.term_weight * terms)
        score = np.where(has_terms[None, :], blended, overlap)

    next_id = int((previous or {}).get("next_id", 0))
    mapping: dict[int, int] = {}
    continued: dict[int, int] = {}                     # raw id -> candidate index
    if candidates and raw_ids:
        rows, cols = linear_sum_assignment(-score)
        for r, c in zip(rows, cols, strict=True):
            if score[r, c] >= settings.threshold and score[r, c] > 0:
                mapping[raw_ids[r]] = candidates[c].id
                continued[raw_ids[r]] = int(c)
    used = {c.id for c in candidates} | set(mapping.values())
    next_id = max([next_id, *(i + 1 for i in used)]) if used else next_id
    for tid in raw_ids:  # new themes, numbered in clustering order after every id in use
        if tid not in mapping:
            mapping[tid] = next_id
            next_id += 1

    flows = _flows(candidates, old_sets, new_sets, mapping, settings.split_share)
    lineage = {}
    for i, tid in enumerate(raw_ids):
        j = continued.get(tid)
        lineage[mapping[tid]] = _record(
            mapping[tid], None if j is None else candidates[j], None if j is None else {
                "score": score[i, j], "overlap": overlap[i, j] if shared else None,
                "terms": terms[i, j]}, flows)
    summary = {"previous_themes": sum(c.from_registry for c in candidates),
               "curated_snapshots": sum(not c.from_registry for c in candidates),
               "shared_units": len(shared), "units": len(now_units),
               "splits": flows["splits"], "merges": flows["merges"],
               "ended": [{"id": c.id, "label": c.label,
                          "went_to": flows["destinations"].get(c.id, [])}
                         for c in candidates if c.from_registry
                         and c.id not in set(mapping.values())]}
    return Matching(mapping, lineage, summary)


def _candidates(previous: Mapping[str, Any] | None, snapshots: Mapping[int, Sequence[str]]
                ) -> list[Candidate]:
    found = [Candidate(int(o["id"]), o.get("label"), dict(o.get("terms") or {}),
                       frozenset(o.get("units") or ()), True)
             for o in (previous or {}).get("themes", [])]
    known = {c.id for c in found}
    found += [Candidate(int(tid), None, {}, frozenset(units), False)
              for tid, units in sorted(snapshots.items()) if int(tid) not in known and units]
    return found


def _flows(candidates: Sequence[Candidate], old_sets: Mapping[int, frozenset[str]],
           new_sets: Mapping[int, frozenset[str]], mapping: Mapping[int, int],
           split_share: float) -> dict[str, Any]:
    """Where each earlier theme's shared units went, and the splits and merges that makes."""
    where = {u: mapping[tid] for tid, units in new_sets.items() for u in units}
    destinations: dict[int, list[dict[str, Any]]] = {}
    sources: dict[int, list[tuple[int, float]]] = {}
    splits = []
    for cand in candidates:
        units = old_sets[cand.id]
        if not units:
            continue
        counts = Counter(where.get(u, -1) for u in units)
        went = [{"theme": t, "share": round(n / len(units), 3)}
                for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        destinations[cand.id] = went
        parts = [w for w in went if w["theme"] >= 0 and w["share"] >= split_share]
        if cand.from_registry and len(parts) >= 2:
            splits.append({"theme": cand.id, "into": parts})
        for w in parts:
            if cand.from_registry:
                sources.setdefault(w["theme"], []).append((cand.id, w["share"]))
    merges = [{"theme": t, "from": [{"theme": o, "share": s} for o, s in sorted(found)]}
              for t, found in sorted(sources.items()) if len(found) >= 2]
    return {"destinations": destinations, "splits": splits, "merges": merges}


def _record(stable: int, cand: Candidate | None, match: dict[str, Any] | None,
            flows: Mapping[str, Any]) -> dict[str, Any]:
    split_from = sorted(s["theme"] for s in flows["splits"]
                        if any(p["theme"] == stable for p in s["into"])
                        and (cand is None or s["theme"] != cand.id))
    merged_with = sorted(o["theme"] for m in flows["merges"] if m["theme"] == stable
                         for o in m["from"] if cand is None or o["theme"] != cand.id)
    was_split = cand is not None and any(s["theme"] == cand.id for s in flows["splits"])
    if cand is None:
        status = "split" if split_from else "new"
        text = f"split from {', '.join(f'T{t}' for t in split_from)}" if split_from else "new"
    else:
        status = "continues"
        strength = match["overlap"] if match["overlap"] is not None else match["terms"]
        text = f"continues T{cand.id} ({strength:.2f})"
        if was_split:
            text += ", which split"
        if not cand.from_registry:
            text += ", found by the curated units"
    if merged_with:
        text += f"; merged with {', '.join(f'T{t}' for t in merged_with)}"
    return {"status": status, "continues": None if cand is None else cand.id,
            "score": None if match is None else round(float(match["score"]), 3),
            "overlap": None if match is None or match["overlap"] is None
            else round(float(match["overlap"]), 3),
            "term_similarity": None if match is None else round(float(match["terms"]), 3),
            "split_from": split_from, "merged_with": merged_with,
            "previous_split": was_split, "text": text}


def theme_members(units: Iterable[Mapping[str, Any]]) -> dict[int, list[str]]:
    """Unit ids per theme from theme_units rows (outliers, theme -1, left out)."""
    members: dict[int, list[str]] = {}
    for unit in units:
        if unit["theme"] >= 0:
            members.setdefault(int(unit["theme"]), []).append(unit["id"])
    return members


def registry(themes: Sequence[Mapping[str, Any]], members: Mapping[int, Sequence[str]],
             mapping: Mapping[int, int], previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """The registry this run leaves for the next one (raw themes under their stable ids)."""
    used = [*mapping.values(), *(int(o["id"]) for o in (previous or {}).get("themes", []))]
    next_id = max([int((previous or {}).get("next_id", 0)), *(i + 1 for i in used)])
    return {"next_id": next_id,
            "themes": [{"id": mapping[int(t["id"])], "label": t["label"],
                        "terms": term_vector(t),
                        "units": sorted(members.get(int(t["id"]), ()))} for t in themes]}


def term_vector(theme: Mapping[str, Any]) -> dict[str, float]:
    return {t["term"]: float(t["weight"]) for t in theme["terms"][:REGISTRY_TERMS]}


def _jaccard_table(new: Sequence[frozenset[str]], old: Sequence[frozenset[str]]) -> np.ndarray:
    """Jaccard index of every new set with every old one, from one contingency table: a
    pass over the units rather than a set operation per pair (large corpora have many
    themes). A unit in several old sets (curated snapshots of different runs) counts in
    each."""
    where = {unit: i for i, units in enumerate(new) for unit in units}
    shared = np.zeros((len(new), len(old)))
    for j, units in enumerate(old):
        for unit in units:
            if unit in where:
                shared[where[unit], j] += 1
    sizes_new = np.array([len(u) for u in new], dtype=float)[:, None]
    sizes_old = np.array([len(u) for u in old], dtype=float)[None, :]
    union = sizes_new + sizes_old - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    dot = sum(weight * b[term] for term, weight in a.items() if term in b)
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0
