"""Stage 3, ``embed``: cut documents into text units (paragraphs, documents or sentence
windows) and embed each one, cached per unit. See :mod:`pipeline.embed.stage`."""

from ..runner import Stage, code_version
from .stage import embed, external_inputs

STAGE = Stage(
    name="embed", func=embed, version=code_version(__file__),
    # Only what changes the vectors: clustering settings live elsewhere in ``themes``, so
    # tuning them never re-embeds.
    sections=("embed", "themes.unit", "themes.segment"), requires=("ingest",),
    external=external_inputs,
    summary=lambda out: {k: out["embed_summary.json"][k]
                         for k in ("backend", "unit", "unit_reason", "units", "dimensions")
                         if k in out["embed_summary.json"]},
    help="Cut documents into units and embed them (cached per unit).",
)

__all__ = ["STAGE", "embed"]
