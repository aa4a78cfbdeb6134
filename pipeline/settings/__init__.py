"""The configuration schema: one pydantic model per section, every parameter documented where
it is defined (one module per section). ``configs/default.yaml`` mirrors these defaults with a
comment per key; a test keeps the two in step. Loading and error messages: :mod:`pipeline.config`.
"""

from __future__ import annotations

from pydantic import Field

from .base import Section
from .embed import EmbedSettings, TfidfSvdSettings
from .entities import EntitySettings, NlpSettings
from .export import ExportSettings
from .ingest import (
    SUPPORTED_FORMATS,
    BoilerplateSettings,
    DedupSettings,
    FieldNames,
    IngestSettings,
    LanguageSettings,
    ReadSettings,
)
from .lessons import LessonsSettings
from .run import RunSettings
from .themes import ThemesSettings


class Settings(Section):
    """The whole configuration; one field per section."""

    run: RunSettings = Field(default_factory=RunSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    entities: EntitySettings = Field(default_factory=EntitySettings)
    embed: EmbedSettings = Field(default_factory=EmbedSettings)
    themes: ThemesSettings = Field(default_factory=ThemesSettings)
    lessons: LessonsSettings = Field(default_factory=LessonsSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)


__all__ = ["EmbedSettings", "ExportSettings", "TfidfSvdSettings", "ThemesSettings",
           "SUPPORTED_FORMATS", "BoilerplateSettings", "DedupSettings", "EntitySettings",
           "FieldNames", "LessonsSettings", "NlpSettings",
           "IngestSettings", "LanguageSettings", "ReadSettings", "RunSettings", "Section",
           "Settings"]
