"""``export``: tagged JSON, curator tables, the feedback loop, the report, SQLite."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Section


class ExportSettings(Section):
    per_document_files: bool = Field(
        True, description="Write documents/<id>.json next to documents.jsonl.")
    csv_delimiter: Literal[",", ";", "\t"] = Field(
        ",", description="Delimiter of the CSV tables; ';' suits Excel with Dutch regional "
        "settings. The files are UTF-8 with a byte-order mark either way.")
    top_n: int = Field(5, ge=1, le=50, description="Items listed per cell in the theme tables "
                       "(regions, target groups, organisation kinds).")
    curation_file: str = Field(
        "configs/curation.yaml", min_length=1,
        description="Curators' decisions (written by 'rodedraden curate apply'); applied to "
        "every output of the run. A missing file means no decisions.")
    theme_match_threshold: float = Field(
        0.5, ge=0, le=1, description="Cosine similarity of top-term weights from which a theme "
        "keeps the id of a theme of the previous run (stable ids for curated labels).")
    report_documents: int = Field(
        300, ge=0, description="Documents shown with their full text in report.html (the "
        "largest corpora would make the file unwieldy); all are in the tables.")
