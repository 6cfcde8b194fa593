"""The Alexa skill package: interaction models, manifest, their source and checks.

``interaction_model/`` is the folder ``ask deploy`` uploads as it is, so the
one source of the models (``samples.yaml``) and the project's JSON Schemas
live here, beside the code that builds and checks the package:

- ``build``: writes every locale's model from ``samples.yaml`` and the content;
- ``matching``: does a spoken phrase match a sample of a model?
- ``validation``: ``validate_package``, behind ``python -m skill validate``, and its lints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.paths import PACKAGE_DIR, REPO_ROOT

MODEL_SOURCE_DIR = Path(__file__).resolve().parent

SAMPLES_PATH = MODEL_SOURCE_DIR / "samples.yaml"
MANIFEST_NAME = "skill.json"
MODELS_SUBDIR = Path("interactionModels") / "custom"

# The slot contract with skill.handlers: CauseDetailIntent's {cause} slot.
CAUSE_TYPE = "LEG_CRAMP_CAUSE"


def model_path(package_dir: Path, locale: str) -> Path:
    """Where the ASK CLI v2 layout keeps one locale's interaction model."""
    return package_dir / MODELS_SUBDIR / f"{locale}.json"


def model_locales(package_dir: Path) -> list[str]:
    """The locales that have a model file, sorted."""
    return sorted(path.stem for path in (package_dir / MODELS_SUBDIR).glob("*.json"))


def dump_json(data: Any) -> str:
    """The one JSON layout of generated files, so a rebuild leaves no diff."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
