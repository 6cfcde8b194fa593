"""Certificate chains: verified against the trust roots, read from the
cert dir, downloaded with limits over real HTTP, and cached."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Iterator

import pytest

from skill.simulator.testpki import BuiltChain, TestChain, ensure_test_chain, make_chain
from skill.web.verification import CertificateStore, VerificationError, download_pem
from tests.web import chains
from tests.web.helpers import NOW, URL, CountingFetch, assert_check, store_for

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


def test_a_weak_signing_key_is_refused(roots_path: str) -> None:
    # Correctly chained, trusted, in date: only its 1024-bit key is wrong.
    weak = chains.chain(NOW, leaf_key=chains.weak_key(1024))
    store = store_for(roots_path, weak.chain_pem)
    error = assert_check("certificate_key", lambda: store.leaf_certificate(URL))
    assert "1024 bits" in str(error) and store.cached_urls() == []
    # The same chain with a 2048-bit leaf passes: the key size is what was refused.
    store_for(roots_path, chains.chain(NOW).chain_pem).leaf_certificate(URL)


def test_a_cached_chain_expires_with_its_intermediate(roots_path: str) -> None:
    # The leaf is valid for a year, its intermediate for one more day.
    short = chains.chain(NOW, intermediate_days=1, leaf_days=365)
    clock = {"now": NOW}
    fetch = CountingFetch(short.chain_pem)
    store = store_for(roots_path, fetch=fetch, clock=lambda: clock["now"])
    assert store.leaf_certificate(URL) == short.leaf
    clock["now"] = NOW + dt.timedelta(hours=12)
    assert store.leaf_certificate(URL) == short.leaf and len(fetch.calls) == 1  # cached while all are valid
    clock["now"] = NOW + dt.timedelta(days=2)  # the intermediate has expired, the leaf has not
    assert_check("certificate_chain", lambda: store.leaf_certificate(URL))
    assert len(fetch.calls) == 2 and store.cached_urls() == []


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
            if self.path == "/trickle-headers":  # a status line, then a header one byte at a time
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(40):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.05)
                return
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


def test_download_pem_deadline_covers_the_response_headers(http_base: str) -> None:
    # Each header byte comes well within the socket timeout; only one deadline
    # for the whole download ends it (it held the download 15 s at a 3 s timeout).
    started = time.monotonic()
    error = assert_check("certificate_download", lambda: download_pem(f"{http_base}/trickle-headers", timeout=0.3))
    assert time.monotonic() - started < 1.0
    assert "took longer than 0.3 s" in str(error)


def test_download_errors_quote_a_long_url_cut_short(http_base: str) -> None:
    error = assert_check("certificate_download", lambda: download_pem(f"{http_base}/{'x' * 8000}", timeout=2))
    assert len(str(error)) < 400 and "characters)" in str(error)


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


# --- over HTTPS: the download's TLS is verified, and the deadline holds while connecting ------------


@pytest.fixture
def tls_server(chain: TestChain) -> Iterator[tuple[int, list[str]]]:
    """A TLS server on 127.0.0.1 with the test PKI's leaf (trusted by nobody's system roots)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain.directory / "leaf.pem", chain.directory / "leaf.key.pem")
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[str] = []

    def serve() -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(sock, server_side=True) as tls:
                    seen.append(tls.recv(1024).decode(errors="replace"))
            except (OSError, ssl.SSLError) as error:
                seen.append(f"handshake failed: {error}")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], seen
    listener.close()


def test_download_over_https_refuses_an_untrusted_server(tls_server: tuple[int, list[str]]) -> None:
    port, seen = tls_server
    error = assert_check("certificate_download", lambda: download_pem(f"https://127.0.0.1:{port}/x.pem", timeout=2))
    assert "CERTIFICATE_VERIFY_FAILED" in str(error)
    assert not any(line.startswith("GET ") for line in seen)  # no request was sent over it


def test_download_deadline_holds_while_the_server_says_nothing() -> None:
    # Accepts the connection and never answers the TLS handshake.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        started = time.monotonic()
        error = assert_check("certificate_download", lambda: download_pem(
            f"https://127.0.0.1:{silent.getsockname()[1]}/x.pem", timeout=0.5))
        assert time.monotonic() - started < 1.5
    assert "0.5" in str(error) or "timed out" in str(error)
