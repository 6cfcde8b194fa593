"""scripts/bootstrap, the first command a new developer runs, and the pins it installs."""

from __future__ import annotations

import ast
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from skill.paths import LAMBDA_DIR, REPO_ROOT, SKILL_DIR

BOOTSTRAP = REPO_ROOT / "scripts" / "bootstrap"


@pytest.mark.slow  # a subprocess
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


@pytest.mark.slow  # a subprocess
def test_bootstrap_names_an_interpreter_that_is_not_there(tmp_path):
    missing = tmp_path / "no-such-python"
    result = subprocess.run(
        ["bash", str(BOOTSTRAP)], env={"PATH": "/usr/bin:/bin", "PYTHON": str(missing)},
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 1
    assert f"{missing} is not a Python interpreter" in result.stderr


# The pinned dependencies ------------------------------------------------------------


def pins(path: Path) -> dict[str, str]:
    """name (canonical) -> version of each ``name==version`` line."""
    result = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not pinned"
            result[canonicalize_name(name)] = version
    return result


def pulled_in(names: set[str]) -> set[str]:
    """The names and everything they require, by the installed packages' metadata."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def imported_distributions(*folders: Path) -> set[str]:
    """The installed distributions whose modules the code in ``folders`` imports."""
    top_level = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    top_level.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    top_level.add(node.module.split(".")[0])
    providers = metadata.packages_distributions()
    return {canonicalize_name(dist) for module in top_level for dist in providers.get(module, [])}


def test_every_package_the_code_imports_is_a_pinned_requirement():
    missing = imported_distributions(SKILL_DIR, LAMBDA_DIR) - set(pins(REPO_ROOT / "requirements.txt"))
    assert not missing, f"imported but not in requirements.txt: {sorted(missing)}"


def test_constraints_pin_everything_the_requirements_pull_in_at_the_tested_versions():
    constraints = pins(REPO_ROOT / "constraints.txt")
    required = {**pins(REPO_ROOT / "requirements.txt"), **pins(REPO_ROOT / "requirements-dev.txt")}
    needed = pulled_in(set(required))
    assert needed - set(constraints) == set(), "refresh constraints.txt from pip freeze"
    assert set(constraints) - needed == set(), "constraints.txt pins a package nothing requires"
    for name, version in {**required, **pins(LAMBDA_DIR / "requirements.txt")}.items():
        assert constraints[name] == version, f"{name}: {version} here, {constraints[name]} in constraints.txt"
    for name, version in constraints.items():
        assert metadata.version(name) == version, f"{name}: {metadata.version(name)} installed"


def test_bootstrap_installs_with_the_constraints():
    assert "-r requirements-dev.txt -c constraints.txt" in BOOTSTRAP.read_text()
