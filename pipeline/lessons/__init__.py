"""Stage ``lessons`` (issue 13, in progress): werkzame elementen, knelpunten, resultaten and
vervolg per story, with the figures in them. See :mod:`pipeline.lessons.stage`."""

from ..runner import Stage, code_version
from .stage import lessons

STAGE = Stage(
    name="lessons", func=lessons, version=code_version(__file__), sections=("lessons",),
    requires=("ingest",),
    summary=lambda out: out["lessons_summary.json"]["passages_by_type"],
    help="Find lesson passages and figures in every document (cached per document).",
)

__all__ = ["STAGE", "lessons"]
