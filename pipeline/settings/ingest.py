"""``ingest``: reading, cleaning and filtering the corpus."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from .base import Section

SUPPORTED_FORMATS = ("txt", "md", "html", "htm", "json", "jsonl", "csv", "docx", "pdf")


class FieldNames(Section):
    id: str = Field("id", description="Field holding a record's id (used for the document id).")
    title: str = Field("title", description="Field holding the title.")
    text: str = Field("text", description="Field holding the body text (required per record).")
    date: str = Field("date", description="Field holding the publication date.")
    metadata: list[str] | None = Field(
        None, description="Fields kept as metadata; null keeps every other field.")


class ReadSettings(Section):
    formats: list[str] = Field(
        list(SUPPORTED_FORMATS),
        description="File extensions to read; other files are listed as skipped.")
    exclude: list[str] = Field(
        ["README.md", "README.txt", "gold/**", ".*", "**/.*"],
        description="Glob patterns (relative to the corpus folder) listed as skipped, not read.")
    max_file_mb: float = Field(20.0, gt=0, description="Larger files are skipped with a reason.")
    max_uncompressed_mb: float = Field(
        200.0, gt=0, description="A .docx (a ZIP archive) whose members add up to more than "
        "this when unpacked is failed unread: a zip bomb or a document too large to parse. "
        "The default is ten times max_file_mb's default, as text XML packs about 5-10 to 1.")
    max_front_matter_kb: float = Field(
        64.0, gt=0, description="A markdown file whose YAML front matter is larger than this is "
        "failed unread: front matter holds a few fields, and YAML parsing is slow.")
    follow_links: bool = Field(
        False, description="Read symbolic links whose target lies outside the corpus folder. "
        "Off, such links are listed as skipped and nothing outside the folder is read; links "
        "within the folder are always followed (loops are listed as skipped).")
    fallback_encodings: list[str] = Field(
        ["cp1252", "latin_1"],
        description="Encodings tried (best guess by charset-normalizer) when a text file is not "
        "UTF-8 (a UTF-8 or UTF-16 byte-order mark is always honoured).")
    fields: FieldNames = Field(default_factory=FieldNames,
                               description="Field names in .json/.jsonl/.csv records.")
    csv_delimiter: Literal["auto", ",", ";", "\t", "|"] = Field(
        "auto", description="CSV delimiter; 'auto' sniffs it from the first lines.")

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(SUPPORTED_FORMATS))
        if unknown:
            raise ValueError(f"unknown format(s) {unknown}; supported: {list(SUPPORTED_FORMATS)}")
        return value


DEFAULT_BOILERPLATE = [
    r"^deel (dit|deze) (artikel|bericht|pagina|nieuwsbericht)\b.*$",
    r"^(delen|deel via|share)\b.{0,40}$",
    r"^(ga naar|terug naar|lees (verder|meer)|bekijk (ook|alle))\b.{0,60}$",
    r"^home\s*[>›/].*$",
    r"^(©|\(c\)|copyright\b|foto:|beeld:|fotografie:).{0,80}$",
    r"^(geplaatst|gepubliceerd) op\b.{0,60}$",
    r"^publicatiedatum:.{0,60}$",
    r"^(meer informatie|contact|contactpersoon|vragen)\b[^.]{0,80}\b0\d[\d\- ]{7,12}\s*\.?$",
    r"^pagina \d+ (van|/) \d+$",
    r"^logo\b.{0,60}$",
    r"^(print|printen|afdrukken|tweet|mail deze pagina)$",
]


class BoilerplateSettings(Section):
    patterns: list[str] = Field(
        DEFAULT_BOILERPLATE,
        description="Regular expressions (case-insensitive, matched against one stripped line) "
        "for web noise: share and menu lines, breadcrumbs, photo credits, dates, contact lines.")
    repeated_min_docs: int = Field(
        3, ge=2, description="A short line that occurs in at least this many documents...")
    repeated_min_share: float = Field(
        0.05, ge=0, le=1, description="...and in at least this share of all documents is "
        "treated as site boilerplate (footers, newsletter lines) and dropped.")
    repeated_min_words: int = Field(
        3, ge=1, description="Lines shorter than this never count as repeated boilerplate: "
        "a section heading such as 'Resultaten' recurs across stories but is content (short "
        "menu lines are caught by the patterns instead).")
    repeated_max_words: int = Field(
        20, ge=1, description="Only lines of at most this many words count as repeated "
        "boilerplate, so a quote shared by two stories is never dropped.")
    drop_consecutive_duplicates: bool = Field(
        True, description="Drop a line that repeats the line just before it (logo captions).")

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} is not a valid regular expression: "
                                 f"{exc}") from None
        return value


class DedupSettings(Section):
    near_duplicate_threshold: float = Field(
        0.8, gt=0, le=1, description="Jaccard similarity of word shingles from which a document "
        "counts as a near-duplicate of an earlier one (1.0: exact duplicates only).")
    shingle_words: int = Field(5, ge=1, le=20, description="Words per shingle.")


class LanguageSettings(Section):
    expected: list[str] = Field(["nl"], min_length=1,
                                description="ISO 639-1 codes of languages to keep.")
    min_confidence: float = Field(
        0.9, ge=0, le=1, description="A document is skipped as another language only when the "
        "detector is at least this sure; below it the document is kept.")


class IngestSettings(Section):
    read: ReadSettings = Field(default_factory=ReadSettings,
                               description="Reading files (cached per file).")
    boilerplate: BoilerplateSettings = Field(default_factory=BoilerplateSettings,
                                             description="Removing web noise.")
    dedup: DedupSettings = Field(default_factory=DedupSettings,
                                 description="Exact and near-duplicate documents.")
    language: LanguageSettings = Field(default_factory=LanguageSettings,
                                       description="Language filter.")
    min_words: int = Field(80, ge=0, description="Shorter documents are skipped as too short.")
