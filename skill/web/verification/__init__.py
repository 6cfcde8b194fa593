"""Alexa request verification for a skill hosted as a web service.

Implements Amazon's checks with the ``cryptography`` package only, one job
per module:

- ``cert_url``: the SignatureCertChainUrl rule;
- ``download`` and ``certificates``: fetching the chain (bounded), verifying
  it and caching the verified leaf per URL (``CertificateStore``);
- ``signature``: Signature-256 over the raw body, and the timestamp;
- ``verifier``: all of them on one request, in Amazon's order (``RequestVerifier``).

Every failure raises ``VerificationError`` (``checks``), whose ``check``
names the rule that failed; the web app answers HTTP 400.
"""

from __future__ import annotations

from skill.web.verification.cert_url import validate_cert_chain_url
from skill.web.verification.certificates import ECHO_API_DOMAIN, CertificateStore, cert_file_name
from skill.web.verification.checks import CHECKS, VerificationError
from skill.web.verification.download import download_pem
from skill.web.verification.signature import verify_signature, verify_timestamp
from skill.web.verification.verifier import RequestVerifier, verify_application_id

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
