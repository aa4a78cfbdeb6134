"""Errors a user can act on.

Every error the pipeline raises on purpose carries a stable code (``RD1xx`` config,
``RD2xx`` input, ``RD3xx`` run) and a hint that says what to do, in the manner of spaCy's
``Errors``. The command line prints ``message`` and ``hint`` and exits with ``exit_code``;
a traceback is only shown with ``--verbose`` for errors that are *not* ours.
"""

from __future__ import annotations


class RodedradenError(Exception):
    """Base class: an error with a stable code, a message and a hint."""

    code = "RD000"
    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ConfigError(RodedradenError):
    """The configuration (file, profile or ``--set``) is invalid. Exit code 2."""

    code = "RD100"
    exit_code = 2


class UsageError(RodedradenError):
    """The command line asks for something impossible (missing corpus, bad run id). Exit 2."""

    code = "RD110"
    exit_code = 2


class InputError(RodedradenError):
    """One input document cannot be read. Recorded in the manifest, never fatal on its own."""

    code = "RD200"


class RunLockedError(RodedradenError):
    """Another run holds the outputs folder."""

    code = "RD300"


class StageFailedError(RodedradenError):
    """A stage stopped the run (for example ``run.on_error: fail`` and a bad document)."""

    code = "RD310"
