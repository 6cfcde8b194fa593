"""Slow clients against a server on 127.0.0.1, and requests timed meanwhile.

A bounded number of connections trickle a request one byte at a time for a
bounded time: some never finish their headers (``POST / HTTP/1.1``, a Host
line, then one more header byte each ``interval``), the others send whole
headers declaring a body and then trickle the body. A connection the server
closes is opened again, as a persistent attacker would. Meanwhile one client
posts real requests, one after another, and times each answer: with a
server that lets slow clients hold its workers, those answers wait until the
trickling stops (Alexa gives up after 8 s).
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.loadgen import LOOPBACK, Prepared

__all__ = ["ANSWER_WITHIN_S", "SlowResult", "run_slow_clients"]

ANSWER_WITHIN_S = 2.0  # each request sent meanwhile must be answered within this
BODY_DECLARED = 2048  # bytes a body-trickler declares: under any body cap, so it is not refused unread
HEADERS_START = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
BODY_START = (
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\n\r\n{" % BODY_DECLARED
)


@dataclass
class SlowResult:
    """What a run saw: the timed requests' latencies and errors, and the slow connections' fate."""

    slow_connections: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)  # of the timed requests answered 200
    errors: dict[str, int] = field(default_factory=dict)  # timed requests: kind -> count
    reopened: int = 0  # slow connections the server closed (and the attacker opened again)

    @property
    def answered(self) -> int:
        return len(self.latencies_ms)

    @property
    def max_ms(self) -> float:
        return max(self.latencies_ms, default=float("nan"))

    @property
    def late(self) -> int:
        """Timed requests not answered 200 within ``ANSWER_WITHIN_S``, failures included."""
        return sum(1 for ms in self.latencies_ms if ms > ANSWER_WITHIN_S * 1000) + sum(self.errors.values())


class _Trickler:
    """One slow connection: its opening bytes, then one byte per ``tick``."""

    def __init__(self, port: int, start: bytes, byte: bytes) -> None:
        self.port, self.start, self.byte = port, start, byte
        self.sock: socket.socket | None = None
        self.closed_by_server = 0

    def open(self) -> None:
        self.sock = socket.create_connection((LOOPBACK, self.port), timeout=2)
        self.sock.sendall(self.start)

    def tick(self) -> None:
        try:
            if self.sock is None:
                self.open()
                return
            self.sock.sendall(self.byte)
        except OSError:
            self.closed_by_server += 1
            self.close()

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def run_slow_clients(
    port: int,
    pool: Sequence[Prepared],
    *,
    header_clients: int,
    body_clients: int,
    seconds: float,
    interval: float = 0.5,
    timeout: float = 5.0,
) -> SlowResult:
    """Trickle ``header_clients`` + ``body_clients`` connections for ``seconds``; time ``pool`` meanwhile.

    The timed requests start once every slow connection is open and has sent
    its first bytes, and stop when the trickling does. Each has ``timeout``.
    """
    tricklers = [_Trickler(port, HEADERS_START, b"a") for _ in range(header_clients)]
    tricklers += [_Trickler(port, BODY_START, b" ") for _ in range(body_clients)]
    for trickler in tricklers:
        trickler.open()
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(interval):
            for trickler in tricklers:
                trickler.tick()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    result = SlowResult(len(tricklers), seconds)
    errors: Counter[str] = Counter()
    time.sleep(min(interval, seconds / 4))  # the server has accepted them and holds what it holds
    deadline = time.monotonic() + seconds
    index = 0
    try:
        while time.monotonic() < deadline:
            item = pool[index % len(pool)]
            index += 1
            started = time.perf_counter()
            connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
            try:
                headers = {"Content-Type": "application/json", "Connection": "close", **item.headers}
                connection.request("POST", "/", body=item.body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                if response.status == 200:
                    json.loads(payload)
                    result.latencies_ms.append((time.perf_counter() - started) * 1000)
                else:
                    errors[f"status {response.status}"] += 1
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] += 1
            finally:
                connection.close()
            time.sleep(0.05)  # a steady trickle of real requests, not a load test
    finally:
        stop.set()
        thread.join()
        for trickler in tricklers:
            trickler.close()
    result.errors = dict(errors)
    result.reopened = sum(trickler.closed_by_server for trickler in tricklers)
    return result
