"""Sections 2 and 3 of the benchmark suite: the servers under the same load.

Four servers, all on gunicorn with ``serve``'s options and the same worker
count: ours with verification off (``--dev``) and on (production mode, test
certificate chain), the smallest honest skill server and a bare Flask app
returning a constant (``benchmarks.baselines``). The runs alternate between
them round by round; each keeps its fastest round, so a burst of other work
on the machine costs one round, not the comparison. Afterwards, the peak
memory of each server's workers. Last, slow clients (``benchmarks.slowclients``)
trickle requests at the production server while signed requests are timed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import loadgen, procs, slowclients
from benchmarks.loadgen import LoadResult, Prepared
from benchmarks.servers import Server, start, stop_all, wait_ready
from benchmarks.slowclients import SlowResult

__all__ = ["HttpResults", "Measured", "measure", "peak_worker_mib", "servers"]


@dataclass
class Measured:
    """The best run of one subject, and every error seen in any of its runs."""

    best: LoadResult | None = None
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, result: LoadResult, counts: bool = True) -> None:
        """Keep its errors; keep the run itself if it ``counts`` and is the fastest yet."""
        for kind, count in result.errors.items():
            self.errors[kind] = self.errors.get(kind, 0) + count
        if counts and (self.best is None or result.rps > self.best.rps):
            self.best = result


@dataclass(frozen=True)
class HttpResults:
    runs: dict[str, Measured]
    peak_mib: dict[str, float]
    tool: str
    slow: SlowResult | None = None


def peak_worker_mib(server: Server) -> float:
    """The highest VmHWM (peak resident set) among the server's workers, MiB."""
    return max(procs.status_kib(pid, "VmHWM") for pid in server.worker_pids()) / 1024


@contextmanager
def servers(workers: int, log_dir: Path) -> Iterator[dict[str, Server]]:
    """The four servers, all on gunicorn with the same options and worker count."""
    from benchmarks.workload import SKILL_ID
    from skill.simulator.testpki import ensure_test_chain

    chain = ensure_test_chain(log_dir / "certs")
    serve = ["-m", "skill", "serve", "--workers", str(workers)]
    baseline = ["-m", "benchmarks.baselines", "--workers", str(workers)]
    production = {
        "ALEXA_SKILL_ID": SKILL_ID,
        "ALEXA_CA_BUNDLE": str(chain.root_path),
        "ALEXA_CERT_DIR": str(chain.directory),
    }
    started: dict[str, Server] = {}
    try:
        for name, command, env in (
            ("ours", [*serve, "--dev"], {"ALEXA_SKILL_ID": SKILL_ID}),  # verification off, skill id checked
            ("verified", serve, production),
            ("minimal", [*baseline, "skill"], {}),
            ("constant", [*baseline, "constant"], {}),
        ):
            # Access lines go to the log: the same cost for every server.
            started[name] = start(name, command, env, log_dir / f"{name}.log")
        for server in started.values():
            wait_ready(server)
        yield started
    finally:
        stop_all(started.values())


def measure(args: argparse.Namespace, log_dir: Path) -> HttpResults:
    """Sections 2 and 3: each subject under the same load, alternating round by round."""
    from benchmarks.workload import conversations, encode
    from skill.simulator.testpki import ensure_test_chain

    plain = [Prepared(encode(envelope)) for envelope in conversations(16)]
    chain = ensure_test_chain(log_dir / "certs")

    def signed() -> list[Prepared]:
        # Fresh timestamps, each signature over its exact body: valid for 150 s.
        return [Prepared(body, chain.headers(body)) for body in map(encode, conversations(16))]

    # (result key, server, pool): "verify_off" is the --dev server posted the same signed bodies.
    plan = [
        ("ours", "ours", "plain"),
        ("minimal", "minimal", "plain"),
        ("constant", "constant", "plain"),
        ("verify_on", "verified", "signed"),
        ("verify_off", "ours", "signed"),
    ]
    runs = {key: Measured() for key, _, _ in plan}
    tool = "?"
    with servers(args.workers, log_dir) as running:
        def load(server: str, pool: list[Prepared], seconds: float) -> LoadResult:
            return loadgen.run_load(running[server].port, pool, connections=args.connections,
                                    seconds=seconds, client=args.client)

        pools = {"plain": plain, "signed": signed()}
        for key, server, pool in plan:  # warm-up: imports, caches, both workers' certificate cache
            warm_up = load(server, pools[pool], 1)
            runs[key].add(warm_up, counts=False)
            tool = warm_up.tool
        for round_number in range(args.rounds):
            pools["signed"] = signed()  # just before the round, which takes far less than 150 s
            for key, server, pool in plan:
                result = load(server, pools[pool], args.seconds)
                runs[key].add(result)
                print(f"  round {round_number + 1}: {key}: {result.rps:.0f} req/s, p50 {result.p50_ms:.1f} ms, "
                      f"p99 {result.p99_ms:.1f} ms", file=sys.stderr)
        peak = {name: peak_worker_mib(server) for name, server in running.items()}
        slow = None
        if args.slow_clients > 0:
            headers = args.slow_clients // 2
            slow = slowclients.run_slow_clients(running["verified"].port, signed(), header_clients=headers,
                                                body_clients=args.slow_clients - headers, seconds=args.slow_seconds)
            print(f"  slow clients: {slow.answered} answered, slowest {slow.max_ms:.0f} ms, {slow.late} late, "
                  f"errors {slow.errors}", file=sys.stderr)
    return HttpResults(runs, peak, tool, slow)
