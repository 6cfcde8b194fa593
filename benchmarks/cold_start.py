"""Cold start: time from a fresh interpreter to the first answered request.

Compares our ``lambda_handler`` with a minimal ask-sdk-core skill that has one
LaunchRequest handler. Both run from the same unpacked Lambda bundle (built by
``skill.packaging``, the minimal skill copied in beside ours), with the same
interpreter flags, on the same LaunchRequest, alternating run by run.

Each child runs as on Lambda: ``AWS_LAMBDA_FUNCTION_NAME`` and ``LOG_LEVEL=INFO``
set, so our handler writes its JSON log line and EMF record (skill.telemetry) to
stdout before the response, as it does there. By default the bundle has no
``__pycache__`` and ``-B`` keeps it that way, as on Lambda, where /var/task is
read-only and every cold start compiles the bundle's modules from source.
``--bytecode`` builds the bundle as ``package --bytecode`` does, for this
interpreter, and compiles the minimal skill alike. Each child first imports
what Lambda's Python runtime has already imported when it loads a handler
(json, logging, traceback, ...), so all pay for those alike;
``--no-runtime-imports`` leaves that out. ``--powertools`` adds a third
handler: ours with AWS Lambda Powertools' Logger and Metrics imported and
created first, what using them instead of skill.telemetry would add.

    .venv/bin/python -m benchmarks.cold_start [--runs 15] [--bytecode] [--powertools] [--bundle ZIP]

Wall time decides the ratio; child CPU time is shown too, as it suffers less
from other work on a busy machine.

Prints a markdown table; exits 1 if the median ratio is over the target.
"""

from __future__ import annotations

import argparse
import compileall
import json
import py_compile
import resource
import shutil
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

# Powertools and what it pulls in, pinned; installed by --powertools into build/.
POWERTOOLS = ("aws-lambda-powertools==3.37.0", "jmespath==1.1.0", "typing_extensions==4.16.0")
POWERTOOLS_FUNCTION = '''\
"""Our handler, with Powertools' structured Logger and EMF Metrics made at init."""
from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="leg-cramp-guide")
metrics = Metrics(namespace="LegCrampGuide", service="leg-cramp-guide")

from lambda_function import lambda_handler  # noqa: E402
'''

# What Lambda sets for every function (lambda_function configures its logging by it).
LAMBDA_ENV = {"AWS_LAMBDA_FUNCTION_NAME": "cold-start-benchmark", "LOG_LEVEL": "INFO", "ALEXA_SKILL_ID": SKILL_ID}

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
    Subject("Leg Cramp Guide `lambda_handler`, JSON logs and EMF metrics", "lambda_function"),
)
WITH_POWERTOOLS = Subject("the same, with Powertools Logger and Metrics made at init", "powertools_function")


def unpack(bundle: Path | None, workdir: Path, bytecode: bool = False, powertools: bool = False) -> Path:
    """The bundle unpacked, with the minimal skill (and the Powertools variant) beside lambda_function.py."""
    if bundle is None:
        from skill.packaging import build_bundle

        python = Path(sys.executable) if bytecode else None
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        bundle = build_bundle(workdir / "skill-lambda.zip", bytecode=python, bytecode_version=version).path
    folder = workdir / "task"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(folder)
    (folder / "minimal_function.py").write_text(MINIMAL_SKILL, encoding="utf-8")
    if powertools:
        shutil.copytree(_powertools(), folder, dirs_exist_ok=True)
        (folder / "powertools_function.py").write_text(POWERTOOLS_FUNCTION, encoding="utf-8")
    if bytecode:  # what the bundle did not bring compiled, compiled the way `package --bytecode` does
        compileall.compile_dir(
            folder, quiet=1, workers=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
        )
    return folder


def _powertools() -> Path:
    """Powertools installed as pure-Python wheels under build/, once."""
    from skill.packaging import _pip
    from skill.paths import BUILD_DIR

    target = BUILD_DIR / "powertools" / POWERTOOLS[0].split("==")[1]
    if not (target / "aws_lambda_powertools").is_dir():
        _pip("install", "--target", str(target), "--no-compile", "--no-deps", "--only-binary=:all:", *POWERTOOLS)
    return target


def interpreter_flags(bytecode: bool = False) -> list[str]:
    # -I -S: only the folder and the standard library; -B: no bytecode written,
    # so without shipped bytecode every run compiles every module, as on Lambda;
    # the same flags either way (shipped bytecode is read, never written).
    return ["-I", "-S", "-B"]


@dataclass(frozen=True)
class Setup:
    flags: list[str]
    runtime_imports: bool
    bytecode: bool = False
    subjects: tuple[Subject, ...] = SUBJECTS

    def child(self, module: str) -> str:
        return (RUNTIME_IMPORTS if self.runtime_imports else "") + CHILD.format(module=module)


@dataclass
class Times:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def first_answer(folder: Path, module: str, setup: Setup) -> tuple[float, float]:
    """Wall time from starting the interpreter to reading its first response
    (after any log lines before it), and the child's CPU time (user + system, to its exit)."""
    event = json.dumps(request_builder.envelope(request_builder.launch_request()))
    command = [sys.executable, *setup.flags, "-c", setup.child(module), str(folder), event]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=LAMBDA_ENV
    ) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        while line and '"response"' not in line:  # the log lines our handler writes first
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
    for subject in setup.subjects:  # warm-up: the OS file cache
        first_answer(folder, subject.module, setup)
    times = {subject.module: Times() for subject in setup.subjects}
    for _ in range(runs):
        for subject in setup.subjects:
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
    for subject in setup.subjects:
        run = times[subject.module]
        wall, cpu = statistics.median(run.wall), statistics.median(run.cpu)
        rows.append((subject.label, _ms(wall), _ms(p90(run.wall)), _ms(cpu)))
    for subject in setup.subjects[1:]:
        run = times[subject.module]
        rows.append((
            f"**ratio**{'' if subject == SUBJECTS[1] else ' (Powertools)'}",
            f"**{statistics.median(run.wall) / statistics.median(baseline.wall):.2f}**",
            f"{p90(run.wall) / p90(baseline.wall):.2f}",
            f"{statistics.median(run.cpu) / statistics.median(baseline.cpu):.2f}",
        ))  # fmt: skip
    bytecode = "bytecode shipped" if setup.bytecode else "no bytecode"
    lines = [
        f"Python {sys.version.split()[0]}, `python {' '.join(setup.flags)}`, {bytecode}, {imports} the runtime's "
        f"imports, {len(ours.wall)} runs each",
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
    parser.add_argument("--bytecode", action="store_true", help="ship bytecode, as `package --bytecode` does")
    parser.add_argument("--powertools", action="store_true", help="also time Powertools' Logger and Metrics")
    parser.add_argument("--no-runtime-imports", action="store_true", help="do not preload the runtime's imports")
    parser.add_argument("--bundle", type=Path, help="an existing skill-lambda.zip (default: build one)")
    args = parser.parse_args(argv)
    subjects = (*SUBJECTS, WITH_POWERTOOLS) if args.powertools else SUBJECTS
    setup = Setup(interpreter_flags(args.bytecode), not args.no_runtime_imports, args.bytecode, subjects)
    with tempfile.TemporaryDirectory() as workdir:
        folder = unpack(args.bundle, Path(workdir), bytecode=args.bytecode, powertools=args.powertools)
        table, ratio = report(measure(folder, args.runs, setup), setup)
    print(table)
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
