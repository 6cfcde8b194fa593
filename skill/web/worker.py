"""A gunicorn worker that reads each request whole before the app sees it.

gunicorn's sync worker reads a request from a blocking socket, so a client
that trickles its headers or its body holds the whole worker process until it
stops. This worker serves exactly as the sync worker does, one request at a
time in one thread and the connection closed after each response (so the
app's cost is unchanged), but every connection first waits in one event loop
until its whole request is in memory: the headers, then the Content-Length
body or the last chunk. Only then does gunicorn parse it and the app run.
A connection that has not sent its whole request ``read_seconds`` after it
was accepted is answered 408 and closed; one that closes early is handed on
with what it sent, for the app to refuse.

No keep-alive, as with the sync worker: a version with it measured worse
(README, Web service), most likely because each of a load generator's
connections stays with whichever worker accepted it first.

Bounds: at most ``worker_connections`` connections wait per worker (then the
worker stops accepting until some finish, and new ones queue in the kernel),
each holds at most its head and a body up to ``max_body_bytes`` (a body
declared larger is handed on at once, for the app to refuse unread), all of
them together at most ``max_buffered_bytes`` (past it the connection that
sent the last bytes is answered 503), and after its response a connection
lingers at most ``LINGER_SECONDS``, in the loop, for the client to close first.
"""

from __future__ import annotations

import errno
import gc
import os
import selectors
import socket
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from gunicorn import http, util
from gunicorn.workers.sync import SyncWorker

from skill.web.app import MAX_BODY_BYTES

__all__ = ["CUT", "BufferingWorker", "expects_continue", "request_end"]

MAX_HEAD_BYTES = 64 * 1024  # past gunicorn's own limits on the request line and headers, so it refuses them
LINGER_SECONDS = 2.0  # as gunicorn's close_graceful, but without blocking the worker
LINGER_BYTES = 64 * 1024
SEND_TIMEOUT_SECONDS = 5.0  # a response fits the socket buffer; this only bounds a client that never reads
RECV_BYTES = 65536
ACCEPT_BURST = 8


def _refusal(status: bytes, error: bytes) -> bytes:
    body = b'{"error": "%s"}' % error
    return (b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
            % (status, len(body), body))


CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
TIMEOUT_RESPONSE = _refusal(b"408 Request Timeout", b"request not received in time")
BUSY_RESPONSE = _refusal(b"503 Service Unavailable", b"server busy")


@dataclass(eq=False)
class _Connection:
    """One accepted connection: the bytes of its request so far, or its linger after the response."""

    sock: socket.socket
    addr: Any
    listener: socket.socket
    deadline: float
    data: bytearray = field(default_factory=bytearray)
    head_read: bool = False  # its head is in and was looked at for "Expect: 100-continue"
    continued: bool = False  # it was sent "100 Continue"
    lingering: bool = False
    drained: int = 0


CUT = -1  # request_end: serve what there is now, and close after


def request_end(data: bytes | bytearray, max_body_bytes: int) -> int | None:
    """Where the first HTTP/1.x request in ``data`` ends; None while it is not all in.

    ``CUT`` when it should be served with what there is and the connection
    closed after: a head too long, a body declared over ``max_body_bytes`` or
    a chunked body past it (the app refuses either unread), or framing that
    does not parse (gunicorn's parser refuses it with 400).
    """
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return CUT if len(data) > MAX_HEAD_BYTES else None
    body_at = end + 4
    length, chunked = _framing(bytes(data[:end]))
    if chunked:
        last = _last_chunk_end(data, body_at)
        if last is None:
            return CUT if len(data) - body_at > max_body_bytes else None
        return last
    if length is None:
        return body_at  # no body
    if length < 0 or length > max_body_bytes:
        return CUT
    return body_at + length if len(data) >= body_at + length else None


def expects_continue(data: bytes | bytearray) -> bool:
    """Whether the HTTP/1.1 request head in ``data`` says ``Expect: 100-continue``."""
    head = bytes(data[:data.find(b"\r\n\r\n")])
    lines = head.split(b"\r\n")
    if not lines[0].rstrip().endswith(b"HTTP/1.1"):
        return False  # HTTP/1.0 ignores the expectation (RFC 9110, 10.1.1)
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"expect" and value.strip().lower() == b"100-continue":
            return True
    return False


def _framing(head: bytes) -> tuple[int | None, bool]:
    """(Content-Length, chunked?) from a request head; a malformed length reads as -1."""
    length: int | None = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            text = value.strip()
            length = int(text) if text.isdigit() and length is None else -1
        elif name == b"transfer-encoding":
            chunked = chunked or b"chunked" in value.lower()
    return length, chunked


def _last_chunk_end(data: bytes | bytearray, at: int) -> int | None:
    """Where a chunked body starting at ``at`` ends (trailers included); None if not yet; ``CUT`` if malformed."""
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        size_text = bytes(data[at:line_end]).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return CUT
        if size < 0:
            return CUT
        if size == 0:  # then optional trailers, and an empty line
            trailers_end = data.find(b"\r\n\r\n", line_end)
            return None if trailers_end < 0 else trailers_end + 4
        at = line_end + 2 + size + 2
        if at > len(data):
            return None


class BufferingWorker(SyncWorker):
    """gunicorn's sync worker, with every request read whole, with a deadline, before it is served."""

    read_seconds = 5.0
    max_body_bytes = MAX_BODY_BYTES  # the app's cap: a body declared larger is the app's to refuse, unread
    max_buffered_bytes = 64 * 1024 * 1024  # what all waiting requests of a worker may hold in memory

    def run(self) -> None:
        # Everything loaded so far (the app, the SDK, jsonschema, cryptography:
        # some 50,000 objects) lives as long as the worker; a full garbage
        # collection walked them all (over 100 ms on a loaded machine) while
        # every request waiting on this worker waited: the p99 tail.
        gc.freeze()
        self._selector = selectors.DefaultSelector()
        self._open: dict[int, _Connection] = {}  # waiting for a request, or lingering, by file descriptor
        # (deadline, connection) when each was watched, one queue per state: each
        # state has one duration, so each queue is in deadline order. Entries of
        # connections that moved on are skipped when they come up.
        self._reading: deque[tuple[float, _Connection]] = deque()
        self._lingering: deque[tuple[float, _Connection]] = deque()
        self._accepting = False
        self._buffered = 0  # bytes held by requests not yet served
        for listener in self.sockets:
            listener.setblocking(False)
        self._selector.register(self.PIPE[0], selectors.EVENT_READ, None)
        try:
            while self.alive:
                self.notify()
                self._set_accepting(len(self._open) < self.cfg.worker_connections)
                for key, _ in self._selector.select(self._next_wait()):
                    if key.data is None:
                        self._drain_pipe()
                    elif isinstance(key.data, _Connection):
                        self._readable(key.data)
                    else:
                        self._accept_some(key.data)
                self._expire(time.monotonic())
                if not self.is_parent_alive():
                    break
        finally:
            for connection in list(self._open.values()):
                self._close(connection)
            self._selector.close()

    # --- the loop ---------------------------------------------------------------------

    def _set_accepting(self, enabled: bool) -> None:
        if enabled == self._accepting:
            return
        for listener in self.sockets:
            if enabled:
                self._selector.register(listener, selectors.EVENT_READ, listener)
            else:
                self._selector.unregister(listener)
        self._accepting = enabled

    def _next_wait(self) -> float:
        soonest = min((queue[0][0] for queue in (self._reading, self._lingering) if self._skip_stale(queue)),
                      default=None)
        if soonest is None:
            return 1.0
        return min(1.0, max(0.0, soonest - time.monotonic()))

    def _skip_stale(self, queue: deque[tuple[float, _Connection]]) -> bool:
        """Drop entries of connections no longer waiting so; whether one that is remains."""
        while queue:
            deadline, connection = queue[0]
            if self._open.get(connection.sock.fileno()) is connection and connection.deadline == deadline:
                return True
            queue.popleft()
        return False

    def _drain_pipe(self) -> None:
        try:
            while os.read(self.PIPE[0], 4096):
                pass
        except OSError:
            pass

    def _accept_some(self, listener: socket.socket) -> None:
        # Up to ACCEPT_BURST at a time, as the sync worker accepts until none
        # wait: under load, one poll per request is spared.
        for _ in range(ACCEPT_BURST):
            if not self._accept(listener):
                return

    def _accept(self, listener: socket.socket) -> bool:
        """Accept one connection and read what it sent; False if none was waiting."""
        try:
            sock, addr = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.ECONNABORTED):
                return False
            raise
        util.close_on_exec(sock)
        sock.setblocking(False)
        connection = _Connection(sock, addr, listener, time.monotonic() + self.read_seconds)
        self._readable(connection)  # a client usually sends its request with the connection
        if not connection.lingering and sock.fileno() >= 0:  # not served, not closed: wait for the rest
            self._watch(connection)
        return True

    def _watch(self, connection: _Connection) -> None:
        self._open[connection.sock.fileno()] = connection
        self._selector.register(connection.sock, selectors.EVENT_READ, connection)
        (self._lingering if connection.lingering else self._reading).append((connection.deadline, connection))

    def _unwatch(self, connection: _Connection) -> None:
        self._open.pop(connection.sock.fileno(), None)
        try:
            self._selector.unregister(connection.sock)
        except (KeyError, ValueError):
            pass

    def _readable(self, connection: _Connection) -> None:
        try:
            data = connection.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(connection)
            return
        if connection.lingering:
            connection.drained += len(data)
            if not data or connection.drained > LINGER_BYTES:
                self._close(connection)
            return
        if not data:  # the client closed its side: serve what it sent, if it finished its head
            if b"\r\n\r\n" in connection.data:
                self._serve(connection)
            else:
                self._close(connection)
            return
        if self._buffered + len(data) > self.max_buffered_bytes:
            self.log.warning("%d bytes of requests waiting: 503", self._buffered)
            self._refuse(connection, BUSY_RESPONSE)
            return
        connection.data += data
        self._buffered += len(data)
        if request_end(connection.data, self.max_body_bytes) is not None:
            self._serve(connection)  # the first request only: the connection closes after it
        elif not connection.head_read and b"\r\n\r\n" in connection.data:
            connection.head_read = True
            if expects_continue(connection.data):
                # The client waits for this before it sends the body (curl does,
                # for a second); gunicorn would send it only once the body is in.
                connection.continued = True
                try:
                    connection.sock.send(CONTINUE)
                except OSError:
                    pass

    def _expire(self, now: float) -> None:
        while self._skip_stale(self._reading) and self._reading[0][0] <= now:
            connection = self._reading.popleft()[1]
            peer = connection.addr[0] if isinstance(connection.addr, tuple) else connection.addr
            self.log.warning("request from %s not received within %g s: 408", peer, self.read_seconds)
            self._refuse(connection, TIMEOUT_RESPONSE)
        while self._skip_stale(self._lingering) and self._lingering[0][0] <= now:
            self._close(self._lingering.popleft()[1])

    def _refuse(self, connection: _Connection, response: bytes) -> None:
        try:
            connection.sock.send(response)  # a few bytes: the socket buffer takes them at once
        except OSError:
            pass
        self._close(connection)

    def _release(self, connection: _Connection) -> bytes:
        """The request's bytes, no longer counted as waiting."""
        data = bytes(connection.data)
        self._buffered -= len(connection.data)
        connection.data = bytearray()
        return data

    def _close(self, connection: _Connection) -> None:
        self._unwatch(connection)
        self._release(connection)
        util.close(connection.sock)

    # --- serving a whole request ----------------------------------------------------------

    def _serve(self, connection: _Connection) -> None:
        """Parse and serve the buffered request as the sync worker would, then linger in the loop and close."""
        self._unwatch(connection)
        sock = connection.sock
        sock.setblocking(True)
        sock.settimeout(SEND_TIMEOUT_SECONDS)
        req = None
        try:
            parser = http.get_parser(self.cfg, iter([self._release(connection)]), connection.addr)
            req = next(parser)
            if connection.continued:
                req._expected_100_continue = False  # said already: gunicorn must not say it again
            self.handle_request(connection.listener, req, sock, connection.addr)  # the sync worker's
        except http.errors.NoMoreData as error:
            self.log.debug("Ignored premature client disconnection. %s", error)
        except StopIteration as error:
            self.log.debug("Closing connection. %s", error)
        except OSError as error:
            if error.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN, None):
                self.log.exception("Socket error processing request.")
        except BaseException as error:  # as the sync worker: gunicorn's own 400s, and a 500
            self.handle_error(req, sock, connection.addr, error)
        if sock.fileno() >= 0:  # not closed on an error
            self._linger(connection)

    def _linger(self, connection: _Connection) -> None:
        """Half-close and wait, in the loop, for the client to close first (RFC 9112 section 9.6)."""
        try:
            connection.sock.shutdown(socket.SHUT_WR)
            connection.sock.setblocking(False)
        except OSError:
            util.close(connection.sock)
            return
        connection.lingering = True
        connection.deadline = time.monotonic() + LINGER_SECONDS
        self._watch(connection)
