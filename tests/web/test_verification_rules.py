"""Amazon's rules one by one, with real certificates and real signatures: the
certificate URL, Signature-256, the timestamp, the application id, and the
RequestVerifier that runs them all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest

from skill.simulator.signing import sign_body
from skill.simulator.testpki import BuiltChain, TestChain, cached_key
from skill.web.verification import (
    CertificateStore,
    RequestVerifier,
    validate_cert_chain_url,
    verify_application_id,
    verify_signature,
    verify_timestamp,
)
from tests.web.helpers import NOW, SKILL_ID, assert_check, iso, make_envelope, no_fetch, store_for

# --- 1. SignatureCertChainUrl ---------------------------------------------

VALID_URLS = [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
]
INVALID_URLS = [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo-api-cert.pem",
]
EXTRA_INVALID_URLS = [
    "",
    "s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%2e%2e/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/..%2Fecho-api-cert.pem",
    "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",
    "https://evil.example@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:abc/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com//echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api",
    "https://s3.amazonaws.com/",
    # Encoded separators: decoded before normalising, these passed while the
    # URL fetched was not under /echo.api/.
    "https://s3.amazonaws.com/evil/..%2fecho.api/x.pem",
    "https://s3.amazonaws.com/echo.api%2fx.pem",
    "https://s3.amazonaws.com/echo.api%2Fx.pem",
    "https://s3.amazonaws.com/evil/%2E%2E/echo.api/x.pem",
    "https://s3.amazonaws.com/echo.api/..%5cevil/x.pem",
    "https://s3.amazonaws.com/echo.api/..\\evil/x.pem",
]


@pytest.mark.parametrize("url", VALID_URLS)
def test_official_valid_cert_urls_accepted(url: str) -> None:
    validate_cert_chain_url(url)


@pytest.mark.parametrize("url", INVALID_URLS + EXTRA_INVALID_URLS)
def test_invalid_cert_urls_refused(url: str) -> None:
    assert_check("signature_cert_chain_url", lambda: validate_cert_chain_url(url))


def test_a_refused_url_is_quoted_cut_short() -> None:
    url = "https://s3.amazonaws.com/invalid/" + "x" * 8150  # the review's 8,186-character header
    error = assert_check("signature_cert_chain_url", lambda: validate_cert_chain_url(url))
    assert len(str(error)) < 400 and "(8183 characters)" in str(error)


def test_store_refuses_bad_url_before_any_io(roots_path: str) -> None:
    store = store_for(roots_path)  # fetch would raise AssertionError
    assert_check("signature_cert_chain_url", lambda: store.leaf_certificate(INVALID_URLS[0]))


# --- 3. Signature-256 -----------------------------------------------------

BODY = json.dumps(make_envelope()).encode()


def test_signature_valid_with_key_or_cert(good: BuiltChain) -> None:
    signature = good.sign(BODY)
    verify_signature(good.leaf, signature, BODY)
    verify_signature(good.leaf.public_key(), signature, BODY)


@pytest.mark.parametrize(
    "make_bad",
    [
        lambda good: (good.sign(BODY), BODY.replace(b"LaunchRequest", b"LaunchRequesT")),  # tampered
        lambda good: (good.sign(BODY), BODY + b" "),  # one extra byte
        lambda good: (sign_body(cached_key("other-leaf"), BODY), BODY),  # wrong key
        lambda good: ("not base64!!", BODY),
        lambda good: (good.sign(BODY)[:-2], BODY),  # truncated base64 (bad padding)
        lambda good: ("", BODY),
        lambda good: ("AAAA", BODY),  # valid base64, wrong length
    ],
    ids=["tampered", "extra-byte", "wrong-key", "bad-base64", "bad-padding", "empty", "short"],
)
def test_bad_signatures_refused(good: BuiltChain, make_bad: Callable) -> None:
    signature, body = make_bad(good)
    assert_check("signature", lambda: verify_signature(good.leaf, signature, body))


def test_non_rsa_key_refused(good: BuiltChain) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    assert_check("signature", lambda: verify_signature(key, good.sign(BODY), BODY))  # type: ignore[arg-type]


# --- 4. Timestamp ---------------------------------------------------------


@pytest.mark.parametrize("offset", [-149, -1, 0, 1, 149, 150, -150])
def test_timestamp_within_tolerance(offset: int) -> None:
    verify_timestamp(iso(NOW + dt.timedelta(seconds=offset)), now=NOW)


@pytest.mark.parametrize("offset", [-151, 151, -86400, 86400])
def test_timestamp_outside_tolerance(offset: int) -> None:
    assert_check("timestamp", lambda: verify_timestamp(iso(NOW + dt.timedelta(seconds=offset)), now=NOW))


@pytest.mark.parametrize(
    "stamp",
    ["2026-11-25T15:40:00Z", "2026-11-25T15:40:00.123Z", "2026-11-25T16:40:00+01:00",
     "2026-11-25T15:40:00.123456789Z", "2026-11-25T15:40:00"],
)
def test_timestamp_formats(stamp: str) -> None:
    verify_timestamp(stamp, now=dt.datetime(2026, 11, 25, 15, 40, 30, tzinfo=dt.UTC))


@pytest.mark.parametrize("stamp", ["", "yesterday", "2026-13-45T99:00:00Z", None, 1764085200000])
def test_timestamp_unparseable(stamp: object) -> None:
    assert_check("timestamp", lambda: verify_timestamp(stamp, now=NOW))  # type: ignore[arg-type]


def test_timestamp_default_now_is_wall_clock() -> None:
    verify_timestamp(iso(dt.datetime.now(dt.UTC)))


# --- 5. Application id ----------------------------------------------------


def test_application_id_right() -> None:
    verify_application_id(make_envelope(), SKILL_ID)


def test_application_id_wrong() -> None:
    assert_check("application_id", lambda: verify_application_id(make_envelope(app_id="amzn1.ask.skill.x"), SKILL_ID))


def test_application_id_in_the_session_must_match_too() -> None:
    envelope = make_envelope()
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.x"
    assert_check("application_id", lambda: verify_application_id(envelope, SKILL_ID))
    del envelope["session"]
    verify_application_id(envelope, SKILL_ID)  # out of session: the context's alone


@pytest.mark.parametrize(
    "application",
    ["amzn1.ask.skill.x", {"applicationId": None}, {}, {"id": SKILL_ID}, [SKILL_ID], None, {"applicationId": 7}],
    ids=["a-string", "null-id", "no-id", "other-key", "a-list", "null", "a-number"],
)
def test_a_session_application_that_does_not_name_this_skill_is_refused(application: object) -> None:
    # The context names this skill; the session's application, in any other
    # form than {"applicationId": this skill}, is another skill's request.
    envelope = make_envelope()
    envelope["session"]["application"] = application
    error = assert_check("application_id", lambda: verify_application_id(envelope, SKILL_ID))
    assert "session.application.applicationId" in str(error)
    envelope["session"]["application"] = {"applicationId": SKILL_ID}
    verify_application_id(envelope, SKILL_ID)
    del envelope["session"]["application"]
    verify_application_id(envelope, SKILL_ID)  # a session without an application names no other skill


def test_application_id_in_the_context_is_required() -> None:
    envelope = make_envelope()
    del envelope["context"]  # the session's id alone is not enough
    assert_check("application_id", lambda: verify_application_id(envelope, SKILL_ID))


def test_application_id_missing() -> None:
    assert_check("application_id", lambda: verify_application_id({"request": {}}, SKILL_ID))
    assert_check("application_id", lambda: verify_application_id({"context": "junk"}, SKILL_ID))


# --- RequestVerifier: everything together ---------------------------------


@pytest.fixture()
def verifier(chain: TestChain) -> RequestVerifier:
    store = CertificateStore(
        trust_roots_pem_path=str(chain.root_path), cert_dir=str(chain.directory), fetch=no_fetch
    )
    return RequestVerifier(store, SKILL_ID)


def signed(chain: TestChain, envelope: dict | None = None) -> tuple[dict[str, str], bytes, dict]:
    envelope = envelope or make_envelope(iso(dt.datetime.now(dt.UTC)))
    body = json.dumps(envelope).encode()
    return chain.headers(body), body, envelope


def test_request_verifier_accepts_signed_request(verifier: RequestVerifier, chain: TestChain) -> None:
    verifier.verify(*signed(chain))


def test_request_verifier_headers_case_insensitive(verifier: RequestVerifier, chain: TestChain) -> None:
    headers, body, envelope = signed(chain)
    verifier.verify({k.lower(): val for k, val in headers.items()}, body, envelope)
    verifier.verify({k.upper(): val for k, val in headers.items()}, body, envelope)


@pytest.mark.parametrize("drop", ["SignatureCertChainUrl", "Signature-256", "both", "empty"])
def test_request_verifier_missing_headers(verifier: RequestVerifier, chain: TestChain, drop: str) -> None:
    headers, body, envelope = signed(chain)
    if drop == "both":
        headers = {"Signature": headers["Signature-256"]}  # the retired SHA-1 header is not enough
    elif drop == "empty":
        headers["Signature-256"] = ""
    else:
        del headers[drop]
    assert_check("missing_header", lambda: verifier.verify(headers, body, envelope))


def test_request_verifier_each_rule(verifier: RequestVerifier, chain: TestChain) -> None:
    headers, body, envelope = signed(chain)
    bad_url = {**headers, "SignatureCertChainUrl": INVALID_URLS[-1]}
    assert_check("signature_cert_chain_url", lambda: verifier.verify(bad_url, body, envelope))
    assert_check("signature", lambda: verifier.verify(headers, body + b"\n", envelope))
    old = make_envelope(iso(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)))
    assert_check("timestamp", lambda: verifier.verify(*signed(chain, old)))
    no_stamp = make_envelope()
    del no_stamp["request"]["timestamp"]
    assert_check("timestamp", lambda: verifier.verify(*signed(chain, no_stamp)))
    other = make_envelope(iso(dt.datetime.now(dt.UTC)), app_id="amzn1.ask.skill.other")
    assert_check("application_id", lambda: verifier.verify(*signed(chain, other)))
    RequestVerifier(verifier.store, None).verify(*signed(chain, other))  # None skips the id check


def test_request_verifier_uses_its_clock(chain: TestChain) -> None:
    store = CertificateStore(trust_roots_pem_path=str(chain.root_path), cert_dir=str(chain.directory))
    frozen = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    envelope = make_envelope(iso(frozen))
    # The store still uses wall time for the certificate; the request clock is frozen.
    RequestVerifier(store, SKILL_ID, clock=lambda: frozen).verify(*signed(chain, envelope))
    assert_check("timestamp", lambda: RequestVerifier(store, SKILL_ID).verify(*signed(chain, envelope)))
