"""Shared pytest fixtures; file builders and run helpers live in tests/helpers/."""

from __future__ import annotations

import pytest
from helpers import invoke_cli


@pytest.fixture
def cli():
    """Invoke the real click command line in-process; returns click's Result."""
    return invoke_cli
