"""Stage 1, ``ingest``: read a corpus folder in the formats people have, clean it, account for
every file. See :mod:`pipeline.ingest.stage` for the stage and the sibling modules for the parts."""

from ..runner import Stage, code_version
from .sources import fingerprint, gather
from .stage import ingest

STAGE = Stage(
    name="ingest", func=ingest, version=code_version(__file__),
    sections=("ingest", "run.on_error"), gather=gather, fingerprint=fingerprint,
    summary=lambda out: out["ingest_summary.json"]["by_status"],
    help="Read, clean and de-duplicate the corpus; write corpus.jsonl and manifest.jsonl.",
)

__all__ = ["STAGE", "ingest"]
