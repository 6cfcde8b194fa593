"""The Alexa skill package: interaction models, manifest, their source and checks.

``interaction_model/`` is the folder ``ask deploy`` uploads as it is, so the
one source of the models (``samples.yaml``) and the project's JSON Schemas
live here, beside the code that builds and checks the package:

- ``build``: writes every locale's model from ``samples.yaml`` and the content;
- ``matching``: does a spoken phrase match a sample of a model, and reach one intent?
- ``validation``: ``validate_package``, behind ``python -m skill validate``: walks
  the content's checks and the lints below, in order;
- ``package_files``: reads the package's JSON files against their schemas
  (``interaction_model.schema.json``, ``skill_manifest.schema.json``) and
  collects the problems;
- ``model_lints``: Alexa's rules and the skill's contract for each locale's
  interaction model, and the locales agreeing;
- ``manifest_lints``: the manifest's listings against the models;
- ``content_phrase_lints``: the phrases the content suggests are samples.

No module here imports the skill's runtime (``skill.handlers``): the intents
the skill handles are an argument of ``validate_package``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.paths import PACKAGE_DIR, REPO_ROOT

__all__ = [
    "CAUSE_TYPE",
    "MANIFEST_NAME",
    "MODELS_SUBDIR",
    "MODEL_SOURCE_DIR",
    "PACKAGE_DIR",  # from skill.paths, for the modules that import it from here
    "REPO_ROOT",  # likewise
    "SAMPLES_PATH",
    "dump_json",
    "model_locales",
    "model_path",
]

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
