"""Robustness: the response rules the fuzz tests hold answers to, and what
the fuzzing found (each test failed before its fix)."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from skill.content import load_content
from skill.simulator import request_builder
from skill.speech import MAX_SPEECH_CHARS, ssml_to_text, to_ssml
from tests.web.fuzzing import (
    MAX_RESPONSE_BYTES,
    SKILL_ID,
    Deep,
    check_answer,
    encode,
    fuzz_post,
    problems_with_response,
)

# --- the response schema itself ---------------------------------------------------------------


def good_response() -> dict[str, Any]:
    speech = {"type": "SSML", "ssml": "<speak>Hello. What now?</speak>"}
    return {"version": "1.0", "sessionAttributes": {}, "response": {
        "outputSpeech": speech, "reprompt": {"outputSpeech": speech}, "shouldEndSession": False}}


def _broken(change: Any) -> dict[str, Any]:
    response = copy.deepcopy(good_response())
    change(response["response"])
    return response


@pytest.mark.parametrize(
    "response",
    [
        _broken(lambda r: r.pop("reprompt")),  # microphone open, no reprompt
        _broken(lambda r: r["outputSpeech"].update(ssml="<speak>" + "a" * MAX_SPEECH_CHARS + "</speak>")),
        _broken(lambda r: r["outputSpeech"].update(ssml="Hello")),  # not wrapped in <speak>
        _broken(lambda r: r.update(card={"type": "Simple", "title": "t"})),
        _broken(lambda r: r.update(shouldEndSession="no")),
    ],
)
def test_response_schema_refuses_what_alexa_refuses(response: dict[str, Any]) -> None:
    assert problems_with_response(response, 100)


def test_response_checks_beyond_the_schema() -> None:
    assert problems_with_response(good_response(), 100) == []
    assert problems_with_response(good_response(), MAX_RESPONSE_BYTES)  # size
    bad_xml = _broken(lambda r: r["outputSpeech"].update(ssml="<speak>salt & pepper</speak>"))
    assert problems_with_response(bad_xml, 100)
    long_card = _broken(lambda r: r.update(card={"type": "Simple", "title": "t" * 4000, "content": "c" * 4001}))
    assert problems_with_response(long_card, 100)


# --- what the fuzzing found (each failed before its fix) ----------------------------------------


def in_session(request: dict[str, Any], attributes: Any) -> bytes:
    session = {**request_builder.new_session(SKILL_ID), "new": False, "attributes": attributes}
    return encode(request_builder.envelope(request, session, skill_id=SKILL_ID))


def test_session_attributes_nested_too_deeply_are_a_400_not_a_500() -> None:
    # The SDK deep-copies session attributes; 600 levels overflowed Python's stack: a 500.
    status, data = fuzz_post(in_session(request_builder.launch_request(), {"last": Deep(600)}))
    assert (status, json.loads(data)) == (400, {"error": "not an Alexa request envelope"})


def test_session_state_the_skill_did_not_write_is_not_echoed() -> None:
    # The SDK echoed every attribute back: 200 KB in made a response too large for Alexa.
    attributes = {"padding": "x" * 200_000, "offer": "causes"}
    status, data = fuzz_post(in_session(request_builder.launch_request(), attributes))
    assert status == 200 and len(data) < 10_000
    assert "padding" not in json.loads(data)["sessionAttributes"]
    check_answer(status, data)


@pytest.mark.parametrize("last", [{"text": ""}, {"text": "\x1b\x07"}, {"text": "a " * 4000},
                                  {"text": "Hello.", "question": "   "}])
def test_repeat_never_says_nothing_or_too_much(last: dict[str, str]) -> None:
    # "Repeat" with a forged last answer opened the microphone with nothing said, or past 8,000 characters.
    status, data = fuzz_post(in_session(request_builder.intent_request("AMAZON.RepeatIntent"), {"last": last}))
    check_answer(status, data)
    said = ssml_to_text(json.loads(data)["response"]["outputSpeech"]["ssml"])
    if last["text"].strip() == "Hello.":
        assert said == "Hello." and ssml_to_text(json.loads(data)["response"]["reprompt"]["outputSpeech"]["ssml"])
    else:
        assert said.startswith(load_content("en-US").text("nothing_to_repeat"))


def test_ssml_drops_characters_xml_forbids() -> None:
    # escape() handled & < > but not control characters: the SSML did not parse.
    ssml = to_ssml("a\x00b\x1bc\ud800 & <d>\tend")
    assert ssml == "<speak>abc &amp; &lt;d&gt;\tend</speak>"
    assert ET.fromstring(ssml).tag == "speak"
