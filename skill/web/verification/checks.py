"""The names of Amazon's checks, the one error they raise, and the clock they read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

CHECKS = frozenset(
    {
        "signature_cert_chain_url",
        "certificate_download",
        "certificate_chain",
        "certificate_expired",
        "certificate_san",
        "certificate_key",
        "signature",
        "timestamp",
        "application_id",
        "missing_header",
    }
)

Clock = Callable[[], datetime]


class VerificationError(Exception):
    """A request failed verification; ``check`` names the failed rule (one of ``CHECKS``)."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check

    def __repr__(self) -> str:
        return f"VerificationError({self.check!r}, {str(self)!r})"


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken to be UTC, so comparisons never raise."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
