"""The production server, ``python -m skill serve`` in a subprocess on
127.0.0.1: body limits over the wire, start-up, SIGTERM, sessions and logs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from skill import build_skill, handle_envelope
from skill.simulator import request_builder
from skill.simulator.session import Conversation
from tests.servers import ROOT, Server, free_port, start_server
from tests.web.helpers import SKILL_ID, USER_ID, Certs, encode, http_post, launch, now_iso, raw_exchange, ssml

pytestmark = pytest.mark.slow


# --- body limits over the wire ------------------------------------------------------------


def test_413_over_http_answered_before_the_body_is_sent(server: Server) -> None:
    # Declares 10 MiB, sends 64 KiB and waits: an answer proves nobody waited for the rest.
    head = (
        b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Content-Length: 10485760\r\n\r\n"
    )
    status, body, seconds = raw_exchange(server.base, head + b" " * 65536)
    assert status.startswith("HTTP/1.1 413") and body["error"].startswith("request body larger than")
    assert seconds < 2


def test_413_over_http_for_a_chunked_body(server: Server) -> None:
    chunk = b" " * 32768
    chunks = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 9  # 288 KiB
    head = b"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
    status, _, seconds = raw_exchange(server.base, head + chunks + b"0\r\n\r\n")
    assert status.startswith("HTTP/1.1 413") and seconds < 2


# --- the production server ---------------------------------------------------------------------


def test_serve_refuses_to_start_without_skill_id() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALEXA_")}
    result = subprocess.run(
        [sys.executable, "-m", "skill", "serve", "--port", str(free_port())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "ALEXA_SKILL_ID is not set" in result.stderr and result.stdout == ""


def test_dev_server_warns_answers_unsigned_and_stops_on_sigterm(tmp_path: Path) -> None:
    server = start_server(tmp_path / "dev.log", {}, "--dev")
    try:
        status, response = http_post(server.base)(encode(launch()))
        assert status == 200 and "Welcome" in ssml(response)
    finally:
        started = time.monotonic()
        assert server.stop() == 0
        # Not a speed target: SIGTERM ends it within serve's graceful timeout (10 s), with
        # margin for a loaded machine (one took the whole 10 s once), not only when killed.
        assert time.monotonic() - started < 15
    log = server.log()
    assert "WARNING: --dev" in log and "local testing only" in log
    assert "Listening at: http://127.0.0.1:" in log


def test_conversation_over_http_keeps_the_session(server: Server, certs: Certs) -> None:
    def signed_http(envelope: dict[str, Any]) -> dict[str, Any]:
        body = encode(envelope)
        status, response = http_post(server.base)(body, certs.signed(body))
        assert status == 200, response
        return response

    skill = build_skill(SKILL_ID)
    said: dict[str, list[str]] = {}
    for name, transport in [("http", signed_http), ("in-process", lambda e: handle_envelope(skill, e))]:
        conversation = Conversation(transport, skill_id=SKILL_ID)
        responses = [conversation.launch(), conversation.intent("CausesIntent"),
                     conversation.intent("AMAZON.YesIntent")]
        said[name] = [ssml(response) for response in responses]
        assert conversation.is_open and responses[1]["sessionAttributes"]["offer"]
    assert said["http"] == said["in-process"]
    # "Yes" answered the offer carried in the session, not a fresh start.
    fresh_yes = handle_envelope(skill, request_builder.envelope(request_builder.intent_request("AMAZON.YesIntent"),
                                                          skill_id=SKILL_ID))
    assert said["http"][2] != ssml(fresh_yes)


def test_server_logs_hold_no_bodies_or_user_ids(server: Server, certs: Certs) -> None:
    post = http_post(server.base)
    good, stale = encode(launch()), encode(launch(timestamp=now_iso(-600)))
    assert post(good, certs.signed(good))[0] == 200
    assert post(stale, certs.signed(stale)) == (400, {"error": "timestamp"})
    deadline = time.monotonic() + 2
    while '"POST / HTTP/1.1" 400' not in server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = server.log()
    assert '"POST / HTTP/1.1" 200' in log and "timestamp check failed" in log
    assert USER_ID not in log and "amzn1.echo-api.session" not in log
    # The request's type is logged (skill.telemetry), never its body.
    assert "LaunchRequest" in log and "supportedInterfaces" not in log and "apiEndpoint" not in log


def test_expect_100_continue_is_answered_before_the_body(server: Server, certs: Certs) -> None:
    # curl sends this for larger bodies and waits a second for the go-ahead:
    # the worker buffers the body, so it must say "100 Continue" itself, once.
    body = encode(launch())
    headers = "".join(f"{name}: {value}\r\n" for name, value in certs.signed(body).items())
    head = (f"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n{headers}"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(server.base, timeout=5) as sock:
        sock.sendall(head)
        sock.settimeout(1.0)  # curl's own wait
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.settimeout(5)
        sock.sendall(body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 200") and b"100 Continue" not in received
    assert json.loads(received.partition(b"\r\n\r\n")[2])["response"]["outputSpeech"]
