"""AWS Lambda entry point: an Alexa request envelope in, a response envelope out.

Handler ``lambda_function.lambda_handler``. It uses the same skill object as
every other entry point, built once per container at import, so the work falls
in Lambda's init phase (see benchmarks/cold_start.py). ``ALEXA_SKILL_ID`` names
the only skill whose requests are answered.

Imports only what the bundle holds: the skill package and ask-sdk-core.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from ask_sdk_core.exceptions import SerializationException

from skill import build_skill, handle_envelope, telemetry
from skill.envelope import InvalidEnvelope, WrongSkill, shown

log = logging.getLogger("skill.lambda")
# On Lambda: every skill log line one JSON object on stdout at LOG_LEVEL, and one
# EMF metric record per request (skill.telemetry). Only there: a simulator or
# test importing this module keeps its own logging. A LOG_LEVEL that is no level
# name falls back to INFO with one warning, rather than failing the function's
# init (and so every request) over a typo.
if "AWS_LAMBDA_FUNCTION_NAME" in os.environ:
    _warning = telemetry.configure(os.environ.get("LOG_LEVEL"), namespace=os.environ.get("METRICS_NAMESPACE"))
    if _warning:
        log.warning("%s", _warning)

SKILL_ID = os.environ.get("ALEXA_SKILL_ID") or None
SKILL = build_skill(SKILL_ID)
if SKILL_ID is None:
    log.warning("ALEXA_SKILL_ID is not set: answering requests for any skill id")


__all__ = ["NotAnAlexaRequest", "WrongSkill", "lambda_handler"]


class NotAnAlexaRequest(InvalidEnvelope):
    """The event is not an Alexa request envelope; the message says what it is."""


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """Answer one Alexa request; refuse anything else before the SDK sees it.

    Refusals are a ``WrongSkill`` (another skill's request: the skill's own
    rule, ``skill.envelope.check_application_id``) or a ``NotAnAlexaRequest``,
    both ``ValueError``, each logged in one JSON line with the request's
    fields (``skill.telemetry.refusal_fields``, every value capped).
    """
    # Lambda's id of this invocation, in every line: its REPORT line and any trace it logs name it too.
    with telemetry.invocation(function_request_id=getattr(context, "aws_request_id", None)):
        return _answer(event)


def _answer(event: Any) -> dict[str, Any]:
    try:
        return handle_envelope(SKILL, event)
    except WrongSkill as error:
        whose = "a request" if error.field.startswith("context.") else "a request whose session is"
        message = f"refused {whose} for skill {shown(error.asked_for)}: this function answers {SKILL_ID}"
        raise _refused(event, WrongSkill(message, error.asked_for, error.field)) from None
    except (InvalidEnvelope, SerializationException) as error:
        # SerializationException: the SDK could not read a shape check_envelope let through.
        reason = shown(str(error)) if isinstance(error, SerializationException) else str(error)
        message = f"refused {describe(event)}: not an Alexa request envelope ({reason})"
        raise _refused(event, NotAnAlexaRequest(message)) from None


def _refused(event: Any, error: Exception) -> Exception:
    # One line in the log; the runtime adds the exception and its trace after it.
    log.error("%s", error, extra=telemetry.refusal_fields(event, type(error).__name__))
    return error


_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def describe(event: Any) -> str:
    """What an event looks like, without its values (they may be personal)."""
    if not isinstance(event, dict):
        return f"a JSON {_JSON_TYPES.get(type(event), type(event).__name__)}"
    if not event:
        return "an empty object"
    if {"httpMethod", "routeKey", "requestContext"} & event.keys():
        return "an API Gateway or function URL event"
    keys = ", ".join(repr(key)[:40] for key in sorted(map(str, event))[:6])
    return f"an object with keys {keys}"
