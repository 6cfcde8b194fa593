"""Where things are in the checkout: the one definition of each location.

Standard library only, so anything (the simulator, packaging, the checks,
the benchmarks) can import it without loading ask-sdk.
"""

from __future__ import annotations

from pathlib import Path

SKILL_DIR = Path(__file__).resolve().parent
REPO_ROOT = SKILL_DIR.parent
# The skill package ``ask deploy`` uploads: manifest and interaction models.
PACKAGE_DIR = REPO_ROOT / "interaction_model"
LAMBDA_DIR = REPO_ROOT / "lambda"
LAMBDA_ENTRY = LAMBDA_DIR / "lambda_function.py"
BUILD_DIR = REPO_ROOT / "build"
DIST_DIR = REPO_ROOT / "dist"
