"""Names no gazetteer list holds, for curators: the ``nieuwe_namen`` sheet of themes.xlsx (and
``tables/nieuwe_namen.csv``) and the rows of the report's section about them.

Both read ``entities_summary.json`` → ``unknown_names`` (:mod:`pipeline.entities.unknown`).
In the sheet a curator marks ``add_to_gazetteer`` (ja/nee) and fills in ``kind``, ``sector``
and ``notes``; ``rodedraden gazetteer suggest`` writes the same names as gazetteer entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..entities.gazetteer import ORG_KINDS, SECTORS
from .tables import Table

SHEET = "nieuwe_namen"
CURATOR_COLUMNS = ("add_to_gazetteer", "kind", "sector", "notes")
REPORT_NAMES = 30
TYPE_LABELS = {"ORGANISATION": "organisatie", "REGION": "plaats"}


def unknown_names_table(unknown: Iterable[Mapping[str, Any]]) -> Table:
    header = ["name", "type", "id", "documents", "mentions", "confidence", "example_document",
              "example_sentence", *CURATOR_COLUMNS]
    rows = []
    for row in _rows(unknown):
        example = _first_example(row)
        rows.append([str(row.get("name") or ""), str(row.get("type") or ""),
                     str(row.get("id") or ""), row.get("documents"), row.get("mentions"),
                     row.get("confidence"), example.get("document", ""),
                     example.get("sentence", ""), "", "", "", ""])
    return Table(SHEET, header, rows, wide=("example_sentence", "notes"),
                 review=CURATOR_COLUMNS,
                 choices=(("add_to_gazetteer", ("ja", "nee")), ("kind", tuple(sorted(ORG_KINDS))),
                          ("sector", tuple(sorted(SECTORS)))))


def report_rows(unknown: Iterable[Mapping[str, Any]] | None,
                top: int = REPORT_NAMES) -> dict[str, Any]:
    """The first ``top`` names (most documents first) with one example sentence each, and
    how many there are in all."""
    rows = _rows(unknown or [])
    return {"total": len(rows), "names": [
        {"name": str(row.get("name") or row.get("id") or ""), "id": str(row.get("id") or ""),
         "type": TYPE_LABELS.get(str(row.get("type")), str(row.get("type") or "")),
         "documents": row.get("documents"), "confidence": row.get("confidence"),
         "document": str(_first_example(row).get("document", "")),
         "sentence": str(_first_example(row).get("sentence", ""))}
        for row in rows[:max(0, top)]]}


def _rows(unknown: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [row for row in unknown if isinstance(row, Mapping)]


def _first_example(row: Mapping[str, Any]) -> Mapping[str, Any]:
    examples = row.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], Mapping):
        return examples[0]
    return {}
