"""The ``copy`` fixture: a fresh broken-on-purpose copy of the package for each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.model_lints.broken_copy import Copy


@pytest.fixture
def copy(tmp_path: Path) -> Copy:
    return Copy(tmp_path)
