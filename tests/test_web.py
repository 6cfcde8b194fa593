"""The web service, through Flask's test client and over real HTTP to gunicorn.

Signed requests use real certificate chains from ``skill.simulator.testpki`` and
real signatures; the production server is ``python -m skill serve`` started
as a subprocess on a free port of 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from skill import build_skill, handle_envelope
from skill.content.validation import ContentError, Problem
from skill.simulator import envelopes
from skill.simulator.session import Conversation
from skill.simulator.signing import sign_body
from skill.simulator.testpki import BuiltChain, TestChain, cached_key, ensure_test_chain, make_chain
from skill.web import ConfigError, create_app
from skill.web.app import MAX_BODY_BYTES, Settings, config_from_env
from skill.web.verification import cert_file_name
from tests.servers import TIMEOUT, Server, free_port, http_exchange, start_server

ROOT = Path(__file__).resolve().parents[1]
SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
USER_ID = "amzn1.ask.account.WEBTESTUSER"

Post = Callable[..., tuple[int, dict[str, Any]]]


# --- requests ------------------------------------------------------------------


def now_iso(offset_seconds: float = 0) -> str:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def launch(skill_id: str = SKILL_ID, **request_fields: Any) -> dict[str, Any]:
    session = {**envelopes.new_session(skill_id), "user": {"userId": USER_ID}}
    envelope = envelopes.envelope(envelopes.launch_request(), session, skill_id=skill_id)
    envelope["request"].update(request_fields)
    return envelope


def encode(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope).encode()


def speech(response: dict[str, Any]) -> str:
    return response["response"]["outputSpeech"]["ssml"]


# --- certificates ----------------------------------------------------------------

# Broken chains, each served under its own (valid) certificate URL from the cert dir.
CHAIN_VARIANTS: dict[str, dict[str, Any]] = {
    "good": {},
    "expired": {"leaf_not_before": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                "leaf_not_after": dt.datetime(2021, 1, 1, tzinfo=dt.UTC)},
    "wrong-san": {"san": ("example.com",)},
    "untrusted-root": {"root_role": "other-root"},
    "missing-intermediate": {"include_intermediate": False},
}


@dataclass(frozen=True)
class Certs:
    chain: TestChain
    variants: dict[str, tuple[str, BuiltChain]]  # name -> (certificate URL, chain)

    def signed(self, body: bytes, variant: str | None = None) -> dict[str, str]:
        if variant is None:
            return self.chain.headers(body)
        url, built = self.variants[variant]
        return {"SignatureCertChainUrl": url, "Signature-256": built.sign(body)}


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    chain = ensure_test_chain(tmp_path_factory.mktemp("web-certs"))
    variants = {}
    for name, options in CHAIN_VARIANTS.items():
        url = f"https://s3.amazonaws.com/echo.api/{name}.pem"
        built = make_chain(**options)  # same cached root key as ``chain``
        (chain.directory / cert_file_name(url)).write_bytes(built.chain_pem)
        variants[name] = (url, built)
    return Certs(chain, variants)


@pytest.fixture(scope="session")
def config(certs: Certs) -> dict[str, str]:
    return {
        "ALEXA_SKILL_ID": SKILL_ID,
        "ALEXA_CA_BUNDLE": str(certs.chain.root_path),
        "ALEXA_CERT_DIR": str(certs.chain.directory),
    }


# --- transports: Flask's test client and real HTTP ---------------------------------


@pytest.fixture(scope="session")
def client(config: dict[str, str]) -> Any:
    return create_app(config).test_client()


def client_post(client: Any) -> Post:
    def post(body: bytes, headers: dict[str, str] | None = None, method: str = "POST") -> tuple[int, dict]:
        response = client.open("/", method=method, data=body, headers=headers or {})
        return response.status_code, response.get_json(silent=True)

    return post


def http_post(base: tuple[str, int]) -> Post:
    def post(body: bytes, headers: dict[str, str] | None = None, method: str = "POST") -> tuple[int, dict]:
        headers = {"Content-Type": "application/json", **(headers or {})}
        status, _, data = http_exchange(base, method, "/", body if method == "POST" else None, headers)
        return status, json.loads(data)

    return post


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, config: dict[str, str]) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("server") / "server.log", config)
    yield running
    if running.process.poll() is None:
        started = time.monotonic()
        assert running.stop() == 0
        assert time.monotonic() - started < 10


@pytest.fixture(params=["client", "http"])
def post(request: pytest.FixtureRequest) -> Post:
    """The same POST / through the test client, then over HTTP to gunicorn."""
    if request.param == "client":
        return client_post(request.getfixturevalue("client"))
    return http_post(request.getfixturevalue("server").base)


# --- health and methods -------------------------------------------------------------


def test_health(client: Any, server: Server) -> None:
    assert client.get("/health").get_json() == {"status": "ok", "verification": True}
    status, headers, body = http_exchange(server.base, "GET", "/health")
    assert status == 200 and json.loads(body) == {"status": "ok", "verification": True}
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_other_methods_get_json_405(post: Post, method: str) -> None:
    assert post(b"", method=method) == (405, {"error": "method not allowed"})


def test_405_names_the_allowed_method(client: Any) -> None:
    assert client.get("/").headers["Allow"] == "POST"


def test_unknown_path_is_json_404(client: Any) -> None:
    response = client.post("/alexa", data=b"{}")
    assert response.status_code == 404 and response.get_json() == {"error": "not found"}


# --- verification: every rule accepts the good and refuses the bad --------------------


def test_signed_request_accepted(post: Post, certs: Certs) -> None:
    body = encode(launch())
    status, response = post(body, certs.signed(body))
    assert status == 200, response
    assert "Welcome" in speech(response)


def test_signed_with_variant_good_chain_accepted(post: Post, certs: Certs) -> None:
    # Control for the broken variants below: only their one defect differs.
    body = encode(launch())
    assert post(body, certs.signed(body, "good"))[0] == 200


@pytest.mark.parametrize(
    ("variant", "check"),
    [
        ("expired", "certificate_expired"),
        ("wrong-san", "certificate_san"),
        ("untrusted-root", "certificate_chain"),
        ("missing-intermediate", "certificate_chain"),
    ],
)
def test_bad_certificate_chains_refused(post: Post, certs: Certs, variant: str, check: str) -> None:
    body = encode(launch())
    assert post(body, certs.signed(body, variant)) == (400, {"error": check})


def test_missing_signature_headers_refused(post: Post) -> None:
    assert post(encode(launch())) == (400, {"error": "missing_header"})


@pytest.mark.parametrize(
    "url",
    ["http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https://notamazon.com/echo.api/echo-api-cert.pem",
     "https://s3.amazonaws.com/echo.api/../echo-api-cert.pem"],
)
def test_bad_certificate_url_refused(post: Post, certs: Certs, url: str) -> None:
    body = encode(launch())
    headers = {**certs.signed(body), "SignatureCertChainUrl": url}
    assert post(body, headers) == (400, {"error": "signature_cert_chain_url"})


def test_signature_is_over_the_exact_bytes(post: Post, certs: Certs) -> None:
    body = encode(launch())
    headers = certs.signed(body)
    # Same JSON, one more byte: the signature no longer matches.
    assert post(body + b" ", headers) == (400, {"error": "signature"})
    # Reformatted but signed as sent: accepted.
    pretty = json.dumps(json.loads(body), indent=2).encode()
    assert post(pretty, certs.signed(pretty))[0] == 200


def test_signature_by_another_key_refused(post: Post, certs: Certs) -> None:
    body = encode(launch())
    headers = {**certs.signed(body), "Signature-256": sign_body(cached_key("web-other-leaf"), body)}
    assert post(body, headers) == (400, {"error": "signature"})


@pytest.mark.parametrize(("offset", "accepted"), [(-140, True), (140, True), (-300, False), (300, False)])
def test_timestamp_window(post: Post, certs: Certs, offset: int, accepted: bool) -> None:
    body = encode(launch(timestamp=now_iso(offset)))
    status, response = post(body, certs.signed(body))
    if accepted:
        assert status == 200
    else:
        assert (status, response) == (400, {"error": "timestamp"})


def test_other_skills_requests_refused(post: Post, certs: Certs) -> None:
    body = encode(launch(skill_id="amzn1.ask.skill.someone-else"))
    assert post(body, certs.signed(body)) == (400, {"error": "application_id"})


def test_a_session_for_another_skill_is_refused(post: Post, certs: Certs) -> None:
    envelope = launch()  # the context names this skill
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    body = encode(envelope)
    assert post(body, certs.signed(body)) == (400, {"error": "application_id"})


def test_refusal_logged_as_warning_without_body_or_user_id(
    client: Any, certs: Certs, caplog: pytest.LogCaptureFixture
) -> None:
    envelope = launch(timestamp=now_iso(-600))
    body = encode(envelope)
    with caplog.at_level(logging.INFO, logger="skill"):
        assert client_post(client)(body, certs.signed(body)) == (400, {"error": "timestamp"})
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "skill.web"]
    assert len(warnings) == 1 and "timestamp" in warnings[0].getMessage()
    for secret in (USER_ID, envelope["session"]["sessionId"], envelope["request"]["requestId"]):
        assert secret not in caplog.text


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"not json", b"{", b"\xff\xfe\x00", b"[" * 50_000])
def test_body_that_is_not_json(post: Post, body: bytes) -> None:
    assert post(body) == (400, {"error": "body is not JSON"})


def test_json_that_is_not_an_envelope(post: Post) -> None:
    status, response = post(b'{"hello": "world"}')
    assert status == 400 and response["field"] == "version"
    assert response["error"].startswith("not an Alexa request envelope")


DELETE = object()


def _set(path: str, value: Any) -> Callable[[dict], None]:
    *parents, last = path.split(".")

    def change(envelope: dict) -> None:
        target = envelope
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set("version", DELETE), "version"),
        (_set("version", "2.0"), "version"),
        (_set("context", DELETE), "context"),
        (_set("context.System.application.applicationId", DELETE), "context.System.application.applicationId"),
        (_set("context.System.application.applicationId", 7), "context.System.application.applicationId"),
        (_set("session.new", "yes"), "session.new"),
        (_set("session.attributes", [1]), "session.attributes"),
        (_set("session.sessionId", DELETE), "session.sessionId"),
        (_set("request.type", DELETE), "request.type"),
        (_set("request.requestId", DELETE), "request.requestId"),
        (_set("request.timestamp", "yesterday"), "request.timestamp"),
        (_set("request.locale", DELETE), "request.locale"),
        (_set("request.locale", "English"), "request.locale"),
        (_set("request.type", "IntentRequest"), "request.intent"),
    ],
)
def test_schema_names_the_field(client: Any, change: Callable[[dict], None], field: str) -> None:
    envelope = launch()
    change(envelope)
    status, response = client_post(client)(encode(envelope))
    assert status == 400 and response["field"] == field, response
    assert USER_ID not in json.dumps(response)


@pytest.mark.parametrize(
    ("intent", "field"),
    [
        ({}, "request.intent.name"),
        ({"name": 5}, "request.intent.name"),
        ({"name": "CausesIntent", "slots": []}, "request.intent.slots"),
        ({"name": "CausesIntent", "slots": {"cause": {"value": "x"}}}, "request.intent.slots.cause.name"),
        ({"name": "CausesIntent", "confirmationStatus": "MAYBE"}, "request.intent.confirmationStatus"),
    ],
)
def test_schema_checks_the_intent(client: Any, intent: dict, field: str) -> None:
    envelope = launch()
    envelope["request"].update(type="IntentRequest", intent=intent)
    status, response = client_post(client)(encode(envelope))
    assert (status, response["field"]) == (400, field)


def test_schema_is_permissive_where_alexa_adds_fields(certs: Certs, config: dict[str, str]) -> None:
    envelope = envelopes.envelope(
        envelopes.intent_request("CauseDetailIntent", envelopes.custom_slot("cause", "nerves", "nerve", "CauseType",
                                                                            skill_id=SKILL_ID)),
        skill_id=SKILL_ID,
    )
    envelope["newTopLevel"] = {"a": 1}
    envelope["context"]["Viewport"] = {"shape": "ROUND"}
    envelope["context"]["System"]["unknownField"] = True
    envelope["request"]["shouldLinkResultBeReturned"] = False
    client = create_app({**config, "ALEXA_VERIFY": "0"}).test_client()
    assert client.post("/", data=encode(envelope)).status_code == 200


def test_request_type_the_sdk_cannot_read_is_400() -> None:
    client = create_app({"ALEXA_VERIFY": "0"}).test_client()
    envelope = launch(type="Future.UnknownRequest")
    status, response = client_post(client)(encode(envelope))
    assert (status, response) == (400, {"error": "not an Alexa request envelope"})


# --- body size ----------------------------------------------------------------------------


class Unreadable(io.RawIOBase):
    """A request body of ``size`` bytes that fails the test if anything reads it."""

    def __init__(self, size: int) -> None:
        self.size, self.position = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        raise AssertionError("the body was read")


def test_413_from_content_length_without_reading(client: Any) -> None:
    response = client.post("/", input_stream=Unreadable(MAX_BODY_BYTES + 1))
    assert response.status_code == 413
    assert response.get_json() == {"error": f"request body larger than {MAX_BODY_BYTES} bytes"}


def chunked_post(client: Any, body: bytes, headers: dict[str, str] | None = None) -> Any:
    # No Content-Length: gunicorn marks such input terminated, and the cap applies while reading.
    return client.post(
        "/", input_stream=io.BytesIO(body), headers=headers,
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )


def test_413_while_reading_a_chunked_body(client: Any) -> None:
    assert chunked_post(client, b" " * (MAX_BODY_BYTES + 1)).status_code == 413


def test_body_of_exactly_the_cap_is_read(client: Any, certs: Certs) -> None:
    body = encode(launch())
    body += b" " * (MAX_BODY_BYTES - len(body))  # JSON may end in whitespace
    assert client.post("/", data=body, headers=certs.signed(body)).status_code == 200
    assert chunked_post(client, body, certs.signed(body)).status_code == 200


def raw_exchange(base: tuple[str, int], data: bytes) -> tuple[str, dict[str, Any], float]:
    """Send raw bytes, read one response; (status line, JSON body, seconds taken)."""
    started = time.monotonic()
    with socket.create_connection(base, timeout=TIMEOUT) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may close early; its answer is still waiting to be read
        received = b""
        while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, payload = received.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), json.loads(payload), time.monotonic() - started


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


# --- failures inside ------------------------------------------------------------------------


class BrokenSkill:
    """A skill object whose every part fails, as an unforeseen bug would."""

    @property
    def serializer(self) -> Any:
        raise RuntimeError("secret detail that must not reach the caller")


def test_unexpected_exception_is_json_500_without_trace(caplog: pytest.LogCaptureFixture) -> None:
    client = create_app({"ALEXA_VERIFY": "0"}, skill=BrokenSkill()).test_client()  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="skill.web"):
        response = client.post("/", data=encode(launch()))
    assert response.status_code == 500 and response.get_json() == {"error": "internal error"}
    assert b"secret" not in response.data and b"Traceback" not in response.data
    assert "secret detail" in caplog.text  # the trace goes to the log


def test_skill_errors_are_a_spoken_apology(client: Any, certs: Certs, monkeypatch: pytest.MonkeyPatch) -> None:
    from skill import handlers

    def broken(turn: Any) -> Any:
        raise RuntimeError("bug in an answer")

    monkeypatch.setitem(handlers.INTENT_ANSWERS, "CausesIntent", broken)
    skill = build_skill(SKILL_ID)  # handlers are registered at build time
    app_client = create_app({"ALEXA_VERIFY": "0", "ALEXA_SKILL_ID": SKILL_ID}, skill=skill).test_client()
    envelope = launch(type="IntentRequest", intent={"name": "CausesIntent", "slots": {}})
    response = app_client.post("/", data=encode(envelope))
    assert response.status_code == 200 and "sorry" in speech(response.get_json()).lower()


# --- configuration ---------------------------------------------------------------------------


def test_config_from_environment(monkeypatch: pytest.MonkeyPatch, config: dict[str, str]) -> None:
    for name, value in config.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ALEXA_VERIFY", "1")
    monkeypatch.setenv("UNRELATED", "x")
    assert config_from_env() == {**config, "ALEXA_VERIFY": "1"}
    app = create_app()
    assert app.config["ALEXA_SKILL_ID"] == SKILL_ID and "UNRELATED" not in app.config
    assert app.test_client().get("/health").get_json()["verification"] is True


def test_config_argument_ignores_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALEXA_SKILL_ID", SKILL_ID)
    monkeypatch.setenv("ALEXA_VERIFY", "1")
    app = create_app({"ALEXA_VERIFY": False})
    assert app.test_client().get("/health").get_json()["verification"] is False
    # No skill id from the argument, so any skill's request is answered.
    assert app.test_client().post("/", data=encode(launch(skill_id="amzn1.ask.skill.x"))).status_code == 200


@pytest.mark.parametrize(
    ("value", "verify"),
    [("0", False), ("false", False), ("FALSE", False), (" False ", False), (False, False),
     ("1", True), ("true", True), ("yes", True), ("", True), (True, True)],
)
def test_alexa_verify_is_on_unless_0_or_false(value: Any, verify: bool) -> None:
    assert Settings.from_mapping({"ALEXA_VERIFY": value}).verify is verify
    assert Settings.from_mapping({}).verify is True


def test_verification_off_answers_unsigned_requests_but_keeps_the_skill_id() -> None:
    client = create_app({"ALEXA_VERIFY": "false", "ALEXA_SKILL_ID": SKILL_ID}).test_client()
    assert client.post("/", data=encode(launch())).status_code == 200
    response = client.post("/", data=encode(launch(skill_id="amzn1.ask.skill.other")))
    assert (response.status_code, response.get_json()) == (400, {"error": "application_id"})
    envelope = launch()
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    response = client.post("/", data=encode(envelope))
    assert (response.status_code, response.get_json()) == (400, {"error": "application_id"})


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({}, "ALEXA_SKILL_ID is not set"),
        ({"ALEXA_VERIFY": "1", "ALEXA_SKILL_ID": "  "}, "ALEXA_SKILL_ID is not set"),
        ({"ALEXA_SKILL_ID": SKILL_ID, "ALEXA_CA_BUNDLE": "/nonexistent/roots.pem"}, "ALEXA_CA_BUNDLE"),
        ({"ALEXA_SKILL_ID": SKILL_ID, "ALEXA_CERT_DIR": "/nonexistent/dir"}, "ALEXA_CERT_DIR"),
    ],
)
def test_unusable_config_refused(config: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        create_app(config)


def test_invalid_content_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_content() -> None:
        raise ContentError([Problem("en.json", "messages.welcome.text", "too long")])

    monkeypatch.setattr("skill.web.app.check_content", broken_content)
    with pytest.raises(ContentError, match="messages.welcome.text"):
        create_app({"ALEXA_VERIFY": "0"})


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
        assert status == 200 and "Welcome" in speech(response)
    finally:
        started = time.monotonic()
        assert server.stop() == 0
        assert time.monotonic() - started < 5
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
        said[name] = [speech(response) for response in responses]
        assert conversation.is_open and responses[1]["sessionAttributes"]["offer"]
    assert said["http"] == said["in-process"]
    # "Yes" answered the offer carried in the session, not a fresh start.
    fresh_yes = handle_envelope(skill, envelopes.envelope(envelopes.intent_request("AMAZON.YesIntent"),
                                                          skill_id=SKILL_ID))
    assert said["http"][2] != speech(fresh_yes)


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
    assert USER_ID not in log and "amzn1.echo-api.session" not in log and "LaunchRequest" not in log
