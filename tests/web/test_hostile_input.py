"""Hostile input the security review sent: numbers JSON has not, lone
surrogates, a body shorter than its Content-Length, another skill's session,
and attacker text long enough to flood a log. Signed with real chains, so
each is refused for what it is, not for a missing signature."""

from __future__ import annotations

import importlib.util
import json
import logging
import socket
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from skill import build_skill, handle_envelope
from skill.envelope import InvalidEnvelope, WrongSkill, check_envelope
from skill.paths import REPO_ROOT
from skill.web.server import MAX_MESSAGE_CHARS, CappedMessages
from tests.servers import TIMEOUT, Server
from tests.web.helpers import SKILL_ID, Certs, Post, encode, launch, raw_exchange

# What Python's JSON reader takes and no JSON writer may send back.
NOT_JSON_NUMBERS = [b"NaN", b"Infinity", b"-Infinity"]


def with_attributes(raw_value: bytes) -> bytes:
    """A launch whose session attributes hold ``raw_value`` exactly as written (not as json.dumps writes it)."""
    envelope = launch()
    envelope["session"]["attributes"] = {"cause_index": "PLACEHOLDER", "offer": "causes"}
    return encode(envelope).replace(b'"PLACEHOLDER"', raw_value)


@pytest.mark.parametrize("raw", NOT_JSON_NUMBERS, ids=lambda raw: raw.decode())
def test_nan_and_infinity_are_refused_not_echoed(post: Post, certs: Certs, raw: bytes) -> None:
    body = with_attributes(raw)
    assert json.loads(body)  # Python reads it...
    status, answer = post(body, certs.signed(body))
    assert status == 400 and answer == {"error": "not an Alexa request envelope"}  # ...the service does not


@pytest.mark.parametrize("raw", [b'"\\ud800"', b'"cramp \\udfff"', b'{"\\udbff": 1}'], ids=["high", "low", "in-a-key"])
def test_lone_surrogates_are_refused(post: Post, certs: Certs, raw: bytes) -> None:
    body = with_attributes(raw)
    status, answer = post(body, certs.signed(body))
    assert status == 400 and answer == {"error": "not an Alexa request envelope"}


def test_a_surrogate_pair_is_text_and_answered(post: Post, certs: Certs) -> None:
    body = with_attributes(b'"\\ud83d\\ude00"')  # one emoji, escaped as JSON escapes it
    status, answer = post(body, certs.signed(body))
    assert status == 200 and answer["response"]["outputSpeech"]


def test_check_envelope_looks_everywhere() -> None:
    deep: Any = float("nan")
    for _ in range(5000):  # deeper than Python's recursion limit
        deep = [deep]
    for bad, words in [({"request": {"type": "LaunchRequest", "requestId": "r"}, "x": deep}, "^NaN is not"),
                       ({"request": {"type": "LaunchRequest", "requestId": "r", "n": -float("inf")}}, "^-Infinity"),
                       ({"request": {"type": "LaunchRequest", "requestId": "r\udc00"}}, "surrogate")]:
        with pytest.raises(InvalidEnvelope, match=words):
            check_envelope(bad)


def load_lambda(skill_id: str | None = None) -> ModuleType:
    """lambda/lambda_function.py as Lambda imports it, ``ALEXA_SKILL_ID`` set to ``skill_id``."""
    with pytest.MonkeyPatch.context() as patch:
        if skill_id is None:
            patch.delenv("ALEXA_SKILL_ID", raising=False)
        else:
            patch.setenv("ALEXA_SKILL_ID", skill_id)
        return _import_lambda()


def _import_lambda() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lambda_function_hostile", Path(REPO_ROOT, "lambda",
                                                                                  "lambda_function.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("raw", [*NOT_JSON_NUMBERS, b'"\\ud800"'], ids=lambda raw: raw.decode())
def test_lambda_refuses_them_too(raw: bytes) -> None:
    # Lambda's runtime parses the event with json.loads, which takes all of these.
    event = json.loads(with_attributes(raw))
    with pytest.raises(InvalidEnvelope):
        handle_envelope(build_skill(SKILL_ID), event)
    with pytest.raises(ValueError, match="not a JSON number|lone surrogate"):  # a refusal that says why
        load_lambda().lambda_handler(event, None)
    assert handle_envelope(build_skill(SKILL_ID), json.loads(with_attributes(b"1")))["response"]


APPLICATIONS = ['"amzn1.ask.skill.someone-else"', "{}", '{"applicationId": null}', '["x"]']


def with_session_application(raw: str) -> bytes:
    envelope = launch()  # the context names this skill
    envelope["session"]["application"] = "PLACEHOLDER"
    return encode(envelope).replace(b'"PLACEHOLDER"', raw.encode())


@pytest.mark.parametrize("application", APPLICATIONS)
def test_a_session_application_not_naming_this_skill_is_refused(post: Post, certs: Certs, application: str) -> None:
    body = with_session_application(application)
    status, answer = post(body, certs.signed(body))  # the envelope schema refuses it, naming the field
    assert status == 400 and answer["field"] == "session.application" + (".applicationId" if "{" in application
                                                                         else "")


@pytest.mark.parametrize("application", APPLICATIONS)
def test_lambda_refuses_a_session_application_not_naming_this_skill(application: str) -> None:
    # Lambda has no schema: the one rule, check_application_id, refuses each form.
    event = json.loads(with_session_application(application))
    with pytest.raises(WrongSkill, match="session.application"):
        handle_envelope(build_skill(SKILL_ID), event)
    with pytest.raises(WrongSkill):
        load_lambda(SKILL_ID).lambda_handler(event, None)


def test_a_long_log_message_is_cut_short() -> None:
    # What any logger of the service writes, gunicorn's and the app's (serve adds it to every handler).
    record = logging.LogRecord("skill.web", logging.WARNING, __file__, 1, "refused: %s", ("x" * 10_000,), None)
    assert CappedMessages().filter(record)
    assert len(record.getMessage()) < MAX_MESSAGE_CHARS + 30
    assert record.getMessage().endswith("... (10009 characters)")
    short = logging.LogRecord("skill.web", logging.WARNING, __file__, 1, "refused: %s", ("x" * 10,), None)
    assert CappedMessages().filter(short) and short.getMessage() == "refused: " + "x" * 10


# --- over the wire --------------------------------------------------------------------------


def _post_head(length: int, headers: dict[str, str]) -> bytes:
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{lines}"
            f"Content-Length: {length}\r\n\r\n").encode()


@pytest.mark.slow
def test_a_body_shorter_than_its_content_length_then_a_half_close_is_400(server: Server, certs: Certs) -> None:
    body = encode(launch())  # valid and signed as sent: only its declared length is wrong
    with socket.create_connection(server.base, timeout=TIMEOUT) as sock:
        sock.sendall(_post_head(len(body) + 40, certs.signed(body)) + body)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, payload = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(payload) == {"error": "body shorter than its Content-Length"}
    # The same bytes with the right length are answered.
    status, answer, _ = raw_exchange(server.base, _post_head(len(body), certs.signed(body)) + body)
    assert status.startswith("HTTP/1.1 200") and answer["response"]["outputSpeech"]


@pytest.mark.slow
def test_attacker_text_reaches_the_log_cut_short(server: Server, certs: Certs) -> None:
    body = encode(launch())
    long_url = "https://s3.amazonaws.com/invalid/" + "u" * 8100  # the header line just within gunicorn's limit
    headers = {**certs.signed(body), "SignatureCertChainUrl": long_url}
    status, answer, _ = raw_exchange(server.base, _post_head(len(body), headers) + body)
    assert status.startswith("HTTP/1.1 400") and answer == {"error": "signature_cert_chain_url"}
    long_target = "/?" + "q" * 4000  # a request line of 4 KiB, within gunicorn's limit
    request = f"POST {long_target} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}".encode()
    status, _, _ = raw_exchange(server.base, request)
    assert status.startswith("HTTP/1.1 400")
    deadline = time.monotonic() + 3
    while "q" * 150 not in server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = server.log()
    assert "signature_cert_chain_url check failed" in log, log[-2000:]
    assert "u" * 50 in log and "q" * 150 in log  # quoted, as far as the cap
    assert "u" * 300 not in log and "q" * 300 not in log
    assert max(len(line) for line in log.splitlines()) < 600
