"""Shared base for the config section models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """Strict (no silent type coercion), unknown keys forbidden, defaults validated too."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)
