"""The command line as a whole: which commands it offers, wherever it runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from skill.model import REPO_ROOT


def commands_offered(folder: Path) -> subprocess.CompletedProcess:
    """`python -m skill --help` run from ``folder``, where ``skill`` is a link to this checkout's package."""
    (folder / "skill").symlink_to(REPO_ROOT / "skill", target_is_directory=True)
    return subprocess.run(
        [sys.executable, "-m", "skill", "--help"], cwd=folder, capture_output=True, text=True, timeout=60,
    )


def test_without_the_benchmarks_folder_the_cli_works_without_bench(tmp_path):
    result = commands_offered(tmp_path)  # as in an installed copy: skill/ alone
    assert result.returncode == 0, result.stderr
    assert "package" in result.stdout
    assert "bench" not in result.stdout


def test_a_broken_benchmarks_package_is_reported_not_hidden(tmp_path):
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "__init__.py").write_text("")
    (tmp_path / "benchmarks" / "options.py").write_text("import no_such_module_for_the_test\n")
    result = commands_offered(tmp_path)
    assert result.returncode != 0
    assert "No module named 'no_such_module_for_the_test'" in result.stderr


def test_bench_is_offered_in_the_repository():
    result = subprocess.run(
        [sys.executable, "-m", "skill", "--help"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert "bench" in result.stdout
