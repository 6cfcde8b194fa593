"""A real web service for tests: ``python -m skill serve`` on a free port of 127.0.0.1."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 5.0  # seconds, for every HTTP exchange


def http_exchange(
    base: tuple[str, int], method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(*base, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: tuple[str, int]
    log_path: Path

    def stop(self) -> int:
        """SIGTERM, as a process manager would; the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(log_path: Path, env: dict[str, str], *args: str) -> Server:
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ALEXA_")}
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "skill", "serve", "--port", str(port), "--workers", "2", *args],
        cwd=ROOT, env={**clean, **env, "PYTHONUNBUFFERED": "1"}, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    server = Server(process, ("127.0.0.1", port), log_path)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{server.log()}")
        try:
            if http_exchange(server.base, "GET", "/health")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"server did not answer /health in time:\n{server.log()}")


@contextmanager
def serving(log_dir: Path, env: dict[str, str], *args: str) -> Iterator[Server]:
    """A server for the duration of a ``with`` block; it must stop cleanly on SIGTERM."""
    server = start_server(log_dir / "server.log", env, *args)
    yield server
    if server.process.poll() is None:
        assert server.stop() == 0
