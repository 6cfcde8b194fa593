"""The old name of ``skill.simulator.request_builder``; import from there.

Kept only while modules outside the simulator (tests, benchmarks, the command
line) still import this name; it goes once they import ``request_builder``.
"""

from skill.simulator.request_builder import (
    DEFAULT_LOCALE,
    DEFAULT_SKILL_ID,
    custom_slot,
    envelope,
    intent_request,
    launch_request,
    new_session,
    session_ended_request,
)

__all__ = [
    "DEFAULT_LOCALE",
    "DEFAULT_SKILL_ID",
    "custom_slot",
    "envelope",
    "intent_request",
    "launch_request",
    "new_session",
    "session_ended_request",
]
