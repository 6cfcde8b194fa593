"""Shared fixtures: the skill object and conversations with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill import build_skill, handle_envelope
from skill.simulator.session import Conversation


@pytest.fixture(scope="session")
def skill_object():
    return build_skill()


@pytest.fixture
def in_process(skill_object) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Transport that hands envelopes straight to the skill object."""
    return lambda envelope: handle_envelope(skill_object, envelope)


@pytest.fixture
def conversation(in_process) -> Conversation:
    return Conversation(in_process)
