"""``lessons``: passages that say what worked, what got in the way, what was achieved and
what came next, with the figures in them (issue 13; see pipeline/lessons/)."""

from __future__ import annotations

from pydantic import Field

from .base import Section


class LessonsSettings(Section):
    enabled: bool = Field(
        True, description="Find lesson passages and figures in every document (cached per "
        "document); false: the stage writes empty lessons.")
    min_confidence: float = Field(
        0.5, ge=0, le=1, description="A passage gets its type when the cue phrases' confidence "
        "reaches this (one cue: 0.5; two agreeing cues: 0.67; cues of other types lower it).")
