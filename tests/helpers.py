"""Reading what a response says, the way a listener and a card reader would."""

from __future__ import annotations

from typing import Any

from skill.speech import ssml_to_text


def speech(response: dict[str, Any]) -> str:
    output = response["response"].get("outputSpeech")
    return ssml_to_text(output["ssml"]) if output else ""


def reprompt(response: dict[str, Any]) -> str:
    output = (response["response"].get("reprompt") or {}).get("outputSpeech")
    return ssml_to_text(output["ssml"]) if output else ""


def card(response: dict[str, Any]) -> dict[str, Any] | None:
    return response["response"].get("card")


def ends_session(response: dict[str, Any]) -> bool:
    return response["response"].get("shouldEndSession") is True
