"""The benchmark suite's command-line options (``python -m benchmarks``)."""

from __future__ import annotations

import argparse

from skill.cli.arguments import positive_int as _positive

__all__ = ["add_arguments"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=5, help="seconds per HTTP run (default 5)")
    parser.add_argument("--rounds", type=_positive, default=3,
                        help="alternating HTTP rounds; the best counts (default 3)")
    parser.add_argument("--connections", type=_positive, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--workers", type=_positive, default=2, help="gunicorn workers per server (default 2)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator (default: wrk if installed, else a Python client)")
    parser.add_argument("--requests", type=_positive, default=4000,
                        help="in-process requests per skill, in 20 alternating samples (default 4000)")
    parser.add_argument("--cold-runs", type=_positive, default=10, help="cold starts per handler (default 10)")
    parser.add_argument("--slow-clients", type=int, default=50,
                        help="connections trickling a request during the slow-client run, half headers, half a body "
                             "(default 50; 0 leaves the run out)")
    parser.add_argument("--slow-seconds", type=float, default=10, help="seconds of the slow-client run (default 10)")
    parser.add_argument("--skip", action="append", default=[], choices=("in-process", "http", "cold-start"),
                        help="leave a section out (repeatable)")
