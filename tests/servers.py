"""A real web service for tests: ``python -m skill serve`` on a free port of 127.0.0.1,
started and stopped by ``benchmarks.servers``."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.servers import Server, ServerFailed, free_port, start, wait_ready
from skill.paths import REPO_ROOT as ROOT  # only for test_simulator_http.py, which imports it from here

__all__ = ["ROOT", "TIMEOUT", "Server", "free_port", "http_exchange", "serving", "start_server"]

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


def start_server(log_path: Path, env: dict[str, str], *args: str) -> Server:
    """``serve`` with 2 workers and ``args``, answering /health; the test fails if it does not start."""
    command = ["-m", "skill", "serve", "--workers", "2", *args]
    server = start("server", command, {**env, "PYTHONUNBUFFERED": "1"}, log_path)
    try:
        wait_ready(server, timeout=20)
    except ServerFailed as error:
        pytest.fail(str(error))
    return server


@contextmanager
def serving(log_dir: Path, env: dict[str, str], *args: str) -> Iterator[Server]:
    """A server for the duration of a ``with`` block; it must stop cleanly on SIGTERM."""
    server = start_server(log_dir / "server.log", env, *args)
    yield server
    if server.process.poll() is None:
        assert server.stop() == 0
