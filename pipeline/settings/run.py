"""``run``: settings that apply to the whole run."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Section


class RunSettings(Section):
    seed: int = Field(42, ge=0, description="Seed for every random step (UMAP, clustering).")
    on_error: Literal["continue", "fail"] = Field(
        "continue",
        description="'continue': a bad document is recorded in the manifest and the batch goes "
        "on; 'fail': the first bad document stops the run with exit code 1.")
    n_process: int = Field(1, ge=1, le=64, description="Worker processes for per-document stages.")
    lock_timeout_s: float = Field(
        600.0, ge=0, description="How long a run waits for another run on the same outputs "
        "folder to finish before giving up (0: give up at once).")
