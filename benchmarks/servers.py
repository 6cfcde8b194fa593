"""Servers started as subprocesses on a free port of 127.0.0.1, for the
benchmarks and the tests: start one, wait until it answers, stop it.

Each runs ``python COMMAND --port PORT`` from the repository root, its output
in a log file, with an environment free of the caller's ``ALEXA_*`` settings.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import procs
from benchmarks.loadgen import LOOPBACK, get_status
from skill.paths import REPO_ROOT

__all__ = ["Server", "ServerFailed", "free_port", "start", "stop_all", "wait_ready"]


class ServerFailed(RuntimeError):
    """The server exited, or never answered; the message holds its log."""


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base(self) -> tuple[str, int]:
        """(host, port), as http.client takes them."""
        return LOOPBACK, self.port

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        """gunicorn's workers: the children of the master (the process started)."""
        return procs.children(self.process.pid)

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, as a process manager would; the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


def free_port() -> int:
    """A port of 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def start(name: str, command: Sequence[str], env: Mapping[str, str], log_path: Path) -> Server:
    """``python COMMAND --port PORT`` on a free port; ``env`` over the environment without ``ALEXA_*``."""
    port = free_port()
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ALEXA_")}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, *command, "--port", str(port)],
            cwd=REPO_ROOT, env={**clean, **env}, stdout=log, stderr=subprocess.STDOUT,
        )
    return Server(name, process, port, log_path)


def wait_ready(server: Server, timeout: float = 30) -> None:
    """Until GET /health answers 200; ServerFailed if the server exits first or the time runs out (then it is
    killed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(f"server {server.name} exited with status {server.process.returncode}:\n{server.log()}")
        try:
            if get_status(server.port, "/health") == 200:
                return
        except (OSError, http.client.HTTPException):  # not listening yet
            pass
        time.sleep(0.1)
    server.process.kill()
    server.process.wait()
    raise ServerFailed(f"server {server.name} did not answer /health within {timeout:g} s:\n{server.log()}")


def stop_all(servers: Iterable[Server], timeout: float = 15) -> None:
    """SIGTERM to every server at once, then wait for each; kill any still running after ``timeout``."""
    started = list(servers)
    for server in started:
        if server.process.poll() is None:
            server.process.terminate()
    for server in started:
        try:
            server.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
