"""Signing certificate chains: fetched once per URL, verified, and cached.

A chain is read from ``cert_dir`` when there (``<sha256 of the URL>.pem``),
else downloaded; it must chain to a trusted root, be valid now and name
echo-api.amazon.com. Verified leaves are cached per exact URL, each only
while every certificate of its verified chain is valid.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification as x509_verification

from skill.web.verification.cert_url import validate_cert_chain_url
from skill.web.verification.checks import Clock, VerificationError, as_utc, utcnow
from skill.web.verification.download import download_pem

ECHO_API_DOMAIN = "echo-api.amazon.com"
MIN_RSA_KEY_BITS = 2048  # Amazon's signing keys are 2048 bits; anything weaker is refused

Fetch = Callable[[str], bytes]


@dataclass(frozen=True)
class _Verified:
    """A verified leaf and the time window in which its whole chain is valid."""

    leaf: x509.Certificate
    not_before: datetime  # the latest not_valid_before in the chain
    not_after: datetime  # the earliest not_valid_after in the chain: an intermediate may expire first


def cert_file_name(url: str) -> str:
    """File name under ``cert_dir`` for the chain of ``url`` (exact string)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest() + ".pem"


class CertificateStore:
    """Fetches, verifies and caches Alexa signing certificates per URL.

    A chain is looked up in ``cert_dir`` (file ``<sha256(url)>.pem``) before
    it is downloaded. Verified leaves are kept in a small LRU cache until
    the earliest ``not_valid_after`` of the chain they were verified with
    (leaf, intermediates, root); a warm hit does no I/O and no chain work.
    """

    def __init__(
        self,
        *,
        trust_roots_pem_path: str | os.PathLike[str] | None = None,
        cert_dir: str | os.PathLike[str] | None = None,
        download_timeout: float = 3.0,
        max_download_bytes: int = 64 * 1024,
        max_entries: int = 16,
        clock: Clock = utcnow,
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
        self._cache: OrderedDict[str, _Verified] = OrderedDict()
        self._roots: x509_verification.Store | None = None

    def leaf_certificate(self, url: str) -> x509.Certificate:
        """Return the verified signing certificate for ``url``."""
        now = as_utc(self._clock())
        with self._lock:
            # Only URLs that passed validate_cert_chain_url are ever cached, keyed
            # by the exact string, so a warm hit need not parse the URL again.
            cached = self._cache.get(url)
            if cached is not None:
                if cached.not_before <= now <= cached.not_after:
                    self._cache.move_to_end(url)
                    return cached.leaf
                del self._cache[url]  # a certificate of the chain expired: fetch and verify afresh
        validate_cert_chain_url(url)
        # Fetch and verify outside the lock so one slow download does not
        # stall requests signed with an already-cached certificate.
        verified = self._verify_chain(self._load_pem(url), now)
        with self._lock:
            self._cache[url] = verified
            self._cache.move_to_end(url)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return verified.leaf

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

    def _verify_chain(self, pem: bytes, now: datetime) -> _Verified:
        try:
            certs = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise VerificationError("certificate_chain", f"cannot parse certificate chain: {exc}") from exc
        leaf, intermediates = certs[0], certs[1:]
        # The chain's policy checks the keys that sign certificates, never the
        # leaf's own, which signs the requests.
        key = leaf.public_key()
        if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_KEY_BITS:
            raise VerificationError(
                "certificate_key", f"signing key has {key.key_size} bits, fewer than {MIN_RSA_KEY_BITS}"
            )
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
            chain = verifier.verify(leaf, intermediates)  # leaf first, root last
        except x509_verification.VerificationError as exc:
            raise VerificationError("certificate_chain", f"certificate chain not trusted: {exc}") from exc
        return _Verified(
            leaf,
            not_before=max(cert.not_valid_before_utc for cert in chain),
            not_after=min(cert.not_valid_after_utc for cert in chain),
        )
