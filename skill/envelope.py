"""The shape every Alexa request envelope must have before the SDK sees it.

Pure standard library, so the Lambda bundle can use it; the web service also
applies a full JSON Schema of the envelope.
"""

from __future__ import annotations

from typing import Any


class InvalidEnvelope(ValueError):
    """The input is not an Alexa request envelope; the message says why."""


def check_envelope(envelope: Any, require_application_id: bool = False) -> None:
    """Raise ``InvalidEnvelope`` unless ``envelope`` has the shape the skill reads.

    ``require_application_id``: a skill that checks the id needs
    ``context.System.application.applicationId``, which Alexa always sends.
    """
    if not isinstance(envelope, dict):
        raise InvalidEnvelope(f"expected a JSON object, got {type(envelope).__name__}")
    request = envelope.get("request")
    if not isinstance(request, dict):
        raise InvalidEnvelope("missing object 'request'")
    for field in ("type", "requestId"):
        if not isinstance(request.get(field), str):
            raise InvalidEnvelope(f"missing string 'request.{field}'")
    for optional in ("session", "context"):
        if optional in envelope and not isinstance(envelope[optional], dict):
            raise InvalidEnvelope(f"'{optional}' must be an object")
    if require_application_id and not isinstance(application_id(envelope), str):
        raise InvalidEnvelope("missing string 'context.System.application.applicationId'")
    if request["type"] == "IntentRequest":
        intent = request.get("intent")
        if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
            raise InvalidEnvelope("an IntentRequest needs 'request.intent.name'")
        if not isinstance(intent.get("slots", {}), dict):
            raise InvalidEnvelope("'request.intent.slots' must be an object")


def application_id(envelope: dict[str, Any]) -> Any:
    """context.System.application.applicationId, or None where the path breaks."""
    value: Any = envelope
    for key in ("context", "System", "application", "applicationId"):
        value = value.get(key) if isinstance(value, dict) else None
    return value
