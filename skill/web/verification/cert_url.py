"""Amazon's rule for the SignatureCertChainUrl header: https://s3.amazonaws.com/echo.api/..."""

from __future__ import annotations

import posixpath
import re
import urllib.parse

from skill.envelope import shown
from skill.web.verification.checks import VerificationError

CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
# A percent-encoded dot, slash or backslash: the URL fetched would name another
# path than the one checked, whichever way a server decodes it.
ENCODED_SEPARATOR = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)


def validate_cert_chain_url(url: str) -> None:
    """Refuse a certificate URL that does not point into s3.amazonaws.com/echo.api/."""

    def fail(reason: str) -> VerificationError:
        return VerificationError("signature_cert_chain_url", f"{reason}: {shown(url)}")

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
    # The path is normalised as it will be sent, never decoded: decoding
    # first let "..%2f" and "%2f" pass the prefix test while the URL fetched
    # was elsewhere. An encoded separator or dot is refused outright.
    path = parts.path
    if ENCODED_SEPARATOR.search(path) or "\\" in path:
        raise fail("certificate URL path has an encoded or backslash separator")
    # normpath folds "." and ".." segments (and keeps a leading "//", which
    # then fails the exact prefix test).
    normalised = posixpath.normpath(path) if path else ""
    if not normalised.startswith(CERT_URL_PATH_PREFIX):
        raise fail("certificate URL path does not start with /echo.api/")
