"""The one skill object, and the one way to hand it a request envelope.

Every entry point (web service, Lambda, simulator, command line) builds the
skill with ``build_skill`` and runs requests through ``handle_envelope``, so
each refusal below happens once, here, for all of them.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.skill import CustomSkill, SkillConfiguration
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope

from skill import handlers, name_free, telemetry
from skill.envelope import InvalidEnvelope, WrongSkill, check_application_id, check_envelope
from skill.serialization import EnvelopeSerializer

__all__ = ["AnotherSkillsRequest", "LegCrampSkill", "build_skill", "handle_envelope"]


class LegCrampSkill(CustomSkill):
    """ask-sdk-core's skill object, and the skill id whose requests it answers (None: any).

    The SDK's own check (``SkillBuilder.skill_id``) stays off: it reads only
    the context's application id. ``handle_envelope`` applies the one rule,
    ``skill.envelope.check_application_id``, before the SDK sees the request.
    """

    def __init__(self, configuration: SkillConfiguration, skill_id: str | None) -> None:
        super().__init__(configuration)
        self.answers_skill_id = skill_id


class AnotherSkillsRequest(WrongSkill, AskSdkException):
    """``WrongSkill`` as ``handle_envelope`` raises it.

    Also an ``AskSdkException``, which the SDK's own skill-id check raised, so
    a caller written for that one (``python -m skill invoke``) still refuses.
    """


def build_skill(skill_id: str | None = None) -> LegCrampSkill:
    """The one skill object. With ``skill_id`` it refuses other skills' requests."""
    builder = SkillBuilder()
    builder.add_request_handler(handlers.AnswerHandler("IntentRequest", handlers.intent_answer))
    builder.add_request_handler(handlers.AnswerHandler("LaunchRequest", handlers.welcome))
    builder.add_request_handler(handlers.AnswerHandler("Alexa.Presentation.APL.UserEvent", handlers.touched))
    builder.add_request_handler(handlers.SessionEndedHandler())
    builder.add_request_handler(name_free.CanFulfillHandler())
    builder.add_request_handler(handlers.OtherRequestHandler())
    builder.add_global_request_interceptor(handlers.OwnSessionState())
    builder.add_exception_handler(name_free.QuietVerdict())  # before the apology: a verdict is never spoken
    builder.add_exception_handler(handlers.SpokenApology())
    skill = LegCrampSkill(builder.skill_configuration, skill_id or None)
    skill.serializer = EnvelopeSerializer()
    return skill


@telemetry.observed(handlers.INTENT_ANSWERS)  # one log line and one metric record per request
def handle_envelope(skill: CustomSkill, envelope: Any) -> dict[str, Any]:
    """Run one request envelope (parsed JSON) through the skill; JSON out.

    Raises ``skill.envelope.InvalidEnvelope`` for anything that is not an
    Alexa request envelope, before the SDK sees it, and for one nested too
    deeply for the SDK to copy; and
    ``AnotherSkillsRequest`` (a ``skill.envelope.WrongSkill``) for a request
    to another skill than the one ``build_skill`` was given.
    """
    check_envelope(envelope)
    skill_id = skill.answers_skill_id if isinstance(skill, LegCrampSkill) else None
    if skill_id is not None:
        try:
            check_application_id(envelope, skill_id)
        except WrongSkill as error:
            raise AnotherSkillsRequest(str(error), error.asked_for, error.field) from None
    try:
        request = _read_envelope(skill.serializer, envelope)
        response = skill.serializer.serialize(skill.invoke(request_envelope=request, context=None))
    except RecursionError:  # the SDK copies and serializes session attributes recursively
        raise InvalidEnvelope("nested too deeply") from None
    if not isinstance(response, dict):  # a ResponseEnvelope always serializes to an object
        raise TypeError(f"the SDK serialized a response as {type(response).__name__}")
    return response


def _read_envelope(serializer: Any, envelope: dict[str, Any]) -> RequestEnvelope:
    """The SDK's RequestEnvelope for parsed JSON; another skill's serializer gets JSON text, as the SDK's does."""
    if isinstance(serializer, EnvelopeSerializer):
        return serializer.read(envelope, RequestEnvelope)
    return serializer.deserialize(json.dumps(envelope), RequestEnvelope)
