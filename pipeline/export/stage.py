"""The ``export`` stage: what people open. Tagged JSON for programs (validated against the
package's JSON Schemas), theme tables for curators (XLSX and CSV), a self-contained HTML
report, and a SQLite database.

It first gives the themes their stable ids and applies the curators' decisions
(:mod:`pipeline.export.finalise`), and writes the final themes.json, document_themes.jsonl and
theme_units.jsonl over the themes stage's numbering. Doing that here rather than in the themes
stage means that editing a curated label re-runs this cheap stage, not the clustering. Every
file is an artifact the runner writes atomically into the run folder. The names the entity
detector found that no gazetteer holds get a sheet (``nieuwe_namen``) and a report section."""

from __future__ import annotations

import json
import logging
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from .. import __version__
from ..config import section_hash
from ..entities.gazetteer import load_gazetteer
from ..errors import StageFailedError
from ..runner import StageContext
from .curation import load_curation
from .database import build_database
from .finalise import finalise, stale_destinations
from .records import SCHEMA_VERSION, document_records
from .report import build_report
from .spreadsheets import csv_text, workbook_bytes
from .tables import curator_tables
from .unknown import unknown_names_table

log = logging.getLogger("rodedraden")
PLACEHOLDER = re.compile(r"⟦T(-?\d+)⟧")
SCHEMAS = ("document.schema.json", "themes.schema.json", "run.schema.json")


def load_schema(name: str) -> dict[str, Any]:
    return json.loads(resources.files("pipeline.export").joinpath("schemas", name)
                      .read_text(encoding="utf-8"))


def external_inputs(settings: Any) -> dict[str, Any]:
    path = Path(settings.export.curation_file)
    return {"curation": path.read_bytes().decode("utf-8", "replace") if path.is_file() else None}


def export(ctx: StageContext, ingest: dict[str, Any], entities: dict[str, Any],
           themes: dict[str, Any], lessons: dict[str, Any] | None = None,
           previous: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = ctx.settings
    decisions = load_curation(Path(settings.export.curation_file))
    themes, final_ids = finalise(themes, (previous or {}).get("theme_registry.json"),
                                 decisions, settings.export)
    theme_data = themes["themes.json"]
    for stale in theme_data["curation"]["stale_details"]:
        log.warning("export: curation decision for T%s (%s%s) names a theme that no longer "
                    "exists; its units: %s (kept in %s)", stale["theme"],
                    stale["action"], f" {stale['label']!r}" if stale["label"] else "",
                    stale_destinations(stale), settings.export.curation_file)
    figures = relabel_figures(themes.get("_figures"), final_ids, theme_data["themes"])
    # No run id: a record must be the same whenever the same inputs and config produce it
    # (and this stage's output is reused by later runs); run.json says which run wrote it.
    provenance = {"rodedraden": __version__,
                  "config_hash": section_hash(settings, *type(settings).model_fields),
                  "embed_backend": settings.embed.backend}
    records = document_records(ingest["corpus.jsonl"], entities["documents.jsonl"],
                               themes["document_themes.jsonl"], provenance,
                               (lessons or {}).get("lessons.jsonl"))
    themes_file = {"schema_version": SCHEMA_VERSION, **theme_data}
    _validate(records, themes_file)

    names = {entry.id: entry.name for entry in
             load_gazetteer(settings.entities.gazetteer_dir).entries.values()}
    tables = curator_tables(theme_data["themes"], records, names, settings.export.top_n,
                            themes["theme_units.jsonl"])
    # names no gazetteer holds, for curators to grow the lists (before the hidden sheets)
    unknown = entities["entities_summary.json"].get("unknown_names") or []
    tables = [*(t for t in tables if not t.hidden), unknown_names_table(unknown),
              *(t for t in tables if t.hidden)]
    artifacts: dict[str, Any] = {
        "documents.jsonl": records,
        "themes.json": themes_file,
        "themes.xlsx": workbook_bytes(tables),
        "rodedraden.sqlite": build_database(records, theme_data["themes"]),
        "report.html": build_report(
            records, theme_data, ingest["manifest.jsonl"], figures,
            names, settings.export.report_documents, unknown_names=unknown),
        "document_themes.jsonl": themes["document_themes.jsonl"],
        "theme_units.jsonl": themes["theme_units.jsonl"],
        "theme_registry.json": themes["theme_registry.json"],
    }
    for table in (t for t in tables if not t.hidden):
        artifacts[f"tables/{table.name}.csv"] = csv_text(table, settings.export.csv_delimiter)
    for name in SCHEMAS:
        artifacts[f"schemas/{name}"] = load_schema(name)
    if settings.export.per_document_files:
        for record in records:
            artifacts[f"documents/{record['id']}.json"] = record
    artifacts["export_summary.json"] = {
        "documents": len(records), "themes": len(theme_data["themes"]),
        "files": sorted(name for name in artifacts if not name.startswith("documents/")),
        "schema_version": SCHEMA_VERSION}
    return artifacts


def relabel_figures(figures: dict[str, Any] | None, final_ids: dict[int, int | None],
                    themes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The themes stage labels figure items with placeholders "⟦T<raw id>⟧"; put in the
    final id and label, in every string of the figure (titles, ticks, hover texts)."""
    if not figures:
        return None
    labels = {t["id"]: t.get("curated_label") or t["label"] for t in themes}

    def shown(match: re.Match[str]) -> str:
        final = final_ids.get(int(match.group(1)))
        return f"{final}: {labels[final]}" if final in labels else "(deleted theme)"

    def relabel(value: Any) -> Any:
        if isinstance(value, str):
            return PLACEHOLDER.sub(shown, value)
        if isinstance(value, list):
            return [relabel(v) for v in value]
        if isinstance(value, dict):
            return {k: relabel(v) for k, v in value.items()}
        return value

    # handed to the report as data: it serialises them once, into the page
    drawn = {name: relabel(json.loads(text)) for name, text in figures.get("figures", {}).items()}
    return {"figures": drawn, "not_made": dict(figures.get("not_made", {}))}


def _validate(records: list[dict[str, Any]], themes_file: dict[str, Any]) -> None:
    """A record that breaks its schema is a bug in this package: stop, never ship it."""
    document_schema = jsonschema.Draft202012Validator(load_schema("document.schema.json"))
    for record in records:
        error = jsonschema.exceptions.best_match(document_schema.iter_errors(record))
        if error is not None:
            raise StageFailedError(
                f"document {record['id']} does not match document.schema.json at "
                f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}",
                hint="this is a bug in rodedraden; please report it with the run folder",
                code="RD320")
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(load_schema("themes.schema.json"))
        .iter_errors(themes_file))
    if error is not None:
        raise StageFailedError(f"themes.json does not match themes.schema.json at "
                               f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: "
                               f"{error.message}", code="RD320",
                               hint="this is a bug in rodedraden; please report it")
