"""Stable ids, lineage and curators' decisions applied to every theme artifact of a run.

:func:`compute_themes` numbers themes as the clustering found them; :func:`finalise` renames
them to stable ids (matched to the previous run's registry by membership,
:mod:`pipeline.export.identity`), applies ``configs/curation.yaml``, and checks every curated
label against what the curator reviewed: a label whose theme drifted, split or merged is
flagged for review, and a decision whose theme is gone is reported with where its units went.
No curated label disappears without a line saying so. themes.json, document_themes.jsonl,
theme_units.jsonl and everything exported from them agree. It belongs to the export stage,
not the themes stage: editing a curated label (or this code) then re-runs only the cheap
export, never the clustering. Sweeps and evaluations use the raw numbering: they measure
clustering.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ..embed.units import split_unit_id
from .curation import apply_curation, follow_merges
from .identity import MatchSettings, match_themes, registry, theme_members

log = logging.getLogger("rodedraden")


def finalise(outputs: Mapping[str, Any], previous: Mapping[str, Any] | None,
             decisions: Mapping[int, Mapping[str, Any]], settings: Any
             ) -> tuple[dict[str, Any], dict[int, int | None]]:
    """Final artifacts, and the map raw theme id -> final id (None: deleted).

    ``settings``: the ``export`` section (match threshold and weights, review overlap)."""
    data = copy.deepcopy(dict(outputs["themes.json"]))
    raw = data["themes"]
    members = theme_members(outputs["theme_units.jsonl"])
    snapshots = {tid: d["units"] for tid, d in decisions.items() if d.get("units")}
    matching = match_themes(raw, members, previous, snapshots, MatchSettings(
        settings.theme_match_threshold, settings.theme_match_term_weight,
        settings.theme_split_share))
    mapping = matching.mapping
    renamed = [{**t, "id": mapping[t["id"]], "lineage": matching.lineage[mapping[t["id"]]]}
               for t in raw]
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
    stable_to_final = {mapping[r]: f for r, f in final.items()}
    shown = {t["id"]: t.get("curated_label") or t["label"] for t in themes}
    report.update(_review(themes, units, decisions, report, previous,
                          settings.curation_review_overlap, shown))
    data["themes"] = themes
    data["lineage"] = _lineage_summary(matching.summary, stable_to_final)
    data["outliers"] = {**data["outliers"],
                        "units": sum(1 for u in units if u["theme"] < 0),
                        "documents": [r["id"] for r in rows if r["main_theme"] < 0]}
    data["curation"] = report
    _log(data["lineage"], report)
    result = {**outputs, "themes.json": data, "document_themes.jsonl": rows,
              "theme_units.jsonl": units,
              "theme_registry.json": registry(raw, members, mapping, previous)}
    return result, final


def _review(themes: Sequence[dict[str, Any]], units: Sequence[Mapping[str, Any]],
            decisions: Mapping[int, Mapping[str, Any]], report: Mapping[str, Any],
            previous: Mapping[str, Any] | None, min_overlap: float,
            shown: Mapping[int, str]) -> dict[str, Any]:
    """Curated labels to look at again, and where the units of stale decisions went."""
    docs_now = {str(u["doc_id"]) for u in units}
    known_before = {split_unit_id(u)[0] for d in decisions.values() for u in d.get("units", ())}
    known_before |= {split_unit_id(u)[0] for t in (previous or {}).get("themes", [])
                     for u in t.get("units", ())}
    review = []
    for theme in themes:
        decision = decisions.get(theme["id"])
        lineage = theme.get("lineage") or {}
        reasons, overlap = [], None
        if decision is not None and decision["action"] != "delete" and decision.get("units"):
            then = {split_unit_id(u)[0] for u in decision["units"]} & docs_now
            now = set(theme["documents"]) & (known_before or docs_now)
            overlap = round(len(then & now) / len(then | now), 3) if then | now else 0.0
            if overlap < min_overlap:
                reasons.append(f"shares {overlap:.2f} of its documents with the theme as "
                               "reviewed (Jaccard)")
        if decision is not None and lineage.get("previous_split"):
            reasons.append(f"T{lineage['continues']} split; this theme holds the largest "
                           "part of its units")
        merged = [t for t in lineage.get("merged_with", [])
                  if follow_merges(t, decisions) != theme["id"]]   # not the curator's merges
        if decision is not None and merged:
            reasons.append("merged with " + ", ".join(f"T{t}" for t in merged))
        theme["review"] = reasons
        if reasons:
            review.append({"theme": theme["id"], "label": shown[theme["id"]],
                           "overlap": overlap, "reasons": reasons})
    where = {u["id"]: u["theme"] for u in units}
    registered = {int(t["id"]): t.get("units", []) for t in (previous or {}).get("themes", [])}
    details = []
    for tid in report["stale"]:
        decision = decisions[tid]
        held = decision.get("units") or registered.get(tid) or []
        counts = Counter(where.get(u, "gone") for u in held)
        went = [{"theme": t, "label": shown.get(t), "share": round(n / len(held), 3)}
                for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
                if t != "gone"]
        details.append({"theme": tid, "label": decision.get("label"),
                        "action": decision["action"], "units_known": len(held), "went_to": went,
                        "share_no_longer_in_corpus": round(counts["gone"] / len(held), 3)
                        if held else None})
    return {"review": review, "stale_details": details}


def stale_destinations(stale: Mapping[str, Any], most: int = 4) -> str:
    """Where a stale decision's units went, for people: "T4 'Techniek' (60%), not in the
    corpus any more (40%)" (the log and the report say it the same way)."""
    went = [f"T{w.get('theme')} {w.get('label')!r} ({float(w.get('share') or 0):.0%})"
            if (w.get("theme") or 0) >= 0 else f"no theme ({float(w.get('share') or 0):.0%})"
            for w in (stale.get("went_to") or [])[:most] if isinstance(w, Mapping)]
    gone = stale.get("share_no_longer_in_corpus")
    if gone:
        went.append(f"not in the corpus any more ({float(gone):.0%})")
    return ", ".join(went) or "unknown (the decision has no units)"


def _lineage_summary(summary: Mapping[str, Any], stable_to_final: Mapping[int, int | None]
                     ) -> dict[str, Any]:
    """The matching summary with this run's theme ids as they are after curation."""
    def final(theme: int) -> int:
        # -1: no theme (an outlier, or a theme the curator deleted)
        found = stable_to_final.get(theme, theme) if theme >= 0 else -1
        return -1 if found is None else found

    def moved(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [{**w, "theme": final(w["theme"])} for w in items]

    return {**summary,
            "splits": [{"theme": s["theme"], "into": moved(s["into"])} for s in summary["splits"]],
            "merges": [{"theme": final(m["theme"]), "from": m["from"]}
                       for m in summary["merges"]],
            "ended": [{**e, "went_to": moved(e["went_to"])} for e in summary["ended"]]}


def _log(lineage: Mapping[str, Any], report: Mapping[str, Any]) -> None:
    def parts(items: Sequence[Mapping[str, Any]]) -> str:
        return ", ".join(f"T{w['theme']} ({w['share']:.0%})" if w["theme"] >= 0
                         else f"no theme ({w['share']:.0%})" for w in items)

    for split in lineage["splits"]:
        log.info("themes: T%s of the previous run split into %s", split["theme"],
                 parts(split["into"]))
    for merge in lineage["merges"]:
        log.info("themes: T%s merges %s of the previous run", merge["theme"],
                 parts(merge["from"]))
    for item in report["review"]:
        log.warning("curation: review the label %r of T%s: %s", item["label"], item["theme"],
                    "; ".join(item["reasons"]))


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
