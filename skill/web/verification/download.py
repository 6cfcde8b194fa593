"""Downloading a certificate chain: bounded in time and size."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from skill.envelope import shown
from skill.web.verification.checks import VerificationError


class _Deadline:
    """One deadline for a whole download: when it passes, every socket opened for it is shut.

    A socket timeout bounds each read only, so a server sending one header
    byte a second would hold the download for as long as it liked; shutting
    the socket from a timer ends any read in progress, headers included.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.001, self.at - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket, under any TLS layer
    except OSError:
        pass


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib as usual (TLS verified against the system's roots), each connection under ``deadline``."""

    def watched(base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        class Watched(base):  # type: ignore[valid-type, misc]
            def connect(self) -> None:
                self.timeout = deadline.remaining()
                super().connect()
                deadline.watch(self.sock)

        return Watched

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(watched(http.client.HTTPConnection), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(watched(http.client.HTTPSConnection), req)  # the default, verified TLS context

    return urllib.request.build_opener(HTTP, HTTPS)


def download_pem(url: str, *, timeout: float = 3.0, max_bytes: int = 64 * 1024) -> bytes:
    """GET ``url`` within ``timeout`` seconds in all (connecting, headers, body) and ``max_bytes``."""
    chunks: list[bytes] = []
    size = 0
    with _Deadline(timeout) as deadline:
        try:
            with _opener(deadline).open(url, timeout=timeout) as response:
                while True:
                    chunk = response.read1(max_bytes + 1 - size)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > max_bytes:
                        raise VerificationError(
                            "certificate_download", f"certificate chain at {shown(url)} exceeds {max_bytes} bytes"
                        )
        except VerificationError:
            raise
        except urllib.error.HTTPError as exc:
            exc.close()  # an HTTPError holds the open response; release the socket
            raise VerificationError("certificate_download", f"cannot download {shown(url)}: {exc}") from exc
        except (OSError, ValueError, http.client.HTTPException) as exc:
            # URLError and socket timeouts are OSError subclasses.
            if deadline.expired:
                raise VerificationError(
                    "certificate_download", f"download of {shown(url)} took longer than {timeout:g} s"
                ) from exc
            raise VerificationError("certificate_download", f"cannot download {shown(url)}: {exc}") from exc
        if deadline.expired:  # shut mid-body: what arrived may be cut short
            raise VerificationError("certificate_download", f"download of {shown(url)} took longer than {timeout:g} s")
    return b"".join(chunks)
