"""scripts/bootstrap: the first command a new developer runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOTSTRAP = ROOT / "scripts" / "bootstrap"


def test_bootstrap_refuses_a_python_older_than_3_11_in_one_line(tmp_path):
    old_python = tmp_path / "python3.10"
    old_python.write_text("#!/bin/sh\necho 3.10\n")  # answers like `python3.10 -c ...` would
    old_python.chmod(0o755)
    result = subprocess.run(
        ["bash", str(BOOTSTRAP)], env={"PATH": "/usr/bin:/bin", "PYTHON": str(old_python)},
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"bootstrap: needs Python 3.11 or newer; {old_python} is 3.10 (choose one with PYTHON=/path/to/python3.11)"
    ]
    assert result.stdout == ""


def test_bootstrap_names_an_interpreter_that_is_not_there(tmp_path):
    missing = tmp_path / "no-such-python"
    result = subprocess.run(
        ["bash", str(BOOTSTRAP)], env={"PATH": "/usr/bin:/bin", "PYTHON": str(missing)},
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 1
    assert f"{missing} is not a Python interpreter" in result.stderr
