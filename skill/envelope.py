"""The shape every Alexa request envelope must have before the SDK sees it,
and the one rule for which skill a request is for.

Pure standard library, so the Lambda bundle can use it; the web service also
applies a full JSON Schema of the envelope.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

CONTEXT_APPLICATION_ID = ("context", "System", "application", "applicationId")
SESSION_APPLICATION_ID = ("session", "application", "applicationId")
# Longest text taken from a request into a message or a log line.
MAX_SHOWN_CHARS = 200


class InvalidEnvelope(ValueError):
    """The input is not an Alexa request envelope; the message says why."""


class WrongSkill(ValueError):
    """An Alexa request for another skill than the one configured; the message names both ids.

    ``asked_for`` is the id the request carries, as sent (show it only through
    ``shown``), and ``field`` the dotted path it was read from.
    """

    def __init__(self, message: str, asked_for: Any, field: str) -> None:
        super().__init__(message)
        self.asked_for, self.field = asked_for, field


def check_envelope(envelope: Any) -> None:
    """Raise ``InvalidEnvelope`` unless ``envelope`` has the shape the skill reads.

    Also refused: NaN and Infinity (Python's JSON reader takes them, no JSON
    writer may echo them back) and lone surrogates (no UTF-8 holds them),
    anywhere in the envelope, keys included.
    """
    if not isinstance(envelope, dict):
        raise InvalidEnvelope(f"expected a JSON object, got {type(envelope).__name__}")
    _check_values(envelope)
    request = envelope.get("request")
    if not isinstance(request, dict):
        raise InvalidEnvelope("missing object 'request'")
    for field in ("type", "requestId"):
        if not isinstance(request.get(field), str):
            raise InvalidEnvelope(f"missing string 'request.{field}'")
    for optional in ("session", "context"):
        if optional in envelope and not isinstance(envelope[optional], dict):
            raise InvalidEnvelope(f"'{optional}' must be an object")
    if request["type"] == "IntentRequest":
        intent = request.get("intent")
        if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
            raise InvalidEnvelope("an IntentRequest needs 'request.intent.name'")
        if not isinstance(intent.get("slots", {}), dict):
            raise InvalidEnvelope("'request.intent.slots' must be an object")


def _check_values(envelope: dict[str, Any]) -> None:
    """Refuse a non-finite number or a lone surrogate anywhere in ``envelope`` (iteratively: any depth)."""
    # Scalars are checked where they are found, containers stacked: this
    # runs on every request (about 20 µs for a typical envelope).
    pending: list[dict[str, Any] | list[Any]] = [envelope]
    while pending:
        container = pending.pop()
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, value in items:
            if isinstance(key, str) and not key.isascii():
                _check_text(key)
            if isinstance(value, str):
                if not value.isascii():
                    _check_text(value)
            elif isinstance(value, dict | list):
                pending.append(value)
            elif isinstance(value, float) and not math.isfinite(value):
                written = "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
                raise InvalidEnvelope(f"{written} is not a JSON number")


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidEnvelope("a string holds a lone surrogate (no Unicode text does)") from None


def check_application_id(envelope: Mapping[str, Any], skill_id: str) -> None:
    """Refuse a request for any skill but ``skill_id``: the one rule every entry point applies.

    Alexa names the skill in ``context.System.application.applicationId``,
    always, and again in ``session.application.applicationId`` within a
    session. The first is required (``InvalidEnvelope`` without it); each one
    present must be ``skill_id`` (``WrongSkill`` otherwise). A session that
    has an ``application`` must name the skill there: an application without
    the id, or not an object, is refused as another skill's.
    """
    in_context = dig(envelope, CONTEXT_APPLICATION_ID)
    if not isinstance(in_context, str):
        raise InvalidEnvelope(f"missing string '{'.'.join(CONTEXT_APPLICATION_ID)}'")
    in_session = _session_application_id(envelope)
    for where, named in ((CONTEXT_APPLICATION_ID, in_context), (SESSION_APPLICATION_ID, in_session)):
        if named is not _ABSENT and named != skill_id:
            field = ".".join(where)
            raise WrongSkill(f"a request for skill {shown(named)} (in {field}); this skill is {skill_id}", named, field)


_ABSENT = object()


def _session_application_id(envelope: Mapping[str, Any]) -> Any:
    """What ``session.application`` names: its id, the value itself if it is not an object, or ``_ABSENT``."""
    session = envelope.get("session")
    if not isinstance(session, Mapping) or "application" not in session:
        return _ABSENT
    application = session["application"]
    return application.get("applicationId") if isinstance(application, Mapping) else application


def dig(data: Any, keys: tuple[str, ...]) -> Any:
    """The value at ``keys`` inside nested objects, or None where the path breaks."""
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def capped(value: Any, limit: int = MAX_SHOWN_CHARS) -> str | None:
    """A request's text as it may appear in a log line: at most ``limit`` characters, else None."""
    if not isinstance(value, str):
        return None
    return value if len(value) <= limit else f"{value[:limit]}... ({len(value)} characters)"


def shown(value: Any, limit: int = MAX_SHOWN_CHARS) -> str:
    """``repr(value)`` for a message or a log line, cut to ``limit`` characters.

    Anything taken from a request goes through this: a caller controls its
    length, and one log line must not become megabytes.
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{repr(value[:limit])[:limit]}... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"
