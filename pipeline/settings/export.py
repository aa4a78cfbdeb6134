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
        0.3, ge=0, le=1, description="Match score from which a theme keeps the id of a theme "
        "of the previous run (and its curated label). The score is the Jaccard overlap of "
        "the two themes' units among the units present in both runs, scaled by the "
        "similarity of their top terms (theme_match_term_weight); terms alone when the runs "
        "share no units.")
    theme_match_term_weight: float = Field(
        0.2, ge=0, le=1, description="How much top-term similarity scales the member overlap "
        "in the match score: overlap x (1 - w + w x similarity). 0: members only; terms "
        "alone decide only when the runs share no units.")
    theme_split_share: float = Field(
        0.25, gt=0, le=0.5, description="A theme of the previous run whose units went at least "
        "this share each into two or more themes has split; a theme that took at least this "
        "share of the units of two or more earlier themes is a merge.")
    curation_review_overlap: float = Field(
        0.6, ge=0, le=1, description="A curated label is flagged for review when its theme's "
        "documents overlap those it held when the curator reviewed it (Jaccard, documents "
        "in both runs) by less than this, or when its theme split or merged.")
    report_documents: int = Field(
        300, ge=0, description="Documents shown with their full text in report.html (the "
        "largest corpora would make the file unwieldy); all are in the tables.")
