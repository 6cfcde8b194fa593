"""A test PKI: a real root -> intermediate -> leaf chain for trying request verification.

``ensure_test_chain`` writes a chain that ``CertificateStore`` accepts when
given ``trust_roots_pem_path=chain.root_path`` and ``cert_dir=chain.directory``,
and signs request bodies with the leaf key (``skill.simulator.signing``).
``make_chain`` builds in-memory variants (expired, wrong SAN, untrusted root,
...) for the test suite. Development side only: the private keys sit on disk,
so nothing under ``skill/web/`` imports this.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from skill.simulator.signing import sign_body, signature_headers
from skill.web.verification import ECHO_API_DOMAIN, cert_file_name

DEFAULT_TEST_CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
ROOT_FILE = "root.pem"
INTERMEDIATE_FILE = "intermediate.pem"
LEAF_FILE = "leaf.pem"
LEAF_KEY_FILE = "leaf.key.pem"


@functools.cache
def cached_key(role: str) -> rsa.RSAPrivateKey:
    """One RSA 2048 key per role per process: key generation is the slow part."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Leg Cramps Skill Test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _issue(
    subject: str,
    subject_key: rsa.RSAPrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: rsa.RSAPrivateKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
    *,
    ca: bool,
    san: Sequence[str] = (),
) -> x509.Certificate:
    """Issue a certificate that satisfies cryptography's Web PKI profile."""
    public_key = subject_key.public_key()
    issuer_name = issuer.subject if issuer is not None else _name(subject)
    issuer_public = issuer_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_key_usage(ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False)
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in san]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(*certs: x509.Certificate) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


@dataclass(frozen=True)
class BuiltChain:
    """An in-memory chain; ``chain_pem`` is what Amazon serves at the URL."""

    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    leaf_key: rsa.RSAPrivateKey = field(repr=False)
    include_intermediate: bool = True

    @property
    def root_pem(self) -> bytes:
        return _pem(self.root)

    @property
    def chain_pem(self) -> bytes:
        return _pem(self.leaf, self.intermediate) if self.include_intermediate else _pem(self.leaf)

    def sign(self, body: bytes) -> str:
        """Base64 Signature-256 of ``body`` made with the leaf key."""
        return sign_body(self.leaf_key, body)


def make_chain(
    *,
    now: dt.datetime | None = None,
    leaf_not_before: dt.datetime | None = None,
    leaf_not_after: dt.datetime | None = None,
    san: Sequence[str] = (ECHO_API_DOMAIN,),
    root_role: str = "root",
    include_intermediate: bool = True,
) -> BuiltChain:
    """Build root, intermediate and leaf; the options make the broken variants.

    - expired / not yet valid leaf: pass ``leaf_not_after`` / ``leaf_not_before``
    - wrong SAN: ``san=("example.com",)``; none at all: ``san=()``
    - untrusted root: ``root_role="other-root"`` (same names, another key)
    - missing intermediate: ``include_intermediate=False``
    Keys come from ``cached_key`` so only the first chain pays for keygen.
    """
    now = now or dt.datetime.now(dt.UTC)
    not_before = leaf_not_before or now - dt.timedelta(minutes=5)
    not_after = leaf_not_after or not_before + dt.timedelta(days=365)
    # CA certificates span the leaf's dates whatever they are, so each test
    # exercises just the one leaf property it sets.
    ca_from = min(not_before, now) - dt.timedelta(days=1)
    ca_to = max(not_after, now) + dt.timedelta(days=3650)
    root_key, inter_key = cached_key(root_role), cached_key("intermediate")
    root = _issue("Test Root CA", root_key, None, root_key, ca_from, ca_to, ca=True)
    intermediate = _issue("Test Intermediate CA", inter_key, root, root_key, ca_from, ca_to, ca=True)
    leaf_key = cached_key("leaf")
    leaf = _issue(ECHO_API_DOMAIN, leaf_key, intermediate, inter_key, not_before, not_after, ca=False, san=san)
    return BuiltChain(root, intermediate, leaf, leaf_key, include_intermediate)


@dataclass
class TestChain:
    """A test chain on disk plus the means to sign requests with its leaf."""

    __test__ = False  # not a pytest test class despite the name

    directory: Path
    url: str
    root_path: Path
    leaf_key: rsa.RSAPrivateKey = field(repr=False)

    @property
    def chain_path(self) -> Path:
        return self.directory / cert_file_name(self.url)

    def sign(self, body: bytes) -> str:
        """Base64 Signature-256 of the exact ``body`` bytes."""
        return sign_body(self.leaf_key, body)

    def headers(self, body: bytes) -> dict[str, str]:
        """The two Alexa signature headers for ``body``."""
        return signature_headers(self.url, self.leaf_key, body)


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    # Write-then-rename so a concurrent reader never sees half a PEM.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _dir_lock(directory: Path) -> Iterator[None]:
    # Serialises first-time creation so two processes don't mix files of
    # two different chains (each file alone is already written atomically).
    if sys.platform == "win32":  # pragma: no cover - no flock; concurrent first runs may race
        yield
        return
    import fcntl

    with open(directory / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load_existing(directory: Path, now: dt.datetime) -> tuple[x509.Certificate, rsa.RSAPrivateKey] | None:
    """Intermediate and leaf key of a still-valid chain on disk, else None."""
    try:
        leaf = x509.load_pem_x509_certificate((directory / LEAF_FILE).read_bytes())
        intermediate = x509.load_pem_x509_certificate((directory / INTERMEDIATE_FILE).read_bytes())
        key = serialization.load_pem_private_key((directory / LEAF_KEY_FILE).read_bytes(), password=None)
        (directory / ROOT_FILE).read_bytes()
    except (OSError, ValueError):
        return None
    fresh = leaf.not_valid_after_utc - now > dt.timedelta(days=7) and leaf.not_valid_before_utc <= now
    if not fresh or not isinstance(key, rsa.RSAPrivateKey):
        return None
    return intermediate, key


def ensure_test_chain(directory: str | os.PathLike[str], url: str = DEFAULT_TEST_CERT_URL) -> TestChain:
    """Create (first time) or reuse a test chain in ``directory`` for ``url``.

    Files: root.pem, intermediate.pem, leaf.pem, leaf.key.pem and
    ``<sha256 hex of url>.pem`` (leaf then intermediate), the name
    ``CertificateStore(cert_dir=...)`` looks for. A chain about to expire is
    replaced.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    chain_path = folder / cert_file_name(url)
    with _dir_lock(folder):
        existing = _load_existing(folder, now)
        if existing is None:
            built = make_chain(now=now)
            key_pem = built.leaf_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _write_atomic(folder / LEAF_KEY_FILE, key_pem, mode=0o600)
            _write_atomic(folder / ROOT_FILE, _pem(built.root))
            _write_atomic(folder / INTERMEDIATE_FILE, _pem(built.intermediate))
            _write_atomic(folder / LEAF_FILE, _pem(built.leaf))
            _write_atomic(chain_path, built.chain_pem)
            leaf_key = built.leaf_key
        else:
            intermediate, leaf_key = existing
            # Rewrite a missing chain file, or one left from an older chain.
            expected = (folder / LEAF_FILE).read_bytes() + _pem(intermediate)
            if not chain_path.is_file() or chain_path.read_bytes() != expected:
                _write_atomic(chain_path, expected)
    return TestChain(directory=folder, url=url, root_path=folder / ROOT_FILE, leaf_key=leaf_key)
