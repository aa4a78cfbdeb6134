"""Precision and recall against document-level gold: which entities a text names, not where.

The real-text development set (``corpus/gold/echt/``) is annotated this way, because its texts
may not be kept in git and offsets would tie the gold to one cleaning of one copy. Gold file
(JSONL, one document per line)::

    {"id": "<document id>", "entities": [{"type": "ORGANISATION", "name": "Randstad",
                                          "id": "ORG:randstad", "forms": ["Randstad"]}, ...]}

Each entity is listed once per document with every surface form the text uses for it. A
predicted entity (the mentions of one id in one document) matches a gold entity of its type when
the ids are equal or when one of its surface forms equals a gold form after normalisation
(case, a leading article, hyphens and apostrophes, spacing). Recall counts gold entities with a
match, precision predicted entities with a match. Target groups are named by phrases whose
extent annotators draw differently, so for DOELGROEP one form inside the other (whole words)
matches too.

Organisations are named organisations only: predicted generic actor types ("werkgevers",
``generic: true``) are not scored, since the gold does not list them. ``unknown`` reports recall
on the gold names that no gazetteer list contains: what the rules must find without a list.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..storage import read_records
from .evaluate import TYPES, check_type

_ARTICLE = re.compile(r"^(?:de|het|een|'t)\s+", re.IGNORECASE)
_JOINERS = re.compile(r"[\s\-‐‑–—_'’`´]+")


def is_document_gold(path: Path) -> bool:
    """True when the gold file holds document-level sets (entities with ``forms``)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                try:
                    entities = json.loads(line).get("entities") or []
                except (json.JSONDecodeError, AttributeError):
                    return False
                return bool(entities) and all("forms" in e for e in entities)
    return False


def load_document_gold(path: Path) -> dict[str, list[dict[str, Any]]]:
    return dict(read_records(
        path, lambda item: (str(item["id"]), [_check(e) for e in item["entities"]]),
        "a document-level gold record", code="RD160",
        hint='expected {"id": ..., "entities": [{"type", "name", "id", "forms": [...]}, ...]}'))


def _check(entity: dict[str, Any]) -> dict[str, Any]:
    forms = check_type(entity)["forms"]
    if not isinstance(forms, list) or not forms or not all(isinstance(f, str) for f in forms):
        raise ValueError(f"{entity.get('name')!r}: 'forms' must be a non-empty list of strings")
    return entity


def missing_forms(gold: Mapping[str, Sequence[Mapping[str, Any]]],
                  texts: Mapping[str, str]) -> list[str]:
    """Gold forms that do not occur in their text (a changed copy or a typo in the gold)."""
    flat = {doc_id: " ".join(text.split()) for doc_id, text in texts.items()}
    return [f"{doc_id}: {form!r}" for doc_id, entities in sorted(gold.items())
            if doc_id in flat for e in entities for form in e["forms"]
            if " ".join(form.split()) not in flat[doc_id]]


def normalise(surface: str) -> str:
    """Compare names the way a reader would: case, article, hyphens and spacing aside."""
    text = _ARTICLE.sub("", " ".join(surface.split()))
    return _JOINERS.sub(" ", text.casefold()).strip()


def _scored(mention: Mapping[str, Any]) -> bool:
    if mention.get("inside_organisation"):
        return False
    if mention["type"] == "ORGANISATION":
        return not (mention.get("generic") or str(mention.get("id", "")).startswith("ACTOR:"))
    return True


def evaluate_documents(predicted: Mapping[str, Sequence[Mapping[str, Any]]],
                       gold: Mapping[str, Sequence[Mapping[str, Any]]],
                       known: Callable[[str], bool] | None = None) -> dict[str, Any]:
    """Per-type precision, recall and F1 over document-level entity sets.

    ``known(form)`` tells whether a gazetteer list holds a surface form; with it, ``unknown``
    gives the recall on gold entities none of whose forms is in a list.
    """
    missing = sorted(set(gold) - set(predicted))
    if missing:
        raise UsageError(f"{len(missing)} gold document(s) are not in the run: "
                         f"{', '.join(missing[:5])}", code="RD161",
                         hint="run over the corpus the gold was made for (--corpus)")
    # per type: [gold found, gold total, predicted matched, predicted total]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    unknown: dict[str, list[int]] = defaultdict(lambda: [0, 0])   # [found, total]
    errors: list[dict[str, Any]] = []
    for doc_id, gold_entities in sorted(gold.items()):
        groups: dict[tuple[str, str], set[str]] = defaultdict(set)
        for m in predicted[doc_id]:
            if _scored(m):
                groups[(m["type"], str(m["id"]))].add(normalise(m["text"]))
        for type_ in TYPES:
            wanted = [e for e in gold_entities if e["type"] == type_]
            found = {key[1]: forms for key, forms in groups.items() if key[0] == type_}
            hits = [[_matches(entity_id, forms, g) for g in wanted]
                    for entity_id, forms in found.items()]
            matched_gold = [any(row[j] for row in hits) for j in range(len(wanted))]
            matched_pred = [any(row) for row in hits]
            cell = counts[type_]
            cell[0] += sum(matched_gold)
            cell[1] += len(wanted)
            cell[2] += sum(matched_pred)
            cell[3] += len(found)
            for (entity_id, forms), ok in zip(found.items(), matched_pred, strict=True):
                if not ok:
                    errors.append({"document": doc_id, "type": type_, "error": "false positive",
                                   "id": entity_id, "forms": sorted(forms)})
            for g, ok in zip(wanted, matched_gold, strict=True):
                if not ok:
                    errors.append({"document": doc_id, "type": type_, "error": "missed",
                                   "id": g.get("id"), "name": g["name"]})
                if known is not None and not any(known(f) for f in g["forms"]):
                    unknown[type_][0] += ok
                    unknown[type_][1] += 1
    table = {type_: _rates(*counts[type_]) for type_ in TYPES}
    table["ALL"] = _rates(*[sum(counts[t][i] for t in TYPES) for i in range(4)])
    return {"documents": len(gold), "set": table,
            "unknown": {t: {"found": f, "total": n, "recall": round(f / n, 4) if n else None}
                        for t, (f, n) in sorted(unknown.items())},
            "errors": errors}


def _matches(entity_id: str, forms: set[str], gold: Mapping[str, Any]) -> bool:
    if gold.get("id") and gold["id"] == entity_id:
        return True
    wanted = {normalise(f) for f in gold["forms"]}
    if forms & wanted:
        return True
    if gold["type"] == "DOELGROEP":
        # a group is named by a phrase whose extent readers draw differently ("met psychische
        # klachten" in "inwoners met psychische klachten"): one form inside the other counts
        return any(_inside(a, b) or _inside(b, a) for a in forms for b in wanted)
    return False


def _inside(part: str, whole: str) -> bool:
    return bool(part) and f" {part} " in f" {whole} "


def _rates(gold_found: int, gold_total: int, pred_matched: int, pred_total: int
           ) -> dict[str, float]:
    """Recall over gold entities, precision over predicted ones (one predicted entity may
    match a gold entity another also matches: a name split in two ids is not a false hit)."""
    precision = pred_matched / pred_total if pred_total else 0.0
    recall = gold_found / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": gold_found, "fp": pred_total - pred_matched, "fn": gold_total - gold_found}


def format_document_table(metrics: Mapping[str, Any]) -> str:
    lines = [f"entity evaluation on {metrics['documents']} documents (document-level sets)",
             f"{'type':<14}{'precision':>10}{'recall':>8}{'F1':>8}{'tp':>6}{'fp':>5}{'fn':>5}"]
    for type_, s in metrics["set"].items():
        lines.append(f"{type_:<14}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}"
                     f"{s['tp']:>6}{s['fp']:>5}{s['fn']:>5}")
    for type_, u in metrics["unknown"].items():
        if u["total"]:
            lines.append(f"unknown-name recall {type_}: {u['recall']:.3f} "
                         f"({u['found']} of {u['total']} names in no gazetteer list)")
    return "\n".join(lines)
