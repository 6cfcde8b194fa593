"""The request's own checks: Signature-256 over the raw body, and the timestamp."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256

from skill.web.verification.checks import VerificationError, as_utc, utcnow

DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 150.0

KeyOrCert = rsa.RSAPublicKey | x509.Certificate


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


def verify_timestamp(
    timestamp: str,
    now: datetime | None = None,
    tolerance_seconds: float = DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
) -> None:
    """Refuse a request timestamp more than ``tolerance_seconds`` from now."""
    if not isinstance(timestamp, str):
        raise VerificationError("timestamp", f"request timestamp missing or not a string: {timestamp!r}")
    try:
        moment = as_utc(datetime.fromisoformat(timestamp))
    except ValueError:
        raise VerificationError("timestamp", f"request timestamp unparseable: {timestamp!r}") from None
    current = as_utc(now) if now is not None else utcnow()
    skew = (current - moment).total_seconds()
    if abs(skew) > tolerance_seconds:
        raise VerificationError(
            "timestamp", f"request timestamp {timestamp} is {skew:+.0f} s from now (limit {tolerance_seconds:g} s)"
        )
