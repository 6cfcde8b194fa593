"""Certificate chains ``skill.simulator.testpki`` does not make: an intermediate
that expires before its leaf, and a leaf with a weak key. Same root key and
names as testpki's chains, so its root file trusts them; real certificates
made with ``cryptography``."""

from __future__ import annotations

import datetime as dt
import functools

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from skill.simulator.testpki import BuiltChain, cached_key
from skill.web.verification import ECHO_API_DOMAIN


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Leg Cramps Skill Test PKI"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _issue(subject: str, key: rsa.RSAPrivateKey, issuer: x509.Certificate | None, issuer_key: rsa.RSAPrivateKey,
           not_before: dt.datetime, not_after: dt.datetime, *, ca: bool) -> x509.Certificate:
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer is not None else _name(subject))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=not ca,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    if not ca:
        builder = (builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(ECHO_API_DOMAIN)]), critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


@functools.cache
def weak_key(bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def chain(now: dt.datetime, *, intermediate_days: float = 3650, leaf_days: float = 365,
          leaf_key: rsa.RSAPrivateKey | None = None) -> BuiltChain:
    """Root (testpki's key), intermediate valid ``intermediate_days`` from now, leaf valid ``leaf_days``."""
    start = now - dt.timedelta(minutes=5)
    root_key, inter_key = cached_key("root"), cached_key("intermediate")
    root = _issue("Test Root CA", root_key, None, root_key, start - dt.timedelta(days=1),
                  now + dt.timedelta(days=3650), ca=True)
    intermediate = _issue("Test Intermediate CA", inter_key, root, root_key, start,
                          now + dt.timedelta(days=intermediate_days), ca=True)
    leaf_key = leaf_key or cached_key("leaf")
    leaf = _issue(ECHO_API_DOMAIN, leaf_key, intermediate, inter_key, start, now + dt.timedelta(days=leaf_days),
                  ca=False)
    return BuiltChain(root, intermediate, leaf, leaf_key)
