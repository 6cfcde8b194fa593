"""CanFulfillIntentRequest through the web service, signed as Alexa signs it: through the test
client and over real HTTP to gunicorn (``post``), a verdict and nothing else, nothing logged
about the user."""

from __future__ import annotations

import time
from typing import Any

import pytest

from skill.simulator import request_builder
from tests.servers import Server
from tests.web.helpers import SKILL_ID, USER_ID, Certs, Post, encode, http_post

DEVICE_ID = "amzn1.ask.device.NAMEFREEDEVICE"


def question(intent: str, slots: dict[str, Any] | None = None, in_session: bool = False) -> dict[str, Any]:
    session = {**request_builder.new_session(SKILL_ID), "user": {"userId": USER_ID},
               "attributes": {"offer": "causes", "cause_index": 0}}
    envelope = request_builder.envelope(
        request_builder.can_fulfill_intent_request(intent, slots), session, "en-GB", SKILL_ID)
    envelope["context"]["System"]["device"]["deviceId"] = DEVICE_ID
    if not in_session:
        del envelope["session"]
    return envelope


@pytest.mark.parametrize(
    "intent, slots, expected",
    [
        ("CausesIntent", None, {"canFulfill": "YES", "slots": {}}),
        ("CauseDetailIntent", request_builder.custom_slot("cause", "pinched nerve", "NERVE_COMPRESSION", "X"),
         {"canFulfill": "YES", "slots": {"cause": {"canUnderstand": "YES", "canFulfill": "YES"}}}),
        ("CauseDetailIntent", {"cause": {"name": "cause", "value": "xylophone"}},
         {"canFulfill": "NO", "slots": {"cause": {"canUnderstand": "NO", "canFulfill": "NO"}}}),
        ("AMAZON.FallbackIntent", None, {"canFulfill": "NO", "slots": {}}),
    ],
    ids=["causes", "a-cause", "not-a-cause", "fallback"],
)
@pytest.mark.parametrize("in_session", [False, True], ids=["alone", "in-session"])
def test_a_signed_question_gets_the_verdict_alone(
    post: Post, certs: Certs, intent: str, slots: Any, expected: dict[str, Any], in_session: bool
) -> None:
    body = encode(question(intent, slots, in_session))
    status, response = post(body, certs.signed(body))
    assert status == 200, response
    assert set(response) <= {"version", "response", "userAgent"}  # no sessionAttributes
    assert response["response"] == {"canFulfillIntent": expected}


def test_an_unsigned_question_is_refused_like_any_request(post: Post) -> None:
    status, response = post(encode(question("CausesIntent")))
    assert status == 400 and response == {"error": "missing_header"}


@pytest.mark.slow
def test_the_server_logs_nothing_about_who_asked(server: Server, certs: Certs) -> None:
    envelope = question("CauseDetailIntent", {"cause": {"name": "cause", "value": "pinched nerve"}}, in_session=True)
    body = encode(envelope)
    answered = server.log().count('"POST / HTTP/1.1" 200 ')
    status, response = http_post(server.base)(body, certs.signed(body))
    assert status == 200 and response["response"]["canFulfillIntent"]["canFulfill"] == "YES"
    deadline = time.monotonic() + 10  # gunicorn writes the access line just after the answer
    while (log := server.log()).count('"POST / HTTP/1.1" 200 ') == answered and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log.count('"POST / HTTP/1.1" 200 ') == answered + 1  # the exchange was logged, as its access line
    for private in (USER_ID, DEVICE_ID, envelope["session"]["sessionId"], "pinched nerve"):
        assert private not in log
