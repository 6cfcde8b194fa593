"""Load: the production server on 127.0.0.1 takes 5,000 requests at 32
concurrent connections with no error, and its workers' memory stays put.

Bounded: 5,000 requests, only to 127.0.0.1, with a generous hard cap so
the test always ends. No timing is asserted: the machine is shared.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from benchmarks import loadgen, procs
from benchmarks.loadgen import Prepared
from benchmarks.workload import SKILL_ID, conversations, encode
from tests.servers import Server, http_exchange, serving

pytestmark = pytest.mark.slow  # a real server under load

REQUESTS = 5_000
CONNECTIONS = 32
# Only bounds the run, so a hung server cannot hold the suite: it is not a
# speed target, and is set far above what even a slow runner needs.
HARD_CAP_SECONDS = 180
# A worker that kept something per request would pass this long before 5,000
# requests: at 4 KiB each (one response) it would grow by about 10 MiB per worker.
RSS_GROWTH_BOUND_MIB = 20


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("load"), {"ALEXA_SKILL_ID": SKILL_ID, "ALEXA_VERIFY": "0"}) as running:
        yield running


def rss_mib(pids: list[int]) -> dict[int, float]:
    return {pid: procs.status_kib(pid, "VmRSS") / 1024 for pid in pids}


@pytest.fixture(scope="module")
def pool() -> list[Prepared]:
    """Launch, causes, cause detail and help, in sessions, 64 distinct bodies."""
    return [Prepared(encode(envelope)) for envelope in conversations(16, SKILL_ID)]


def test_5000_requests_at_32_connections_without_error_or_growth(server: Server, pool: list[Prepared]) -> None:
    port = server.base[1]
    # Warm-up: both workers import lazily and fill their caches on first requests.
    warm = loadgen.run_python_client(port, pool, connections=4, total=400, seconds=HARD_CAP_SECONDS)
    assert warm.errors == {}
    pids = server.worker_pids()
    assert len(pids) == 2
    before = rss_mib(pids)

    result = loadgen.run_python_client(port, pool, connections=CONNECTIONS, total=REQUESTS, seconds=HARD_CAP_SECONDS)

    assert result.errors == {}, result.errors
    assert result.requests == REQUESTS, f"only {result.requests} in {HARD_CAP_SECONDS} s"
    # The same workers served it all: none died and was quietly replaced.
    assert server.worker_pids() == pids
    after = rss_mib(pids)
    growth = {pid: after[pid] - before[pid] for pid in pids}
    assert all(grown < RSS_GROWTH_BOUND_MIB for grown in growth.values()), (before, after)
    assert http_exchange(server.base, "GET", "/health")[0] == 200
    print(f"\n{result.requests} requests in {result.seconds:.1f} s ({result.rps:.0f}/s), "
          f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms; "
          f"worker RSS {', '.join(f'{before[p]:.1f} -> {after[p]:.1f} MiB' for p in pids)}")


def test_the_benchmarks_wrk_script_posts_every_body(server: Server, pool: list[Prepared]) -> None:
    """The benchmark's Lua (quoting, headers, RESULT line) works against the real server."""
    if loadgen.wrk_path() is None:
        pytest.skip("wrk is not installed (benchmarks/setup.sh installs it)")
    signed = [Prepared(item.body, {"Signature-256": "x" * 10, "SignatureCertChainUrl": "https://a]]b"})
              for item in pool[:4]]
    result = loadgen.run_wrk(server.base[1], signed, connections=4, seconds=1)
    assert result.requests > 0 and result.errors == {}


def test_every_body_of_the_benchmark_gets_a_200(server: Server, pool: list[Prepared]) -> None:
    """Otherwise the benchmark would time refusals: every body must be a real answer."""
    for item in pool[:4]:
        status, _, data = http_exchange(server.base, "POST", "/", item.body, {"Content-Type": "application/json"})
        assert status == 200 and json.loads(data)["response"]["outputSpeech"]
