"""Signing request bodies as Alexa does, for trying the production web service.

Development side only: the service itself only ever verifies (``skill.web``).
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SIGNATURE_CERT_CHAIN_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_256_HEADER = "Signature-256"


def sign_body(key: rsa.RSAPrivateKey, body: bytes) -> str:
    """Base64 RSA PKCS#1 v1.5 SHA-256 signature, as in Signature-256."""
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def signature_headers(cert_url: str, key: rsa.RSAPrivateKey, body: bytes) -> dict[str, str]:
    """The two headers Alexa sends with ``body``: where its certificate chain is, and the signature."""
    return {SIGNATURE_CERT_CHAIN_URL_HEADER: cert_url, SIGNATURE_256_HEADER: sign_body(key, body)}
