"""The web app through Flask's test client: routes, bad input, body size,
failures inside, and configuration."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from skill import build_skill
from skill.content.validation import ContentError, Problem
from skill.simulator import request_builder
from skill.web import ConfigError, create_app
from skill.web.app import MAX_BODY_BYTES, Settings, config_from_env
from tests.servers import Server, http_exchange
from tests.web.helpers import SKILL_ID, USER_ID, Certs, Post, client_post, encode, launch, ssml

# --- health and methods -------------------------------------------------------------


@pytest.mark.slow  # the production server too
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
    envelope = request_builder.envelope(
        request_builder.intent_request(
            "CauseDetailIntent", request_builder.custom_slot("cause", "nerves", "nerve", "CauseType", skill_id=SKILL_ID)
        ),
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
    assert response.status_code == 200 and "sorry" in ssml(response.get_json()).lower()


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
