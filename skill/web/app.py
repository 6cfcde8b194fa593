"""The Flask app that hosts the skill: POST / for Alexa, GET /health.

The web layer turns HTTP requests into request envelopes and response
envelopes back into HTTP; it knows nothing of intents. Every refusal is an
exception, and ``refusal`` maps each kind of failure to its HTTP status.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.skill import CustomSkill
from flask import Flask, Response, jsonify, request
from jsonschema.exceptions import ValidationError, best_match
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from skill import build_skill, handle_envelope
from skill.content.validation import check_content
from skill.envelope import InvalidEnvelope, WrongSkill, capped
from skill.schemas import fast_check, field_name, schema_validator
from skill.web.verification import CertificateStore, RequestVerifier, VerificationError

__all__ = ["MAX_BODY_BYTES", "SETTING_NAMES", "ConfigError", "Settings", "config_from_env", "create_app"]

MAX_BODY_BYTES = 256 * 1024
SCHEMA_PATH = Path(__file__).with_name("request_envelope.schema.json")
SETTING_NAMES = ("ALEXA_SKILL_ID", "ALEXA_VERIFY", "ALEXA_CA_BUNDLE", "ALEXA_CERT_DIR")

log = logging.getLogger("skill.web")


class ConfigError(ValueError):
    """The service cannot start with this configuration; the message says why."""


class NotJSON(ValueError):
    """The request body is not JSON."""


class ShortBody(ValueError):
    """The body ended before its Content-Length: the client closed its side early."""


class NotAnEnvelope(ValueError):
    """The body is JSON but not an Alexa request envelope; ``field`` names where."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field


# --- configuration ---------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The service's settings, read from ALEXA_* names."""

    skill_id: str | None
    verify: bool
    ca_bundle: str | None
    cert_dir: str | None

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> Settings:
        def text(name: str) -> str | None:
            value = config.get(name)
            if value is None:
                return None
            return str(value).strip() or None  # an empty setting counts as unset

        return cls(
            skill_id=text("ALEXA_SKILL_ID"),
            verify=_flag(config.get("ALEXA_VERIFY", True)),
            ca_bundle=text("ALEXA_CA_BUNDLE"),
            cert_dir=text("ALEXA_CERT_DIR"),
        )

    def check(self) -> None:
        """Refuse a configuration that would serve unsafely or fail on first use."""
        if self.verify and not self.skill_id:
            raise ConfigError(
                "request verification is on but ALEXA_SKILL_ID is not set: set it to the skill's "
                "id from the developer console (amzn1.ask.skill....), or turn verification off "
                "for local testing (ALEXA_VERIFY=0, or serve --dev)"
            )
        if self.ca_bundle and not Path(self.ca_bundle).is_file():
            raise ConfigError(f"ALEXA_CA_BUNDLE {self.ca_bundle!r} is not a file")
        if self.cert_dir and not Path(self.cert_dir).is_dir():
            raise ConfigError(f"ALEXA_CERT_DIR {self.cert_dir!r} is not a directory")


def _flag(value: Any) -> bool:
    """On unless "0" or "false" (any case); a bool is taken as it is."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in {"0", "false"}


def config_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The service's settings from the environment, and nothing else from it."""
    return {name: environ[name] for name in SETTING_NAMES if name in environ}


# --- the app -----------------------------------------------------------------


def create_app(config: Mapping[str, Any] | None = None, *, skill: CustomSkill | None = None) -> Flask:
    """Build the web service from ``config`` (default: the environment).

    ``config`` holds the ALEXA_* settings and any Flask settings (TESTING, ...).
    ``skill`` replaces the skill object (tests). Raises ``ConfigError`` for an
    unusable configuration and ``ContentError`` for invalid content.
    """
    config = config_from_env() if config is None else config
    settings = Settings.from_mapping(config)
    settings.check()
    check_content()  # never start serving content that fails its own checks
    skill = build_skill(settings.skill_id) if skill is None else skill
    verifier = _verifier(settings) if settings.verify else None

    app = Flask(__name__)
    # One byte over the cap: werkzeug stops reading a chunked body quietly at
    # its limit, so only a longer read tells "too large" from "exactly full".
    app.config.from_mapping(MAX_CONTENT_LENGTH=MAX_BODY_BYTES + 1)
    app.config.from_mapping(config)
    app.register_error_handler(Exception, _error_response)

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok", verification=settings.verify)

    # No automatic OPTIONS: every method but POST gets the JSON 405.
    @app.post("/", provide_automatic_options=False)
    def alexa() -> Response:
        body = read_body()
        envelope = read_envelope(body)
        if verifier is not None:
            verifier.verify(request.headers, body, envelope)  # over the exact bytes received
        # The skill refuses another skill's request (WrongSkill), verified or not.
        return jsonify(handle_envelope(skill, envelope))

    return app


def _verifier(settings: Settings) -> RequestVerifier:
    store = CertificateStore(trust_roots_pem_path=settings.ca_bundle, cert_dir=settings.cert_dir)
    return RequestVerifier(store)  # the application id is the skill's to check, for every entry point


# --- reading the body ----------------------------------------------------------


def read_body() -> bytes:
    """The raw request body; 413 past ``MAX_BODY_BYTES``, refused unread if declared; 400 if cut short."""
    declared = request.content_length
    if declared is not None and declared > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    body = request.get_data(cache=False)  # werkzeug caps a chunked body while reading
    if len(body) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    if declared is not None and len(body) < declared:
        # The server hands on a body whose client closed early: what arrived
        # may still parse, but it is not the request that was sent.
        raise ShortBody(f"body of {len(body)} bytes, {declared} declared")
    return body


def read_envelope(body: bytes) -> dict[str, Any]:
    """Parse ``body`` and check it against the request envelope schema."""
    try:
        envelope = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise NotJSON("body is not JSON") from None
    if fast_check(SCHEMA_PATH)(envelope):
        return envelope
    error = best_match(schema_validator(SCHEMA_PATH).iter_errors(envelope))
    if error is not None:
        raise NotAnEnvelope(*_describe(error))
    return envelope


def _describe(error: ValidationError) -> tuple[str, str]:
    """(field, reason) in words that never echo the request's own values."""
    path = list(error.absolute_path)
    expected: Any = error.validator_value  # the schema keyword's value, set for every error it reports
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = next((name for name in expected if name not in error.instance), None)
        return field_name([*path, missing] if missing else path) or "envelope", "is required"
    reasons = {
        "type": lambda: f"must be of type {' or '.join(expected) if isinstance(expected, list) else expected}",
        "enum": lambda: f"must be one of {', '.join(map(str, expected))}",
        "const": lambda: f"must be {expected}",
        "pattern": lambda: "has the wrong format",
        "minLength": lambda: "is too short",
        "maxLength": lambda: "is too long",
    }
    reason = reasons.get(str(error.validator), lambda: "is not valid")()
    return field_name(path) or "envelope", reason


# --- failures ------------------------------------------------------------------


def _capped(value: object) -> str | None:
    """``str(value)`` as a log line may show it (``skill.envelope.capped``)."""
    return capped(str(value))


def refusal(error: Exception) -> tuple[int, dict[str, Any]]:
    """The one mapping from a kind of failure to its HTTP status and JSON body."""
    match error:
        case RequestEntityTooLarge():
            return 413, {"error": f"request body larger than {MAX_BODY_BYTES} bytes"}
        case MethodNotAllowed():
            return 405, {"error": "method not allowed"}
        case HTTPException():  # routing: 404 and the like
            return error.code or 500, {"error": (error.name or "error").lower()}
        case NotJSON():
            return 400, {"error": "body is not JSON"}
        case ShortBody():
            return 400, {"error": "body shorter than its Content-Length"}
        case NotAnEnvelope():
            return 400, {"error": f"not an Alexa request envelope: {error}", "field": error.field}
        case InvalidEnvelope() | SerializationException():  # shapes the schema let through
            return 400, {"error": "not an Alexa request envelope"}
        case VerificationError():
            return 400, {"error": error.check}
        case WrongSkill():
            return 400, {"error": "application_id"}
        case _:
            return 500, {"error": "internal error"}


def _error_response(error: Exception) -> Response:
    status, body = refusal(error)
    _log_refusal(status, error)
    response = jsonify(body)
    response.status_code = status
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if isinstance(error, RequestEntityTooLarge):
        response.headers["Connection"] = "close"  # the rest of the body stays unread
    return response


def _log_refusal(status: int, error: Exception) -> None:
    # Never the body or any user id: only the failed check or the field name,
    # each message cut to MAX_SHOWN_CHARS (it may quote a header or an id).
    if isinstance(error, VerificationError):
        log.warning("request refused: %s check failed: %s", error.check, _capped(error))
    elif isinstance(error, WrongSkill):
        log.warning("request refused: application_id check failed: %s", _capped(error))
    elif isinstance(error, NotAnEnvelope):
        log.info("request refused: not an envelope at %s", _capped(error.field))
    elif isinstance(error, InvalidEnvelope | ShortBody):
        log.info("request refused: %s", _capped(error))
    elif status >= 500:
        log.error("request failed", exc_info=error)
    elif status == 400:
        log.info("request refused: %s", type(error).__name__)
