"""A theme's profile from the entity stage: where it occurs and who is involved.

Plain functions over the entity stage's ``documents.jsonl`` records (``{id, partners, pps,
regions: {gemeenten, arbeidsmarktregios, provincies, ...}, doelgroepen, entities}``), so they
are testable without running that stage. Counts are numbers of the theme's documents that
mention an item: a region named ten times in one story counts once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

REGION_KINDS = ("gemeenten", "arbeidsmarktregios", "provincies")


def names_of(entity_docs: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Display names by id, from the mentions and partner lists of all documents."""
    names: dict[str, str] = {}
    for doc in entity_docs:
        for item in list(doc.get("entities") or []) + list(doc.get("partners") or []):
            if isinstance(item, Mapping) and item.get("id") and item.get("name"):
                names.setdefault(str(item["id"]), str(item["name"]))
    return names


def theme_profile(doc_ids: Sequence[str], entity_docs: Mapping[str, Mapping[str, Any]],
                  names: Mapping[str, str], top: int) -> dict[str, Any]:
    """Profile of the documents ``doc_ids`` of one theme.

    ``entity_docs`` maps document id to its entity record; documents without one (filtered by
    the entity stage) are left out of the shares and counted in ``documents_with_entities``.
    """
    records = [entity_docs[d] for d in doc_ids if d in entity_docs]
    counters: dict[str, Counter[str]] = {kind: Counter() for kind in REGION_KINDS}
    organisations: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    pps = 0
    for record in records:
        regions = record.get("regions") or {}
        for kind in REGION_KINDS:
            counters[kind].update(set(regions.get(kind) or []))
        organisations.update({_partner_id(p) for p in record.get("partners") or []} - {None})
        groups.update(set(record.get("doelgroepen") or []))
        pps += bool(record.get("pps"))
    n = len(records)
    return {
        "documents_with_entities": n,
        "pps_share": round(pps / n, 4) if n else None,
        "spread": {"arbeidsmarktregios": len(counters["arbeidsmarktregios"]),
                   "provincies": len(counters["provincies"]),
                   "gemeenten": len(counters["gemeenten"])},
        "regions": {kind: _top(counters[kind], names, top, n) for kind in REGION_KINDS},
        "organisations": _top(organisations, names, top, n),
        "doelgroepen": _top(groups, names, top, n),
    }


def _partner_id(partner: Any) -> str | None:
    if isinstance(partner, Mapping):
        return str(partner["id"]) if partner.get("id") else None
    return str(partner) if partner else None


def _top(counter: Counter[str], names: Mapping[str, str], top: int,
         n: int) -> list[dict[str, Any]]:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [{"id": key, "name": names.get(key, key), "documents": count,
             "share": round(count / n, 4)} for key, count in ranked]
