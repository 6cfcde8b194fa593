"""What the web tests share: requests, signed headers, the two ways to POST, and verifier helpers.

Signed requests use real certificate chains from ``skill.simulator.testpki``
and real signatures. Fixtures built on these live in ``conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from skill.simulator import request_builder
from skill.simulator.testpki import DEFAULT_TEST_CERT_URL, BuiltChain, TestChain
from skill.web import verification
from skill.web.verification import CertificateStore, VerificationError
from tests.servers import TIMEOUT, http_exchange

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
USER_ID = "amzn1.ask.account.WEBTESTUSER"

Post = Callable[..., tuple[int, dict[str, Any]]]


# --- requests ------------------------------------------------------------------


def now_iso(offset_seconds: float = 0) -> str:
    return iso(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset_seconds))


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def launch(skill_id: str = SKILL_ID, **request_fields: Any) -> dict[str, Any]:
    session = {**request_builder.new_session(skill_id), "user": {"userId": USER_ID}}
    envelope = request_builder.envelope(request_builder.launch_request(), session, skill_id=skill_id)
    envelope["request"].update(request_fields)
    return envelope


def encode(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope).encode()


def ssml(response: dict[str, Any]) -> str:
    """The SSML of a response's speech, as sent (tests.helpers.speech reads it as text)."""
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


# --- transports: Flask's test client and real HTTP ---------------------------------


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


# --- the verifier on its own -----------------------------------------------------

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
URL = DEFAULT_TEST_CERT_URL


def make_envelope(timestamp: str | None = None, app_id: str = SKILL_ID) -> dict:
    """Just what the verifier reads of an envelope."""
    return {
        "version": "1.0",
        "session": {"new": True, "application": {"applicationId": app_id}},
        "context": {"System": {"application": {"applicationId": app_id}}},
        "request": {"type": "LaunchRequest", "timestamp": timestamp or iso(NOW)},
    }


def assert_check(check: str, call: Callable[[], object]) -> VerificationError:
    """Run ``call`` and require a VerificationError naming ``check``."""
    assert check in verification.CHECKS
    with pytest.raises(VerificationError) as info:
        call()
    assert info.value.check == check, str(info.value)
    assert str(info.value)
    return info.value


class CountingFetch:
    """Stands in for the downloader; serves fixed PEM bytes and counts calls."""

    def __init__(self, pem: bytes | Callable[[str], bytes]) -> None:
        self.pem = pem
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        return self.pem(url) if callable(self.pem) else self.pem


def no_fetch(url: str) -> bytes:
    raise AssertionError(f"unexpected download of {url}")


def store_for(roots_path: str, pem: bytes | None = None, **kwargs: object) -> CertificateStore:
    kwargs.setdefault("clock", lambda: NOW)
    fetch = CountingFetch(pem) if pem is not None else no_fetch
    return CertificateStore(trust_roots_pem_path=roots_path, fetch=kwargs.pop("fetch", fetch), **kwargs)
