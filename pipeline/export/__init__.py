"""Stage 5, ``export``: tagged JSON with schemas, curator tables, report, SQLite. See
:mod:`pipeline.export.stage`."""

from ..runner import Stage, code_version
from .stage import export, external_inputs

STAGE = Stage(
    name="export", func=export, version=code_version(__file__), sections=("export",),
    requires=("ingest", "entities", "themes", "lessons"), external=external_inputs,
    previous=("theme_registry.json",),
    summary=lambda out: {"documents": out["export_summary.json"]["documents"],
                         "themes": out["export_summary.json"]["themes"],
                         "curation": out["themes.json"]["curation"]},
    help="Write documents.jsonl, themes.json, themes.xlsx, tables/, report.html and "
    "rodedraden.sqlite.",
)

__all__ = ["STAGE", "export"]
