"""Cold start: time from a fresh interpreter to the first answered request.

Compares our ``lambda_handler`` with a minimal ask-sdk-core skill that has one
LaunchRequest handler. Both run from the same unpacked Lambda bundle (built by
``skill.packaging``, the minimal skill copied in beside ours), with the same
interpreter flags, on the same LaunchRequest, alternating run by run.

By default the bundle has no ``__pycache__`` and ``-B`` keeps it that way, as on
Lambda, where /var/task is read-only and every cold start compiles the bundle's
modules from source. ``--bytecode`` measures with a warm bytecode cache instead.
Each child first imports what Lambda's Python runtime has already imported
when it loads a handler (json, logging, traceback, ...), so both pay for those
alike; ``--no-runtime-imports`` leaves that out.

    .venv/bin/python -m benchmarks.cold_start [--runs 15] [--bytecode] [--bundle ZIP]

Wall time decides the ratio; child CPU time is shown too, as it suffers less
from other work on a busy machine.

Prints a markdown table; exits 1 if the median ratio is over the target.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from skill import markdown
from skill.simulator import request_builder

TARGET_RATIO = 1.3
SKILL_ID = request_builder.DEFAULT_SKILL_ID

MINIMAL_SKILL = '''\
"""The smallest useful ask-sdk-core skill: one LaunchRequest handler."""
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Welcome.").ask("What now?").response


builder = SkillBuilder()
builder.add_request_handler(LaunchHandler())
lambda_handler = builder.lambda_handler()
'''

# The modules awslambdaric's bootstrap imports before it loads the handler.
RUNTIME_IMPORTS = "import json, logging, os, site, time, traceback, warnings\n"

# What each fresh interpreter runs: import the handler module, answer one event.
CHILD = """\
import json, sys
sys.path.insert(0, sys.argv[1])
import {module} as function
response = function.lambda_handler(json.loads(sys.argv[2]), None)
sys.stdout.write(json.dumps(response) + "\\n")
sys.stdout.flush()
"""


@dataclass(frozen=True)
class Subject:
    label: str
    module: str


SUBJECTS = (
    Subject("minimal ask-sdk-core skill (1 handler)", "minimal_function"),
    Subject("Leg Cramp Guide `lambda_handler`", "lambda_function"),
)


def unpack(bundle: Path | None, workdir: Path) -> Path:
    """The bundle unpacked, with the minimal skill beside lambda_function.py."""
    if bundle is None:
        from skill.packaging import build_bundle

        bundle = build_bundle(workdir / "skill-lambda.zip").path
    folder = workdir / "task"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(folder)
    (folder / "minimal_function.py").write_text(MINIMAL_SKILL, encoding="utf-8")
    return folder


def interpreter_flags(bytecode: bool) -> list[str]:
    # -I -S: only the folder and the standard library; -B: no bytecode written.
    return ["-I", "-S"] if bytecode else ["-I", "-S", "-B"]


@dataclass(frozen=True)
class Setup:
    flags: list[str]
    runtime_imports: bool

    def child(self, module: str) -> str:
        return (RUNTIME_IMPORTS if self.runtime_imports else "") + CHILD.format(module=module)


@dataclass
class Times:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def first_answer(folder: Path, module: str, setup: Setup) -> tuple[float, float]:
    """Wall time from starting the interpreter to reading its first response,
    and the child's CPU time (user + system, to its exit)."""
    event = json.dumps(request_builder.envelope(request_builder.launch_request()))
    command = [sys.executable, *setup.flags, "-c", setup.child(module), str(folder), event]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={"ALEXA_SKILL_ID": SKILL_ID}
    ) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        elapsed = time.perf_counter() - started
        _, errors = child.communicate()
    if child.returncode != 0 or '"outputSpeech"' not in line:
        raise RuntimeError(f"{module} did not answer: {errors.strip()}")
    return elapsed, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(folder: Path, runs: int, setup: Setup) -> dict[str, Times]:
    """Seconds per run for each subject, alternating subjects so drift hits both."""
    for subject in SUBJECTS:  # warm-up: the OS file cache, and the bytecode cache if kept
        first_answer(folder, subject.module, setup)
    times = {subject.module: Times() for subject in SUBJECTS}
    for _ in range(runs):
        for subject in SUBJECTS:
            wall, cpu = first_answer(folder, subject.module, setup)
            times[subject.module].wall.append(wall)
            times[subject.module].cpu.append(cpu)
    return times


def p90(values: list[float]) -> float:
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def report(times: dict[str, Times], setup: Setup) -> tuple[str, float]:
    """A markdown table, and our median wall time over the minimal skill's."""
    baseline, ours = (times[subject.module] for subject in SUBJECTS)
    ratio = statistics.median(ours.wall) / statistics.median(baseline.wall)
    imports = "with" if setup.runtime_imports else "without"
    rows = []
    for subject in SUBJECTS:
        run = times[subject.module]
        wall, cpu = statistics.median(run.wall), statistics.median(run.cpu)
        rows.append((subject.label, _ms(wall), _ms(p90(run.wall)), _ms(cpu)))
    rows.append((
        "**ratio**", f"**{ratio:.2f}**", f"{p90(ours.wall) / p90(baseline.wall):.2f}",
        f"{statistics.median(ours.cpu) / statistics.median(baseline.cpu):.2f}",
    ))
    lines = [
        f"Python {sys.version.split()[0]}, `python {' '.join(setup.flags)}`, {imports} the runtime's imports, "
        f"{len(ours.wall)} runs each",
        "",
        markdown.table(("handler", "median ms", "p90 ms", "CPU median ms"), rows, right=(1, 2, 3)),
        "",
        f"target: median ratio at most {TARGET_RATIO}",
    ]
    return "\n".join(lines), ratio


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per handler (default 15)")
    parser.add_argument("--bytecode", action="store_true", help="let the bundle keep a bytecode cache")
    parser.add_argument("--no-runtime-imports", action="store_true", help="do not preload the runtime's imports")
    parser.add_argument("--bundle", type=Path, help="an existing skill-lambda.zip (default: build one)")
    args = parser.parse_args(argv)
    setup = Setup(interpreter_flags(args.bytecode), runtime_imports=not args.no_runtime_imports)
    with tempfile.TemporaryDirectory() as workdir:
        folder = unpack(args.bundle, Path(workdir))
        table, ratio = report(measure(folder, args.runs, setup), setup)
    print(table)
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
