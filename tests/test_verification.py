"""Alexa request verification, with real certificates and real signatures."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from skill.simulator.signing import sign_body
from skill.simulator.testpki import (
    DEFAULT_TEST_CERT_URL,
    BuiltChain,
    TestChain,
    cached_key,
    ensure_test_chain,
    make_chain,
)
from skill.web import verification as v
from skill.web.verification import (
    CertificateStore,
    RequestVerifier,
    VerificationError,
    download_pem,
    validate_cert_chain_url,
    verify_application_id,
    verify_signature,
    verify_timestamp,
)

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
SKILL_ID = "amzn1.ask.skill.00000000-1111-2222-3333-444444444444"
URL = DEFAULT_TEST_CERT_URL


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_envelope(timestamp: str | None = None, app_id: str = SKILL_ID) -> dict:
    return {
        "version": "1.0",
        "session": {"new": True, "application": {"applicationId": app_id}},
        "context": {"System": {"application": {"applicationId": app_id}}},
        "request": {"type": "LaunchRequest", "timestamp": timestamp or iso(NOW)},
    }


def assert_check(check: str, call: Callable[[], object]) -> VerificationError:
    """Run ``call`` and require a VerificationError naming ``check``."""
    assert check in v.CHECKS
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


# --- fixtures ---------------------------------------------------------------


@pytest.fixture(scope="session")
def good() -> BuiltChain:
    return make_chain(now=NOW)


@pytest.fixture(scope="session")
def roots_path(tmp_path_factory: pytest.TempPathFactory, good: BuiltChain) -> str:
    path = tmp_path_factory.mktemp("roots") / "root.pem"
    path.write_bytes(good.root_pem)
    return str(path)


@pytest.fixture(scope="session")
def chain(tmp_path_factory: pytest.TempPathFactory) -> TestChain:
    return ensure_test_chain(tmp_path_factory.mktemp("certs"))


def store_for(roots_path: str, pem: bytes | None = None, **kwargs: object) -> CertificateStore:
    kwargs.setdefault("clock", lambda: NOW)
    fetch = CountingFetch(pem) if pem is not None else no_fetch
    return CertificateStore(trust_roots_pem_path=roots_path, fetch=kwargs.pop("fetch", fetch), **kwargs)


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
]


@pytest.mark.parametrize("url", VALID_URLS)
def test_official_valid_cert_urls_accepted(url: str) -> None:
    validate_cert_chain_url(url)


@pytest.mark.parametrize("url", INVALID_URLS + EXTRA_INVALID_URLS)
def test_invalid_cert_urls_refused(url: str) -> None:
    assert_check("signature_cert_chain_url", lambda: validate_cert_chain_url(url))


def test_store_refuses_bad_url_before_any_io(roots_path: str) -> None:
    store = store_for(roots_path)  # fetch would raise AssertionError
    assert_check("signature_cert_chain_url", lambda: store.leaf_certificate(INVALID_URLS[0]))


# --- 2. Certificate chain -------------------------------------------------


def test_valid_chain_gives_leaf_and_rsa_key(roots_path: str, good: BuiltChain) -> None:
    store = store_for(roots_path, good.chain_pem)
    assert store.leaf_certificate(URL) == good.leaf
    assert store.leaf_public_key(URL).public_numbers() == good.leaf_key.public_key().public_numbers()


@pytest.mark.parametrize(
    ("check", "options"),
    [
        ("certificate_expired", {"leaf_not_before": NOW - dt.timedelta(days=400),
                                 "leaf_not_after": NOW - dt.timedelta(seconds=1)}),
        ("certificate_expired", {"leaf_not_before": NOW + dt.timedelta(seconds=60)}),
        ("certificate_san", {"san": ("example.com",)}),
        ("certificate_san", {"san": ("*.amazon.com",)}),
        ("certificate_san", {"san": ()}),
        ("certificate_chain", {"root_role": "other-root"}),
        ("certificate_chain", {"include_intermediate": False}),
    ],
    ids=["expired", "not-yet-valid", "wrong-san", "wildcard-san", "no-san", "untrusted-root",
         "missing-intermediate"],
)
def test_bad_chains_refused(roots_path: str, check: str, options: dict) -> None:
    bad = make_chain(now=NOW, **options)
    store = store_for(roots_path, bad.chain_pem)
    assert_check(check, lambda: store.leaf_certificate(URL))
    assert store.cached_urls() == []


@pytest.mark.parametrize(
    "pem", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
)
def test_unparseable_chain_refused(roots_path: str, pem: bytes) -> None:
    assert_check("certificate_chain", lambda: store_for(roots_path, pem).leaf_certificate(URL))


def test_extra_san_names_are_fine(roots_path: str) -> None:
    chain_ = make_chain(now=NOW, san=("other.example", "ECHO-API.amazon.com"))
    store_for(roots_path, chain_.chain_pem).leaf_certificate(URL)


def test_leaf_checked_against_clock_not_wall_time(roots_path: str, good: BuiltChain) -> None:
    later = good.leaf.not_valid_after_utc + dt.timedelta(seconds=1)
    store = store_for(roots_path, good.chain_pem, clock=lambda: later)
    assert_check("certificate_expired", lambda: store.leaf_certificate(URL))


def test_default_trust_roots_do_not_trust_test_root(good: BuiltChain) -> None:
    # certifi bundle, loaded lazily on first use.
    store = CertificateStore(fetch=CountingFetch(good.chain_pem), clock=lambda: NOW)
    assert_check("certificate_chain", lambda: store.leaf_certificate(URL))


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


# --- cert_dir, download and cache -----------------------------------------


def test_cert_dir_file_named_by_sha256_of_exact_url(chain: TestChain, good: BuiltChain) -> None:
    name = hashlib.sha256(URL.encode()).hexdigest() + ".pem"
    assert chain.chain_path.name == name and (chain.directory / name).is_file()
    other_url = "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem"  # same object, other string
    fetch = CountingFetch(chain.chain_path.read_bytes())
    store = CertificateStore(trust_roots_pem_path=str(chain.root_path), cert_dir=str(chain.directory), fetch=fetch)
    store.leaf_certificate(URL)
    assert fetch.calls == []
    store.leaf_certificate(other_url)
    assert fetch.calls == [other_url]


def test_ensure_test_chain_reuses_files(chain: TestChain) -> None:
    before = {p.name: p.read_bytes() for p in chain.directory.glob("*.pem")}
    again = ensure_test_chain(chain.directory)
    assert {p.name: p.read_bytes() for p in chain.directory.glob("*.pem")} == before
    assert again.sign(b"x") == chain.sign(b"x")  # PKCS#1 v1.5 is deterministic
    other = ensure_test_chain(chain.directory, "https://s3.amazonaws.com/echo.api/other.pem")
    assert other.chain_path.read_bytes() == chain.chain_path.read_bytes()
    assert sorted(p.name for p in chain.directory.glob("*.tmp")) == []


def test_cache_warm_hit_does_no_io_and_no_chain_work(roots_path: str, good: BuiltChain) -> None:
    store = store_for(roots_path, good.chain_pem)
    fetch = store._fetch
    assert isinstance(fetch, CountingFetch)
    first = store.leaf_certificate(URL)
    chain_checks = 0
    original = store._verify_chain

    def counting_verify(pem: bytes, now: dt.datetime) -> object:
        nonlocal chain_checks
        chain_checks += 1
        return original(pem, now)

    store._verify_chain = counting_verify  # type: ignore[method-assign]
    assert store.leaf_certificate(URL) is first
    assert len(fetch.calls) == 1 and chain_checks == 0


def test_cache_entry_refetched_after_leaf_expiry(roots_path: str) -> None:
    short = make_chain(now=NOW, leaf_not_after=NOW + dt.timedelta(hours=1))
    renewed = make_chain(now=NOW + dt.timedelta(hours=2))
    clock = {"now": NOW}
    fetch = CountingFetch(lambda url: short.chain_pem if clock["now"] == NOW else renewed.chain_pem)
    store = store_for(roots_path, fetch=fetch, clock=lambda: clock["now"])
    assert store.leaf_certificate(URL) == short.leaf
    clock["now"] = NOW + dt.timedelta(minutes=59)
    assert store.leaf_certificate(URL) == short.leaf
    assert len(fetch.calls) == 1
    clock["now"] = NOW + dt.timedelta(hours=2)
    assert store.leaf_certificate(URL) == renewed.leaf
    assert len(fetch.calls) == 2


def test_cache_is_bounded_lru(roots_path: str, good: BuiltChain) -> None:
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{i}.pem" for i in range(4)]
    store = store_for(roots_path, good.chain_pem, max_entries=2)
    fetch = store._fetch
    assert isinstance(fetch, CountingFetch)
    store.leaf_certificate(urls[0])
    store.leaf_certificate(urls[1])
    store.leaf_certificate(urls[0])  # refresh 0, so 1 is now least recent
    store.leaf_certificate(urls[2])  # evicts 1
    assert store.cached_urls() == [urls[0], urls[2]]
    store.leaf_certificate(urls[0])
    assert fetch.calls == [urls[0], urls[1], urls[2]]
    store.leaf_certificate(urls[1])  # evicted, so fetched again
    assert fetch.calls[-1] == urls[1] and len(store.cached_urls()) == 2


def test_cache_thread_safe(roots_path: str, good: BuiltChain) -> None:
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{i}.pem" for i in range(6)]
    store = store_for(roots_path, good.chain_pem, max_entries=3)
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for i in range(30):
                assert store.leaf_certificate(urls[(i + offset) % len(urls)]) == good.leaf
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(store.cached_urls()) <= 3


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CertificateStore(max_entries=0)


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, bytes] = {}

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        try:
            if self.path == "/slow":
                time.sleep(1.0)
            if self.path == "/trickle":
                self.send_response(200)
                self.send_header("Content-Length", "100")
                self.end_headers()
                for _ in range(20):
                    self.wfile.write(b"A")
                    self.wfile.flush()
                    time.sleep(0.05)
                return
            data = self.routes.get(self.path)
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose


@pytest.fixture(scope="module")
def http_base(good: BuiltChain) -> Iterator[str]:
    _Handler.routes = {
        "/chain.pem": good.chain_pem,
        "/slow": good.chain_pem,
        "/exact": b"x" * 1000,
        "/big": b"x" * 1001,
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_pem_fetches_over_http(http_base: str, good: BuiltChain) -> None:
    assert download_pem(f"{http_base}/chain.pem", timeout=2) == good.chain_pem


def test_download_pem_size_cap(http_base: str) -> None:
    assert len(download_pem(f"{http_base}/exact", timeout=2, max_bytes=1000)) == 1000
    assert_check("certificate_download", lambda: download_pem(f"{http_base}/big", timeout=2, max_bytes=1000))


def test_download_pem_timeouts(http_base: str) -> None:
    started = time.monotonic()
    assert_check("certificate_download", lambda: download_pem(f"{http_base}/slow", timeout=0.2))
    # A server trickling a byte every 50 ms never trips the socket timeout,
    # only the overall deadline.
    assert_check("certificate_download", lambda: download_pem(f"{http_base}/trickle", timeout=0.3))
    assert time.monotonic() - started < 1.5


def test_download_pem_http_errors(http_base: str) -> None:
    assert_check("certificate_download", lambda: download_pem(f"{http_base}/missing", timeout=2))
    # Nothing listens on port 9 (discard) of the loopback in the test box.
    assert_check("certificate_download", lambda: download_pem("http://127.0.0.1:9/x.pem", timeout=1))


def test_store_downloads_through_injected_fetch(http_base: str, roots_path: str, good: BuiltChain) -> None:
    # The URL rules demand https://s3.amazonaws.com, so the fetch is pointed
    # at the local server while the store still sees the Amazon URL.
    fetch = CountingFetch(lambda url: download_pem(f"{http_base}/chain.pem", timeout=2))
    store = CertificateStore(trust_roots_pem_path=roots_path, fetch=fetch, clock=lambda: NOW)
    assert store.leaf_certificate(URL) == good.leaf
    assert store.leaf_certificate(URL) == good.leaf
    assert fetch.calls == [URL]


def test_store_default_fetch_is_capped_download_pem(roots_path: str) -> None:
    # Without an injected fetch the store uses download_pem with its limits.
    store = CertificateStore(trust_roots_pem_path=roots_path, download_timeout=0.5, max_download_bytes=10)
    fetch = store._fetch
    assert fetch.func is download_pem  # type: ignore[attr-defined]
    assert fetch.keywords == {"timeout": 0.5, "max_bytes": 10}  # type: ignore[attr-defined]


def test_verification_error_shape() -> None:
    error = VerificationError("signature", "bad signature")
    assert error.check == "signature" and str(error) == "bad signature"
    assert "signature" in repr(error)
