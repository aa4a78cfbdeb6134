"""From a processed spaCy Doc to the document's entity record.

A record lists every mention (type, text, character offsets into the cleaned text, paragraph
index, source and canonical fields) and the per-document sets readers ask for: the partners
(distinct organisations with their sector) and whether they mix public and private parties
(``pps``), the regions resolved upward (municipality -> labour-market region -> province), and
the target groups.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import Any

from spacy.tokens import Doc

from .components import SPANS_KEY
from .gazetteer import Gazetteer

REGION_GROUPS = {"gemeente": "gemeenten", "arbeidsmarktregio": "arbeidsmarktregios",
                 "provincie": "provincies", "land": "landen", "plaats": "plaatsen",
                 "woonplaats": "woonplaatsen"}


def mentions(doc: Doc, paragraph_starts: list[int]) -> list[dict[str, Any]]:
    meta = doc.user_data.get(SPANS_KEY, {})
    found = []
    for ent in doc.ents:
        fields = meta.get(f"{ent.start}:{ent.end}")
        if fields is not None:
            found.append(_mention(ent.label_, ent.text, ent.start_char, ent.end_char, fields,
                                  paragraph_starts))
    for key, fields in meta.items():
        if key.startswith("inner:"):
            _, start, end = key.split(":")
            span = doc[int(start):int(end)]
            found.append({**_mention("REGION", span.text, span.start_char, span.end_char,
                                     fields, paragraph_starts), "inside_organisation": True})
    return sorted(found, key=lambda m: (m["start"], m["end"]))


def _mention(type_: str, text: str, start: int, end: int, fields: dict[str, Any],
             paragraph_starts: list[int]) -> dict[str, Any]:
    return {"type": type_, "text": text, "start": start, "end": end,
            "paragraph": max(bisect_right(paragraph_starts, start) - 1, 0), **fields}


def document_record(doc_id: str, source: str, found: list[dict[str, Any]],
                    gazetteer: Gazetteer, region_of_gemeente_actor: bool,
                    pps_includes_generic: bool = False) -> dict[str, Any]:
    partners = _partners(found)
    sectors = {p["sector"] for p in partners if pps_includes_generic or not p["generic"]}
    return {"id": doc_id, "source": source, "entities": found, "partners": partners,
            "pps": "publiek" in sectors and "privaat" in sectors,
            "regions": resolve_regions(found, gazetteer, region_of_gemeente_actor),
            "doelgroepen": sorted({m["id"] for m in found if m["type"] == "DOELGROEP"})}


def _partners(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter(m["id"] for m in found if m["type"] == "ORGANISATION")
    first: dict[str, dict[str, Any]] = {}
    for m in found:
        if m["type"] == "ORGANISATION":
            first.setdefault(m["id"], m)
    return [{"id": i, "name": first[i]["name"], "kind": first[i]["kind"],
             "sector": first[i].get("sector", "onbekend"),
             "generic": first[i].get("generic", False), "mentions": counts[i]}
            for i in sorted(first)]


def resolve_regions(found: list[dict[str, Any]], gazetteer: Gazetteer,
                    region_of_gemeente_actor: bool) -> dict[str, list[str]]:
    """Sets of region ids per level; a municipality adds its region and province, a
    labour-market region adds its province when all its municipalities share one."""
    groups: dict[str, set[str]] = {name: set() for name in
                                   [*REGION_GROUPS.values(), "onzeker"]}
    for m in found:
        if m["type"] == "REGION" and not m.get("inside_organisation"):
            code = m["id"]
        elif region_of_gemeente_actor and m.get("region_id"):
            code = m["region_id"]
        else:
            continue
        entry = gazetteer.entries.get(code)
        kind = entry.kind if entry else m.get("kind", "plaats")
        if entry is not None and not entry.certain:
            groups["onzeker"].add(code)
            continue
        groups[REGION_GROUPS.get(kind, "plaatsen")].add(code)
        if kind == "woonplaats" and entry is not None:   # a village: its municipality too
            groups["gemeenten"].add(entry.gemeente_code)
        if kind in {"gemeente", "woonplaats"} and entry is not None:
            groups["arbeidsmarktregios"].add(entry.region_code)
            groups["provincies"].add(entry.province_code)
        elif kind == "arbeidsmarktregio":
            provinces = gazetteer.provinces_of_region.get(code, set())
            if len(provinces) == 1:
                groups["provincies"] |= provinces
    return {name: sorted(code for code in ids if code) for name, ids in groups.items()}

