"""The benchmark suite's report: each figure beside its baseline and target, as markdown."""

from __future__ import annotations

import argparse
import os
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.in_process import InProcess
from benchmarks.over_http import HttpResults
from benchmarks.slowclients import ANSWER_WITHIN_S  # issue 14's target for the slow-client row
from skill import markdown

__all__ = ["Row", "machine", "render", "report", "rows_for"]

# The targets of issue 7.
IN_PROCESS_RATIO = 0.8
HTTP_RATIO = 0.8
HTTP_P99_MS = 25.0
VERIFY_RATIO = 0.9

BASELINES = (
    "Baselines: 1. a one-handler ask-sdk-core skill through the same `handle_envelope`; "
    "2. a Flask view handing the body to that skill; 3. our server with verification off; "
    "4. memory: the one-handler skill server; cold start: the one-handler skill's `lambda_handler`."
)


@dataclass(frozen=True)
class Row:
    what: str
    ours: str
    baseline: str
    ratio: str = ""
    target: str = ""
    met: bool | None = None  # None: no target on this row


def render(rows: Sequence[Row]) -> str:
    header = ("measure", "Leg Cramp Guide", "baseline", "ratio", "target", "met")
    return markdown.table(header, [
        (row.what, row.ours, row.baseline, row.ratio, row.target,
         "" if row.met is None else ("yes" if row.met else "**no**"))
        for row in rows
    ], right=(1, 2, 3))


def machine() -> str:
    """nproc, CPU model, Python and OS: what the figures depend on."""
    model = "unknown CPU"
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def worker_name() -> str:
    """The gunicorn worker class ``serve`` uses, as the table names it."""
    from skill.web.server import gunicorn_options

    worker = gunicorn_options("127.0.0.1", 0, 1)["worker_class"]
    return worker.rsplit(".", 1)[-1] if isinstance(worker, str) else worker.__name__


def _ratio_row(what: str, ours: float, baseline: float, target: float, fmt: str = "{:.0f}") -> Row:
    ratio = ours / baseline if baseline else 0.0
    return Row(what, fmt.format(ours), fmt.format(baseline), f"{ratio:.2f}", f"≥ {target}", ratio >= target)


def rows_for(local: InProcess | None, served: HttpResults | None, cold: tuple[float, float] | None) -> list[Row]:
    """The table's rows for the sections that ran; ``cold`` is (ours, minimal) median seconds."""
    rows: list[Row] = []
    if local is not None:
        rows.append(_ratio_row("1. in process, requests/s", local.ours_rps, local.minimal_rps, IN_PROCESS_RATIO))
    if served is not None:
        ours, minimal, constant = (served.runs[k].best for k in ("ours", "minimal", "constant"))
        on, off = served.runs["verify_on"].best, served.runs["verify_off"].best
        assert ours and minimal and constant and on and off
        rows += [
            _ratio_row("2. HTTP, requests/s", ours.rps, minimal.rps, HTTP_RATIO),
            Row("2. HTTP, p50 ms", f"{ours.p50_ms:.1f}", f"{minimal.p50_ms:.1f}"),
            Row("2. HTTP, p99 ms", f"{ours.p99_ms:.1f}", f"{minimal.p99_ms:.1f}", "", f"< {HTTP_P99_MS:g} ms",
                ours.p99_ms < HTTP_P99_MS),
            Row("2. context: bare Flask constant, requests/s · p50 · p99 ms", "",
                f"{constant.rps:.0f} · {constant.p50_ms:.1f} · {constant.p99_ms:.1f}"),
            _ratio_row("3. signed, verification on / off, requests/s", on.rps, off.rps, VERIFY_RATIO),
            Row("3. signed, verification on / off, p99 ms", f"{on.p99_ms:.1f}", f"{off.p99_ms:.1f}"),
            Row("4. peak RSS of a server worker (VmHWM), MiB", f"{served.peak_mib['ours']:.1f}",
                f"{served.peak_mib['minimal']:.1f}", f"{served.peak_mib['ours'] / served.peak_mib['minimal']:.2f}"),
        ]
    if cold is not None:
        from benchmarks.cold_start import TARGET_RATIO

        ours_s, minimal_s = cold
        rows.append(Row("4. cold start to first answer, median ms", f"{ours_s * 1000:.0f}", f"{minimal_s * 1000:.0f}",
                        f"{ours_s / minimal_s:.2f}", f"≤ {TARGET_RATIO}", ours_s / minimal_s <= TARGET_RATIO))
    if served is not None and served.slow is not None:
        slow = served.slow
        headers = slow.slow_connections // 2
        rows.append(Row(f"5. slow clients ({headers} trickling headers, {slow.slow_connections - headers} a body, "
                        f"{slow.seconds:g} s): signed requests answered · late or failed · slowest ms",
                        f"{slow.answered} · {slow.late} · {slow.max_ms:.0f}", "", "",
                        f"all within {ANSWER_WITHIN_S:g} s", slow.answered > 0 and slow.late == 0))
    return rows


def report(
    args: argparse.Namespace, local: InProcess | None, served: HttpResults | None, cold: tuple[float, float] | None
) -> tuple[str, bool]:
    """The whole report, and whether every target was met without a failed request."""
    rows = rows_for(local, served, cold)
    lines = [f"Machine: {machine()}."]
    if served is not None:
        client = "wrk, 1 thread" if served.tool == "wrk" else "a Python thread client, itself a load on the 2 cores"
        lines.append(f"HTTP: {client}, {args.connections} connections, "
                     f"gunicorn {args.workers} {worker_name()} workers, "
                     f"best of {args.rounds} runs of {args.seconds:g} s each.")
    lines += ["", render(rows), "", BASELINES]
    if local is not None:
        lines.append(f"Where a web request's time goes, in process, µs per request: our skill (`handle_envelope`) "
                     f"{1e6 / local.ours_rps:.0f}; the one-handler skill {1e6 / local.minimal_rps:.0f}; "
                     f"`read_envelope` (json.loads and the request envelope schema check) "
                     f"{local.schema_us:.0f}; verification with a warm certificate cache {local.verify_us:.0f}.")
    failed = {key: m.errors for key, m in (served.runs.items() if served else []) if m.errors}
    if failed:
        lines.append(f"ERRORS during the runs (figures not valid): {failed}")
    targets = [row.met for row in rows if row.met is not None]
    lines.append(f"Targets met: {sum(targets)} of {len(targets)}.")
    return "\n".join(lines), all(targets) and not failed
