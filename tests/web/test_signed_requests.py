"""Every verification rule accepts the good and refuses the bad, through
Flask's test client and over real HTTP to the production server (``post``)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest

from skill.simulator.signing import sign_body
from skill.simulator.testpki import cached_key
from skill.web.verification import cert_file_name
from tests.web import chains
from tests.web.helpers import USER_ID, Certs, Post, client_post, encode, launch, now_iso, ssml


def test_signed_request_accepted(post: Post, certs: Certs) -> None:
    body = encode(launch())
    status, response = post(body, certs.signed(body))
    assert status == 200, response
    assert "Welcome" in ssml(response)


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


@pytest.mark.parametrize("url", ["https://s3.amazonaws.com/evil/..%2fecho.api/x.pem",
                                 "https://s3.amazonaws.com/echo.api%2fx.pem"])
def test_an_encoded_slash_is_refused_even_with_a_trusted_chain_behind_it(post: Post, certs: Certs, url: str) -> None:
    # The chain under this URL is the good one and signs the request: decoded
    # before normalising, the URL passed and the request was answered 200.
    (certs.chain.directory / cert_file_name(url)).write_bytes(certs.chain.chain_path.read_bytes())
    body = encode(launch())
    headers = {**certs.signed(body), "SignatureCertChainUrl": url}
    assert post(body, headers) == (400, {"error": "signature_cert_chain_url"})


def test_a_request_signed_with_a_weak_key_is_refused(post: Post, certs: Certs) -> None:
    # Chained to the trusted root, in date, the right name: only its 1024-bit key is wrong.
    weak = chains.chain(dt.datetime.now(dt.UTC), leaf_key=chains.weak_key(1024))
    url = "https://s3.amazonaws.com/echo.api/weak-key.pem"
    (certs.chain.directory / cert_file_name(url)).write_bytes(weak.chain_pem)
    body = encode(launch())
    assert post(body, {"SignatureCertChainUrl": url, "Signature-256": weak.sign(body)}) == (
        400, {"error": "certificate_key"})
