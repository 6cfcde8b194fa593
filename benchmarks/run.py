"""The benchmark suite: our skill beside its baselines, one markdown table.

    .venv/bin/python -m benchmarks [--seconds 5] [--rounds 3] [--client auto|wrk|python] [--skip SECTION]
    .venv/bin/python -m benchmarks.run ...      (same)
    .venv/bin/python benchmarks/run.py ...      (same)

1. In process (``benchmarks.in_process``): requests/second of ``skill.handle_envelope(build_skill(), ...)``
   against a one-handler ask-sdk-core skill, over the same mix of launch,
   causes, cause detail and help envelopes (``benchmarks.workload``).
2. Over HTTP (``benchmarks.over_http``), at ``--connections`` (32) concurrent connections: ``python -m
   skill serve --dev`` against the smallest honest skill server and a bare
   Flask app returning a constant (``benchmarks.baselines``), all on gunicorn
   with the same options and 2 workers; throughput, p50 and p99 latency.
3. Verification: signed requests, production mode with a warm certificate
   cache, against the same signed requests with verification off.
4. Cold start (``benchmarks.cold_start``), and the peak memory (VmHWM) of a
   server worker after the load beside the minimal skill server's.

Servers listen on 127.0.0.1 only. The HTTP runs alternate between servers
round by round; each figure is the round with the highest throughput, so a
burst of other work on the machine costs one round, not the comparison.
wrk is used when installed (``benchmarks/setup.sh`` installs it), else a
Python thread client, which is slower and says so in the table.

``benchmarks.report`` writes the table. Timings are printed, never asserted by the test suite. Exit status 0 when
every target is met, 1 otherwise (or when any request failed).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import in_process, options, over_http
from benchmarks.report import machine, report

IN_PROCESS_SAMPLES = 20  # alternating, each a twentieth of --requests


def cold_start(runs: int) -> tuple[float, float]:
    """Section 4: median seconds to the first answer, (ours, minimal), via benchmarks.cold_start."""
    from benchmarks import cold_start as cs

    setup = cs.Setup(cs.interpreter_flags(bytecode=False), runtime_imports=True)
    with tempfile.TemporaryDirectory() as workdir:
        folder = cs.unpack(None, Path(workdir))
        times = cs.measure(folder, runs, setup)
    return statistics.median(times["lambda_function"].wall), statistics.median(times["minimal_function"].wall)


def run(args: argparse.Namespace) -> int:
    """Run the sections not skipped; print the report; 0 if every target is met."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print(f"machine: {machine()}", file=sys.stderr)
    local = served = cold = None
    with tempfile.TemporaryDirectory(prefix="bench-") as log_dir:
        if "in-process" not in args.skip:
            print("1. in process ...", file=sys.stderr)
            per_round = max(1, args.requests // IN_PROCESS_SAMPLES)
            local = in_process.measure(IN_PROCESS_SAMPLES, per_round, Path(log_dir))
        if "http" not in args.skip:
            print("2-3. over HTTP ...", file=sys.stderr)
            served = over_http.measure(args, Path(log_dir))
    if "cold-start" not in args.skip:
        print("4. cold start ...", file=sys.stderr)
        cold = cold_start(args.cold_runs)
    text, all_met = report(args, local, served, cold)
    print(text)
    return 0 if all_met else 1


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    options.add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
