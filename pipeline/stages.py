"""The pipeline's stages, in order. Adding a stage means declaring it in its own module and
listing it here; the runner and the command line pick it up from this list."""

from __future__ import annotations

from .runner import Stage


def all_stages() -> list[Stage]:
    from . import embed, entities, export, ingest, lessons, themes

    return [ingest.STAGE, entities.STAGE, embed.STAGE, lessons.STAGE, themes.STAGE,
            export.STAGE]
