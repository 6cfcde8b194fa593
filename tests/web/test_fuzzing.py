"""Fuzzing the web service with hypothesis: whatever arrives, no 5xx, and
every 200 is a response Alexa accepts.

Most examples go through Flask's test client (verification off, skill id
set); a smaller set goes over real HTTP to the production server, and one
set is signed so the verifier sees mutated bodies too.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skill.schemas import fast_check, schema_validator
from skill.simulator.testpki import ensure_test_chain
from skill.web import create_app
from skill.web.app import MAX_BODY_BYTES, SCHEMA_PATH
from tests.servers import Server, http_exchange, serving
from tests.web.fuzzing import (
    SKILL_ID,
    check_answer,
    encode,
    fuzz_post,
    fuzz_settings,
    json_values,
    mutated_envelopes,
    valid_envelopes,
)

pytestmark = pytest.mark.slow


# --- the envelope schema's fast path ---------------------------------------------------------


@fuzz_settings(400)
@given(st.one_of(valid_envelopes(), mutated_envelopes()))
def test_the_compiled_schema_check_agrees_with_jsonschema(envelope: dict[str, Any]) -> None:
    """The web service trusts fastjsonschema's "valid" without asking jsonschema; it must never
    accept what jsonschema refuses (and should refuse what it refuses, or the fast path is lost)."""
    try:
        instance = json.loads(encode(envelope))
    except RecursionError:
        return  # the service refuses it as "not JSON" before any schema
    assert fast_check(SCHEMA_PATH)(instance) == schema_validator(SCHEMA_PATH).is_valid(instance)


@fuzz_settings(300)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(body: bytes) -> None:
    check_answer(*fuzz_post(body))


@fuzz_settings(300)
@given(json_values)
def test_arbitrary_json(value: Any) -> None:
    check_answer(*fuzz_post(encode(value)), value)


@fuzz_settings(400)
@given(valid_envelopes())
def test_valid_envelopes_get_valid_answers(envelope: dict[str, Any]) -> None:
    status, data = fuzz_post(encode(envelope))
    check_answer(status, data, envelope)
    # Alexa could send every one of these; only request types the SDK has no model for may be refused.
    if envelope["request"]["type"] in ("LaunchRequest", "IntentRequest", "SessionEndedRequest"):
        assert status == 200, data


@fuzz_settings(600)
@given(mutated_envelopes())
def test_mutated_envelopes(envelope: dict[str, Any]) -> None:
    check_answer(*fuzz_post(encode(envelope)), envelope)


# Signed: the verifier and the schema see the same mutated bodies.


@functools.cache
def signed_client() -> tuple[Any, Any]:
    import tempfile

    chain = ensure_test_chain(Path(tempfile.mkdtemp(prefix="fuzz-certs-")))
    config = {"ALEXA_SKILL_ID": SKILL_ID, "ALEXA_CA_BUNDLE": str(chain.root_path),
              "ALEXA_CERT_DIR": str(chain.directory)}
    return create_app(config).test_client(), chain


@fuzz_settings(150)
@given(st.one_of(valid_envelopes(), mutated_envelopes()))
def test_signed_envelopes_with_verification_on(envelope: dict[str, Any]) -> None:
    app_client, chain = signed_client()
    body = encode(envelope)
    check_answer(*fuzz_post(body, chain.headers(body), app_client), envelope)


# --- over real HTTP to the production server ----------------------------------------------------


@pytest.fixture(scope="module")
def unverified_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("fuzz-server"), {"ALEXA_SKILL_ID": SKILL_ID, "ALEXA_VERIFY": "0"}) as running:
        yield running


def test_fuzz_over_http(unverified_server: Server) -> None:
    """A smaller set of every kind, over the wire to gunicorn; the server must stay up."""
    cases = st.one_of(st.binary(max_size=2048), json_values.map(encode),
                      valid_envelopes().map(encode), mutated_envelopes().map(encode))

    @fuzz_settings(120)
    @given(cases)
    def over_http(body: bytes) -> None:
        headers = {"Content-Type": "application/json"}
        try:
            status, _, data = http_exchange(unverified_server.base, "POST", "/", body, headers)
        except (BrokenPipeError, ConnectionResetError):
            # Past the cap the server answers 413 from Content-Length and closes
            # before the rest arrives (tests/web/test_server.py reads that answer).
            assert len(body) > MAX_BODY_BYTES
            return
        check_answer(status, data, _parsed(body))

    over_http()
    assert unverified_server.process.poll() is None
    assert http_exchange(unverified_server.base, "GET", "/health")[0] == 200


def _parsed(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None
