"""Load generators for a server on 127.0.0.1: wrk when installed, else Python.

Both post a fixed pool of prepared requests round-robin over ``connections``
concurrent connections for a bounded time (or, for the Python client, a
bounded count) and report throughput, p50 and p99 latency and every error.
"""

from __future__ import annotations

import http.client
import itertools
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LOOPBACK", "LoadResult", "Prepared", "get_status", "run_load", "run_python_client", "run_wrk", "wrk_path"]

LOOPBACK = "127.0.0.1"  # the only address these generators may target


@dataclass(frozen=True)
class Prepared:
    """One request to post: its exact body and any extra headers (signatures)."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    """What one bounded run measured."""

    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int] = field(default_factory=dict)  # kind -> count; statuses as "status 500"

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def get_status(port: int, path: str, timeout: float = 2.0) -> int:
    """The status of GET ``path`` on 127.0.0.1:``port``; OSError when nothing answers."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_load(
    port: int, pool: Sequence[Prepared], *, connections: int, seconds: float, client: str = "auto"
) -> LoadResult:
    """Run wrk (``client="wrk"``), the Python client (``"python"``), or wrk if present (``"auto"``)."""
    if client == "wrk" or (client == "auto" and wrk_path()):
        return run_wrk(port, pool, connections=connections, seconds=seconds)
    return run_python_client(port, pool, connections=connections, seconds=seconds)


# --- wrk -------------------------------------------------------------------------

# wrk formats every request once per thread in init(); request() only picks the
# next one, so the generator spends its time on the socket, not in Lua.
WRK_SCRIPT = """\
local bodies = {%(bodies)s}
local headers = {%(headers)s}
local pool = {}
local next_index = 0

function init(args)
  for i, body in ipairs(bodies) do
    local h = {["Content-Type"] = "application/json"}
    for name, value in pairs(headers[i]) do h[name] = value end
    pool[i] = wrk.format("POST", "/", h, body)
  end
end

function request()
  next_index = next_index %% #pool + 1
  return pool[next_index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua_string(data: bytes) -> str:
    text = data.decode("utf-8")
    level = next(n for n in itertools.count() if f"]{'=' * n}]" not in text)
    return f"[{'=' * level}[{text}]{'=' * level}]"


def wrk_script(pool: Sequence[Prepared]) -> str:
    """The Lua script that posts ``pool`` round-robin and prints a RESULT line."""
    bodies = ",\n".join(_lua_string(item.body) for item in pool)
    headers = ",\n".join(
        "{" + ", ".join(f"[ {_lua_string(name.encode())} ] = {_lua_string(value.encode())}"
                        for name, value in item.headers.items()) + "}"
        for item in pool
    )
    return WRK_SCRIPT % {"bodies": bodies, "headers": headers}


def run_wrk(port: int, pool: Sequence[Prepared], *, connections: int, seconds: float) -> LoadResult:
    """One bounded wrk run (one thread: the machine has two cores, the server wants them)."""
    executable = wrk_path()
    if executable is None:
        raise RuntimeError("wrk is not installed: run benchmarks/setup.sh, or pass --client python")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "post.lua"
        script.write_text(wrk_script(pool), encoding="utf-8")
        command = [
            executable, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
            "-s", str(script), f"http://{LOOPBACK}:{port}/",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    line = next((out for out in done.stdout.splitlines() if out.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    data = json.loads(line.removeprefix("RESULT "))
    errors = {kind: data[kind] for kind in ("connect", "read", "write", "status", "timeout") if data[kind]}
    return LoadResult("wrk", data["requests"], data["duration_us"] / 1e6, data["p50_us"] / 1000,
                      data["p99_us"] / 1000, errors)


# --- Python -------------------------------------------------------------------------


def run_python_client(
    port: int,
    pool: Sequence[Prepared],
    *,
    connections: int,
    seconds: float | None = None,
    total: int | None = None,
    timeout: float = 5.0,
) -> LoadResult:
    """Threads, one request per connection (keep-alive off), until ``seconds`` pass or ``total`` are sent.

    Each thread is one concurrent connection. Every response must be a 200
    whose body is JSON; anything else is counted by kind.
    """
    if seconds is None and total is None:
        raise ValueError("bound the run: give seconds, total or both")
    deadline = time.monotonic() + seconds if seconds is not None else float("inf")
    counter = itertools.count()  # next() on itertools.count is atomic under the GIL
    limit = total if total is not None else float("inf")
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()

    def worker() -> None:
        mine: list[float] = []
        wrong: Counter[str] = Counter()
        while time.monotonic() < deadline:
            index = next(counter)
            if index >= limit:
                break
            item = pool[index % len(pool)]
            headers = {"Content-Type": "application/json", "Connection": "close", **item.headers}
            started = time.perf_counter()
            connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
            try:
                connection.request("POST", "/", body=item.body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                if response.status != 200:
                    wrong[f"status {response.status}"] += 1
                else:
                    json.loads(payload)
                    mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException) as error:
                wrong[type(error).__name__] += 1
            except ValueError:
                wrong["body not JSON"] += 1
            finally:
                connection.close()
        with lock:
            latencies.extend(mine)
            errors.update(wrong)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return LoadResult("python", len(latencies), elapsed, _percentile(latencies, 50) * 1000,
                      _percentile(latencies, 99) * 1000, dict(errors))


def _percentile(values: list[float], percent: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]
