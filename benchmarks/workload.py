"""The requests every benchmark sends: a mix of launch, causes, cause detail and help.

Each group of four is one conversation as a device holds it (launch opens
the session, the three intents follow in it with the session attributes the
skill set), so the skill does its real in-session work. Timestamps are taken
when the envelopes are made: sign them and send them within 150 s.
"""

from __future__ import annotations

import json
from typing import Any

from skill.simulator import request_builder

__all__ = ["SKILL_ID", "conversations", "encode"]

SKILL_ID = request_builder.DEFAULT_SKILL_ID
MIX = ("LaunchRequest", "CausesIntent", "CauseDetailIntent", "AMAZON.HelpIntent")


def conversations(count: int, skill_id: str = SKILL_ID) -> list[dict[str, Any]]:
    """``count`` conversations of the four requests in MIX, flattened, in order."""
    from skill import build_skill, handle_envelope
    from skill.simulator.session import Conversation

    skill = build_skill(skill_id)
    sent: list[dict[str, Any]] = []

    def transport(envelope: dict[str, Any]) -> dict[str, Any]:
        sent.append(envelope)
        return handle_envelope(skill, envelope)

    slot = request_builder.custom_slot("cause", "nerves", "NERVE_COMPRESSION", "CauseType", skill_id=skill_id)
    for _ in range(count):
        conversation = Conversation(transport, skill_id=skill_id)
        conversation.launch()
        conversation.intent("CausesIntent")
        conversation.intent("CauseDetailIntent", slot)
        conversation.intent("AMAZON.HelpIntent")
    return sent


def encode(envelope: dict[str, Any]) -> bytes:
    """Compact JSON, as Alexa sends it."""
    return json.dumps(envelope, separators=(",", ":")).encode("utf-8")
