"""The command line as a whole: which commands it offers, wherever it runs, and
the benchmarks' own entry point beside it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from skill.paths import REPO_ROOT, SKILL_DIR

# The command-line contracts the README documents, in the order --help lists them.
DOCUMENTED_COMMANDS = ["invoke", "validate", "serve", "ask", "chat", "replay", "package"]

pytestmark = pytest.mark.slow  # each test starts an interpreter


def run(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def commands_listed(help_text: str) -> list[str]:
    """The commands in ``python -m skill --help``: the indented names under COMMAND."""
    return re.findall(r"^    (\S+) +\S", help_text, re.MULTILINE)


def test_the_cli_offers_the_documented_commands():
    result = run("-m", "skill", "--help")
    assert result.returncode == 0, result.stderr
    assert commands_listed(result.stdout) == DOCUMENTED_COMMANDS


def test_the_cli_works_from_the_package_alone(tmp_path):
    """As in an installed copy: skill/ without benchmarks/ or tests/ beside it."""
    (tmp_path / "skill").symlink_to(SKILL_DIR, target_is_directory=True)
    result = run("-m", "skill", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert commands_listed(result.stdout) == DOCUMENTED_COMMANDS


def test_the_cli_loads_neither_the_benchmarks_nor_itself_a_second_time():
    # -X importtime names every module imported through the import system; the
    # __main__ that runpy runs is not one of them unless something imports it again.
    result = run("-X", "importtime", "-m", "skill", "--help")
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "skill.cli.main" in imported  # the report is read right
    assert not {name for name in imported if name.split(".")[0] in ("benchmarks", "tests")}
    assert "skill.__main__" not in imported


def test_bench_has_moved_to_the_benchmarks_entry_point():
    assert run("-m", "skill", "bench").returncode == 2  # an unknown command
    result = run("-m", "benchmarks", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m benchmarks")
    for option in ("--rounds", "--seconds", "--skip", "--client", "--connections", "--workers", "--cold-runs"):
        assert option in result.stdout


@pytest.mark.parametrize("args, message", [
    (("serve", "--dev", "--port", "99999"), "must be a port from 1 to 65535: 99999"),
    (("serve", "--port", "-5"), "must be a port from 1 to 65535: -5"),
    (("ask", "why do my legs cramp", "--locale", "fr-FR"), "the skill speaks en-US, en-GB, en-CA, en-AU, en-IN"),
])
def test_an_option_out_of_range_is_refused_in_one_line(args, message):
    result = run("-m", "skill", *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_locale_is_taken_in_any_case_as_its_tag():
    result = run("-m", "skill", "ask", "should i go to a and e", "--locale", "en-gb")
    assert result.returncode == 0, result.stderr
    assert "9-9-9" in result.stdout  # en-GB's content, not a refusal or en-US's


def test_a_reader_that_leaves_early_gets_no_traceback():
    # As "python -m skill ask ... | head -1" does: the pipe closes after the first line.
    process = subprocess.Popen([sys.executable, "-m", "skill", "ask", "my leg is swollen and red"], cwd=REPO_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in errors and "BrokenPipe" not in errors


@pytest.mark.parametrize("command", [
    ["ask", "hi"], ["chat"], ["replay", "tests/dialogs/does-not-matter.yaml"],
], ids=["ask", "chat", "replay"])
def test_sign_without_url_is_refused_by_the_commands_own_parser(command, tmp_path):
    result = run("-m", "skill", *command, "--sign", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    name = command[0]
    # As argparse says a command's usage errors: that command's usage line, then its error line.
    assert result.stderr.startswith(f"usage: python -m skill {name} [-h]")
    assert result.stderr.endswith(f"\npython -m skill {name}: error: --sign goes with --url\n")
    assert list(tmp_path.iterdir()) == []  # nothing was signed or made
