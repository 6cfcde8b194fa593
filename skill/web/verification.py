"""Alexa request verification for a skill hosted as a web service.

Implements Amazon's checks (signing-certificate URL, certificate chain,
Signature-256 over the raw body, timestamp, application id) with the
``cryptography`` package only. Every failure raises ``VerificationError``,
whose ``check`` names the rule that failed; the caller answers HTTP 400.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import http.client
import os
import posixpath
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, Union

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification as x509_verification

from skill.envelope import InvalidEnvelope, WrongSkill, check_application_id, dig

__all__ = [
    "CHECKS",
    "ECHO_API_DOMAIN",
    "CertificateStore",
    "RequestVerifier",
    "VerificationError",
    "cert_file_name",
    "download_pem",
    "validate_cert_chain_url",
    "verify_application_id",
    "verify_signature",
    "verify_timestamp",
]

ECHO_API_DOMAIN = "echo-api.amazon.com"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
SIGNATURE_CERT_CHAIN_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_256_HEADER = "Signature-256"
DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 150.0

CHECKS = frozenset(
    {
        "signature_cert_chain_url",
        "certificate_download",
        "certificate_chain",
        "certificate_expired",
        "certificate_san",
        "signature",
        "timestamp",
        "application_id",
        "missing_header",
    }
)

Clock = Callable[[], datetime]
Fetch = Callable[[str], bytes]
KeyOrCert = Union[rsa.RSAPublicKey, x509.Certificate]


class VerificationError(Exception):
    """A request failed verification; ``check`` names the failed rule."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check

    def __repr__(self) -> str:
        return f"VerificationError({self.check!r}, {str(self)!r})"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _as_utc(moment: datetime) -> datetime:
    # Naive datetimes are taken to be UTC so comparisons never raise.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


# --- 1. SignatureCertChainUrl --------------------------------------------


def validate_cert_chain_url(url: str) -> None:
    """Refuse a certificate URL that does not point into s3.amazonaws.com/echo.api/."""

    def fail(reason: str) -> VerificationError:
        return VerificationError("signature_cert_chain_url", f"{reason}: {url!r}")

    if not isinstance(url, str) or not url:
        raise fail("certificate URL is empty")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # raises ValueError for a non-numeric or out-of-range port
    except ValueError:
        raise fail("certificate URL is malformed") from None
    if parts.scheme.lower() != "https":
        raise fail("certificate URL scheme is not https")
    # Credentials in the URL would make "host" ambiguous to humans; refuse them.
    if parts.username is not None or parts.password is not None:
        raise fail("certificate URL must not carry credentials")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise fail("certificate URL host is not s3.amazonaws.com")
    if port is not None and port != 443:
        raise fail("certificate URL port is not 443")
    # Decode %2e%2e and friends first so an encoded ".." cannot sneak past
    # the prefix test; normpath then folds "." and ".." segments.
    # (normpath keeps a leading "//", which then fails the exact prefix test.)
    path = urllib.parse.unquote(parts.path)
    normalised = posixpath.normpath(path) if path else ""
    if not normalised.startswith(CERT_URL_PATH_PREFIX):
        raise fail("certificate URL path does not start with /echo.api/")


# --- 2. Certificate chain -------------------------------------------------


def cert_file_name(url: str) -> str:
    """File name under ``cert_dir`` for the chain of ``url`` (exact string)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest() + ".pem"


def download_pem(url: str, *, timeout: float = 3.0, max_bytes: int = 64 * 1024) -> bytes:
    """GET ``url`` with a total time budget and a size cap.

    ``timeout`` bounds each socket operation and the whole read, so a server
    that trickles bytes cannot hold a request thread for long.
    """
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            while True:
                if time.monotonic() > deadline:
                    raise VerificationError(
                        "certificate_download", f"download of {url!r} took longer than {timeout} s"
                    )
                chunk = response.read1(max_bytes + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise VerificationError(
                        "certificate_download", f"certificate chain at {url!r} exceeds {max_bytes} bytes"
                    )
    except VerificationError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()  # an HTTPError holds the open response; release the socket
        raise VerificationError("certificate_download", f"cannot download {url!r}: {exc}") from exc
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # URLError and socket timeouts are OSError subclasses.
        raise VerificationError("certificate_download", f"cannot download {url!r}: {exc}") from exc
    return b"".join(chunks)


class CertificateStore:
    """Fetches, verifies and caches Alexa signing certificates per URL.

    A chain is looked up in ``cert_dir`` (file ``<sha256(url)>.pem``) before
    it is downloaded. Verified leaves are kept in a small LRU cache until
    the leaf's ``not_valid_after``; a warm hit does no I/O and no chain work.
    """

    def __init__(
        self,
        *,
        trust_roots_pem_path: str | os.PathLike[str] | None = None,
        cert_dir: str | os.PathLike[str] | None = None,
        download_timeout: float = 3.0,
        max_download_bytes: int = 64 * 1024,
        max_entries: int = 16,
        clock: Clock = _utcnow,
        fetch: Fetch | None = None,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._trust_roots_pem_path = trust_roots_pem_path
        self._cert_dir = cert_dir
        self._clock = clock
        self._max_entries = max_entries
        self._fetch: Fetch = fetch or functools.partial(
            download_pem, timeout=download_timeout, max_bytes=max_download_bytes
        )
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, x509.Certificate] = OrderedDict()
        self._roots: x509_verification.Store | None = None

    def leaf_certificate(self, url: str) -> x509.Certificate:
        """Return the verified signing certificate for ``url``."""
        now = _as_utc(self._clock())
        with self._lock:
            # Only URLs that passed validate_cert_chain_url are ever cached, keyed
            # by the exact string, so a warm hit need not parse the URL again.
            leaf = self._cache.get(url)
            if leaf is not None:
                if leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
                    self._cache.move_to_end(url)
                    return leaf
                del self._cache[url]  # expired: fetch and verify afresh
        validate_cert_chain_url(url)
        # Fetch and verify outside the lock so one slow download does not
        # stall requests signed with an already-cached certificate.
        leaf = self._verify_chain(self._load_pem(url), now)
        with self._lock:
            self._cache[url] = leaf
            self._cache.move_to_end(url)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return leaf

    def leaf_public_key(self, url: str) -> rsa.RSAPublicKey:
        """Return the RSA public key of the verified signing certificate."""
        key = self.leaf_certificate(url).public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationError("signature", "signing certificate key is not RSA")
        return key

    def cached_urls(self) -> list[str]:
        """URLs currently cached, least recently used first (for diagnostics)."""
        with self._lock:
            return list(self._cache)

    def _load_pem(self, url: str) -> bytes:
        if self._cert_dir is not None:
            path = os.path.join(os.fspath(self._cert_dir), cert_file_name(url))
            try:
                with open(path, "rb") as handle:
                    return handle.read()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise VerificationError("certificate_download", f"cannot read {path}: {exc}") from exc
        return self._fetch(url)

    def _trust_store(self) -> x509_verification.Store:
        with self._lock:
            if self._roots is None:
                path = self._trust_roots_pem_path
                if path is None:
                    import certifi  # imported lazily: no work at module import

                    path = certifi.where()
                with open(path, "rb") as handle:
                    pem = handle.read()
                # Some public bundles hold a root with a non-positive serial;
                # cryptography warns about it on every load, which is noise here.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
                    roots = x509.load_pem_x509_certificates(pem)
                self._roots = x509_verification.Store(roots)
            return self._roots

    def _verify_chain(self, pem: bytes, now: datetime) -> x509.Certificate:
        try:
            certs = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise VerificationError("certificate_chain", f"cannot parse certificate chain: {exc}") from exc
        leaf, intermediates = certs[0], certs[1:]
        # Date and SAN are checked here first so the error names the cause;
        # the policy verifier below would report both only as a chain failure.
        if now < leaf.not_valid_before_utc:
            raise VerificationError(
                "certificate_expired", f"signing certificate not valid before {leaf.not_valid_before_utc}"
            )
        if now > leaf.not_valid_after_utc:
            raise VerificationError(
                "certificate_expired", f"signing certificate expired at {leaf.not_valid_after_utc}"
            )
        try:
            san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            raise VerificationError("certificate_san", "signing certificate has no SAN extension") from None
        except ValueError as exc:
            raise VerificationError("certificate_chain", f"malformed certificate extensions: {exc}") from exc
        names = [name.lower() for name in san.get_values_for_type(x509.DNSName)]
        if ECHO_API_DOMAIN not in names:
            raise VerificationError("certificate_san", f"{ECHO_API_DOMAIN} not in SAN {names}")
        verifier = (
            x509_verification.PolicyBuilder()
            .store(self._trust_store())
            .time(now)
            .build_server_verifier(x509_verification.DNSName(ECHO_API_DOMAIN))
        )
        try:
            verifier.verify(leaf, intermediates)
        except x509_verification.VerificationError as exc:
            raise VerificationError("certificate_chain", f"certificate chain not trusted: {exc}") from exc
        return leaf


# --- 3. Signature-256 -----------------------------------------------------


def verify_signature(public_key_or_cert: KeyOrCert, signature_b64: str, body: bytes) -> None:
    """Check an RSA PKCS#1 v1.5 SHA-256 signature over the raw body bytes."""
    key = (
        public_key_or_cert.public_key()
        if isinstance(public_key_or_cert, x509.Certificate)
        else public_key_or_cert
    )
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("signature", "signing key is not RSA")
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise VerificationError("signature", "Signature-256 is not valid base64") from None
    if not signature:
        raise VerificationError("signature", "Signature-256 is empty")
    try:
        key.verify(signature, body, padding.PKCS1v15(), SHA256())
    except InvalidSignature:
        raise VerificationError("signature", "Signature-256 does not match the request body") from None


# --- 4. Timestamp -----------------------------------------------------------


def verify_timestamp(
    timestamp: str,
    now: datetime | None = None,
    tolerance_seconds: float = DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
) -> None:
    """Refuse a request timestamp more than ``tolerance_seconds`` from now."""
    if not isinstance(timestamp, str):
        raise VerificationError("timestamp", f"request timestamp missing or not a string: {timestamp!r}")
    try:
        moment = _as_utc(datetime.fromisoformat(timestamp))
    except ValueError:
        raise VerificationError("timestamp", f"request timestamp unparseable: {timestamp!r}") from None
    current = _as_utc(now) if now is not None else _utcnow()
    skew = (current - moment).total_seconds()
    if abs(skew) > tolerance_seconds:
        raise VerificationError(
            "timestamp", f"request timestamp {timestamp} is {skew:+.0f} s from now (limit {tolerance_seconds:g} s)"
        )


# --- 5. Application id ----------------------------------------------------


def verify_application_id(envelope: Mapping[str, Any], expected_skill_id: str) -> None:
    """``skill.envelope.check_application_id``, the one rule, as a ``VerificationError``."""
    try:
        check_application_id(envelope, expected_skill_id)
    except (InvalidEnvelope, WrongSkill) as error:
        raise VerificationError("application_id", str(error)) from None


# --- All together ---------------------------------------------------------


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return value or None  # an empty header counts as missing


class RequestVerifier:
    """Runs every Alexa check on one request, in Amazon's order.

    The application id is the skill's own check (``handle_envelope`` applies
    it for every entry point), so the web service gives no ``skill_id``; a
    caller that verifies without the skill object may, and the same rule,
    ``skill.envelope.check_application_id``, then runs last.
    """

    def __init__(
        self,
        store: CertificateStore,
        skill_id: str | None = None,
        clock: Clock = _utcnow,
        tolerance_seconds: float = DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
    ) -> None:
        self.store = store
        self.skill_id = skill_id
        self._clock = clock
        self._tolerance_seconds = tolerance_seconds

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Mapping[str, Any]) -> None:
        """Raise ``VerificationError`` unless the request provably comes from Alexa.

        ``body`` must be the raw bytes as received; ``envelope`` is its parsed
        JSON.
        """
        url = _header(headers, SIGNATURE_CERT_CHAIN_URL_HEADER)
        signature = _header(headers, SIGNATURE_256_HEADER)
        if url is None or signature is None:
            missing = [SIGNATURE_CERT_CHAIN_URL_HEADER] if url is None else []
            missing += [SIGNATURE_256_HEADER] if signature is None else []
            raise VerificationError("missing_header", f"missing header(s): {', '.join(missing)}")
        leaf = self.store.leaf_certificate(url)  # validates the URL and the chain
        verify_signature(leaf, signature, body)
        verify_timestamp(
            dig(envelope, ("request", "timestamp")), now=self._clock(), tolerance_seconds=self._tolerance_seconds
        )
        if self.skill_id is not None:
            verify_application_id(envelope, self.skill_id)
