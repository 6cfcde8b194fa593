"""Leg Cramp Guide: an Alexa skill that explains leg cramps and spasms.

Every entry point (web service, Lambda, simulator, command line) builds the
same skill object with ``build_skill`` and hands it request envelopes.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope

from skill import handlers
from skill.envelope import InvalidEnvelope, check_envelope
from skill.serialization import EnvelopeSerializer

__all__ = ["build_skill", "handle_envelope"]


def build_skill(skill_id: str | None = None) -> CustomSkill:
    """The one skill object. With ``skill_id`` it refuses other skills' requests."""
    builder = SkillBuilder()
    builder.skill_id = skill_id or None
    builder.add_request_handler(handlers.AnswerHandler("IntentRequest", handlers.intent_answer))
    builder.add_request_handler(handlers.AnswerHandler("LaunchRequest", handlers.welcome))
    builder.add_request_handler(handlers.SessionEndedHandler())
    builder.add_request_handler(handlers.OtherRequestHandler())
    builder.add_global_request_interceptor(handlers.OwnSessionState())
    builder.add_global_request_interceptor(handlers.LogRequest())
    builder.add_exception_handler(handlers.SpokenApology())
    skill = builder.create()
    skill.serializer = EnvelopeSerializer()
    return skill


def handle_envelope(skill: CustomSkill, envelope: Any) -> dict[str, Any]:
    """Run one request envelope (parsed JSON) through the skill; JSON out.

    Raises ``skill.envelope.InvalidEnvelope`` for anything that is not an
    Alexa request envelope, before the SDK sees it, and for one nested
    too deeply for the SDK to copy.
    """
    check_envelope(envelope, require_application_id=getattr(skill, "skill_id", None) is not None)
    try:
        request = skill.serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        response = skill.invoke(request_envelope=request, context=None)
        return skill.serializer.serialize(response)
    except RecursionError:  # the SDK copies and serializes session attributes recursively
        raise InvalidEnvelope("nested too deeply") from None
