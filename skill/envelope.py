"""The shape every Alexa request envelope must have before the SDK sees it.

Pure standard library, so the Lambda bundle can use it; the web service also
applies a full JSON Schema of the envelope.
"""

from __future__ import annotations

from typing import Any


class InvalidEnvelope(ValueError):
    """The input is not an Alexa request envelope; the message says why."""


def check_envelope(envelope: Any) -> None:
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
    if request["type"] == "IntentRequest":
        intent = request.get("intent")
        if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
            raise InvalidEnvelope("an IntentRequest needs 'request.intent.name'")
        if not isinstance(intent.get("slots", {}), dict):
            raise InvalidEnvelope("'request.intent.slots' must be an object")
