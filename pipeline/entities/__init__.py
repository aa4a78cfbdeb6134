"""Stage 2, ``entities``: regions, organisations and target groups, normalised to canonical ids.
See :mod:`pipeline.entities.stage`; the gazetteers are data files in ``configs/gazetteers``."""

from ..runner import Stage, code_version
from .stage import entities, external_inputs

STAGE = Stage(
    name="entities", func=entities, version=code_version(__file__), sections=("entities",),
    requires=("ingest",), external=external_inputs,
    summary=lambda out: {"pipeline": out["entities_summary.json"]["pipeline"]["description"],
                         **out["entities_summary.json"]["mentions_by_type"]},
    help="Find regions, organisations and target groups; write documents.jsonl.",
)

__all__ = ["STAGE", "entities"]
