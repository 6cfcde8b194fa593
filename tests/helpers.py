"""What the tests share: the skill ids they send, the dialog files, and reading
what a response says, the way a listener and a card reader would."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

from skill.paths import LAMBDA_DIR, REPO_ROOT
from skill.speech import ssml_to_text

# The skill the tests deploy, and another skill whose requests it must refuse;
# both differ from the simulator's default (skill.simulator.request_builder.DEFAULT_SKILL_ID).
SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
OTHER_SKILL_ID = "amzn1.ask.skill.99999999-8888-7777-6666-555555555555"
# The replay files every target must pass (python -m skill replay).
DIALOGS = sorted((REPO_ROOT / "tests" / "dialogs").glob("*.yaml"))


def load_lambda_function(module_name: str) -> ModuleType:
    """lambda/lambda_function.py loaded afresh, as Lambda loads it: it reads ALEXA_SKILL_ID at import."""
    spec = importlib.util.spec_from_file_location(module_name, LAMBDA_DIR / "lambda_function.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def speech(response: dict[str, Any]) -> str:
    """What Alexa says, as text ("" if it says nothing)."""
    output = response["response"].get("outputSpeech")
    return ssml_to_text(output["ssml"]) if output else ""


def ssml(response: dict[str, Any]) -> str:
    """What Alexa says, as the SSML markup the response carries (KeyError if it says nothing)."""
    return response["response"]["outputSpeech"]["ssml"]


def reprompt(response: dict[str, Any]) -> str:
    """The reprompt, as text ("" if there is none)."""
    output = (response["response"].get("reprompt") or {}).get("outputSpeech")
    return ssml_to_text(output["ssml"]) if output else ""


def card(response: dict[str, Any]) -> dict[str, Any] | None:
    return response["response"].get("card")


def ends_session(response: dict[str, Any]) -> bool:
    return response["response"].get("shouldEndSession") is True
