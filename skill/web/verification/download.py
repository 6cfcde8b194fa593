"""Downloading a certificate chain: bounded in time and size."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request

from skill.web.verification.checks import VerificationError


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
