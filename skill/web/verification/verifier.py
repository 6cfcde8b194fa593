"""All of Amazon's checks on one request, in Amazon's order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from skill.envelope import InvalidEnvelope, WrongSkill, check_application_id, dig
from skill.web.verification.certificates import CertificateStore
from skill.web.verification.checks import Clock, VerificationError, utcnow
from skill.web.verification.signature import DEFAULT_TIMESTAMP_TOLERANCE_SECONDS, verify_signature, verify_timestamp

SIGNATURE_CERT_CHAIN_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_256_HEADER = "Signature-256"


class Headers(Protocol):
    """What the verifier reads of request headers: a mapping, or werkzeug's Headers."""

    def get(self, key: str, /) -> str | None: ...

    def items(self) -> Iterable[tuple[str, str]]: ...


def verify_application_id(envelope: Mapping[str, Any], expected_skill_id: str) -> None:
    """``skill.envelope.check_application_id``, the one rule, as a ``VerificationError``."""
    try:
        check_application_id(envelope, expected_skill_id)
    except (InvalidEnvelope, WrongSkill) as error:
        raise VerificationError("application_id", str(error)) from None


def _header(headers: Headers, name: str) -> str | None:
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
        clock: Clock = utcnow,
        tolerance_seconds: float = DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
    ) -> None:
        self.store = store
        self.skill_id = skill_id
        self._clock = clock
        self._tolerance_seconds = tolerance_seconds

    def verify(self, headers: Headers, body: bytes, envelope: Mapping[str, Any]) -> None:
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
