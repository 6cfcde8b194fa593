"""The skill's serializer reads and writes exactly the objects the SDK's does, only faster."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from hypothesis import assume, given

from skill import build_skill, handle_envelope
from skill.serialization import EnvelopeSerializer
from skill.simulator import request_builder as rb
from skill.simulator.screen import SCREEN_DEVICES
from skill.simulator.session import Conversation
from tests.helpers import SKILL_ID, speech
from tests.web.fuzzing import encode, fuzz_settings, mutated_envelopes, valid_envelopes


def timestamp_of(serializer, timestamp: str):
    body = {"request": {"type": "LaunchRequest", "requestId": "r", "timestamp": timestamp}}
    return serializer.deserialize(json.dumps(body), RequestEnvelope).request.timestamp


@pytest.mark.parametrize(
    "timestamp",
    ["2026-11-25T12:00:00Z", "2026-11-25T12:00:00.123Z", "2026-11-25T13:00:00+01:00", "2026-11-25T12:00:00"],
)
def test_iso_timestamps_read_the_same_as_the_sdk_reads_them(timestamp):
    assert timestamp_of(EnvelopeSerializer(), timestamp) == timestamp_of(DefaultSerializer(), timestamp)


def test_alexa_timestamps_are_read_without_dateutil(monkeypatch):
    import dateutil.parser

    monkeypatch.setattr(dateutil.parser, "parse", lambda *a, **k: pytest.fail("dateutil was used"))
    assert timestamp_of(EnvelopeSerializer(), "2026-11-25T12:00:00Z") == datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_other_timestamp_forms_still_reach_dateutil():
    assert timestamp_of(EnvelopeSerializer(), "25 Nov 2026 12:00 UTC").date() == date(2026, 11, 25)


def test_the_skill_object_uses_it():
    skill = build_skill()
    assert isinstance(skill.serializer, EnvelopeSerializer)
    response = handle_envelope(skill, rb.envelope(rb.launch_request()))
    assert speech(response).startswith("Welcome to Leg Cramp Guide")


# The same objects as the SDK's serializer ----------------------------------------------------


def anatomy(value: Any) -> Any:
    """``value`` spelt out, class by class and field by field, so equal anatomies mean the same objects
    (model ``==`` alone would take 1 for True and a dict for a model with the same fields)."""
    if isinstance(value, list | tuple):
        return [type(value).__name__, *map(anatomy, value)]
    if isinstance(value, dict):
        return {"dict": {key: anatomy(item) for key, item in value.items()}}
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return {type(value).__qualname__: {key: anatomy(item) for key, item in vars(value).items()}}
    return (type(value).__name__, value)


def read_both(envelope: Any) -> tuple[Any, Any]:
    """(ours, the SDK's) reading of ``envelope``; each a SerializationException where it refuses."""
    results = []
    for read in (
        lambda: EnvelopeSerializer().read(envelope, RequestEnvelope),
        lambda: DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope),
    ):
        try:
            results.append(anatomy(read()))
        except SerializationException:
            results.append(SerializationException)
    return results[0], results[1]


def rich_context_envelope() -> dict[str, Any]:
    """An Echo Show's launch as Alexa sends it: person, units, APL, viewports, audio player state."""
    sent = rb.envelope(rb.launch_request(), skill_id=SKILL_ID)
    SCREEN_DEVICES["hub"].describe(sent, {"token": "causes"})
    system = sent["context"]["System"]
    system["person"] = {"personId": "amzn1.ask.person.x", "accessToken": "t"}
    system["unit"] = {"unitId": "amzn1.ask.unit.x", "persistentUnitId": "p"}
    system["device"]["supportedInterfaces"]["AudioPlayer"] = {}
    system["apiAccessToken"] = "token"
    sent["context"]["AudioPlayer"] = {"playerActivity": "IDLE", "offsetInMilliseconds": 0}
    sent["context"]["Viewports"] = [{"type": "APL", "id": "main", "shape": "RECTANGLE", "dpi": 213,
                                     "presentationType": "STANDARD", "canRotate": False,
                                     "configuration": {"current": {"mode": "HUB", "video": {"codecs": ["H_264_42"]},
                                                                   "size": {"type": "DISCRETE", "pixelWidth": 1280,
                                                                            "pixelHeight": 800}}}}]
    sent["context"]["Extensions"] = {"available": {"aplext:backstack:10": {}}}
    sent["request"]["newField"] = {"from": "a newer Alexa"}  # kept as sent, by both
    return sent


def every_kind_of_request() -> dict[str, dict[str, Any]]:
    resolved = rb.custom_slot("cause", "nerves", "NERVE_COMPRESSION", "CauseType", skill_id=SKILL_ID)
    touched = {"type": "Alexa.Presentation.APL.UserEvent", "token": "causes", "arguments": ["cause", "nerve"],
               "source": {"type": "TouchWrapper", "handler": "Press", "id": "c1", "value": None},
               "components": {"c1": {"checked": False}}}
    bodies = {
        "launch": rb.launch_request(),
        "intent with a resolved slot": rb.intent_request("CauseDetailIntent", resolved),
        "intent unknown": rb.intent_request("NewerModelIntent", {"x": {"name": "x", "value": "y"}}),
        "can fulfill": rb.can_fulfill_intent_request("CausesIntent", resolved),
        "session ended with an error": {**rb.session_ended_request("ERROR"),
                                        "error": {"type": "INVALID_RESPONSE", "message": "m"}},
        "exception encountered": {"type": "System.ExceptionEncountered",
                                  "error": {"type": "INVALID_RESPONSE", "message": "m"},
                                  "cause": {"requestId": "r"}},
        "touch": touched,
        "a request type the SDK does not know": {"type": "Made.Up"},
    }
    envelopes = {name: rb.envelope(body, skill_id=SKILL_ID) for name, body in bodies.items()}
    envelopes["in session with state"] = rb.envelope(rb.intent_request("AMAZON.NextIntent"), skill_id=SKILL_ID)
    envelopes["in session with state"]["session"].update(new=False, attributes={"offer": "causes", "cause_index": 1})
    envelopes["rich context"] = rich_context_envelope()
    return envelopes


@pytest.mark.parametrize("kind", every_kind_of_request())
def test_every_kind_of_request_reads_as_the_sdk_reads_it(kind: str) -> None:
    ours, sdks = read_both(every_kind_of_request()[kind])
    assert ours == sdks


@fuzz_settings(300)
@given(envelope=valid_envelopes())
def test_any_envelope_alexa_could_send_reads_as_the_sdk_reads_it(envelope: dict[str, Any]) -> None:
    ours, sdks = read_both(envelope)
    assert ours == sdks


@fuzz_settings(300)
@given(envelope=mutated_envelopes())
def test_a_broken_envelope_is_refused_or_read_as_the_sdk_does(envelope: dict[str, Any]) -> None:
    try:
        parsed = json.loads(encode(envelope))
    except (ValueError, RecursionError):
        assume(False)  # no JSON; the web service refuses it before any serializer
    ours, sdks = read_both(parsed)
    assert ours == sdks


def test_every_response_in_a_conversation_on_a_screen_writes_as_the_sdk_writes_it() -> None:
    skill = build_skill(SKILL_ID)
    written: list[tuple[Any, Any]] = []

    def transport(envelope: dict[str, Any]) -> dict[str, Any]:
        SCREEN_DEVICES["hub"].describe(envelope, None)
        response = skill.invoke(request_envelope=EnvelopeSerializer().read(envelope, RequestEnvelope), context=None)
        written.append((EnvelopeSerializer().serialize(response), DefaultSerializer().serialize(response)))
        return written[-1][0]

    conversation = Conversation(transport, skill_id=SKILL_ID)
    conversation.launch()
    for intent in ("CausesIntent", "AMAZON.NextIntent", "AMAZON.YesIntent", "PreventionIntent", "AMAZON.HelpIntent"):
        conversation.intent(intent)
    conversation.intent("AMAZON.StopIntent")
    assert len(written) == 7
    assert any("directives" in ours["response"] for ours, _ in written)  # screens were written too
    for ours, sdks in written:
        assert anatomy(ours) == anatomy(sdks)


def test_handling_a_request_leaves_the_envelope_as_it_was() -> None:
    # The skill reads the parsed envelope without a copy; nothing it does may change the caller's.
    skill = build_skill(SKILL_ID)
    sent = every_kind_of_request()
    for envelope in sent.values():
        before = copy.deepcopy(envelope)
        try:
            handle_envelope(skill, envelope)
        except SerializationException:
            pass  # the request type the SDK does not know
        assert envelope == before
