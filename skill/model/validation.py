"""Checks the skill package and the content: JSON Schemas first, then what a schema cannot say.

``validate_package(folder, handled_intents=...)`` returns every problem as a
``skill.jsonfiles.Problem``, printed as ``file: field: message`` with the file
relative to the folder's parent (the repository root) and the field a dotted
name, for example ``interaction_model/skill.json:
manifest.publishingInformation.locales.en-US.description: ...``. It walks,
in order: the content (``skill.content.validation``), each locale's model
(``model_lints``), the manifest (``manifest_lints``) and the phrases the
content suggests (``content_phrase_lints``).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from skill.content import CONTENT_DIR, SUPPORTED_LOCALES, Content, merged_data
from skill.content.validation import validate_content
from skill.jsonfiles import Problem, read_json
from skill.model import MANIFEST_NAME, PACKAGE_DIR, model_locales, model_path
from skill.model.content_phrase_lints import check_suggested_phrases
from skill.model.manifest_lints import check_manifest
from skill.model.model_lints import check_models
from skill.model.package_files import Checker, language_model


def validate_package(
    package_dir: Path = PACKAGE_DIR,
    *,
    content_dir: Path = CONTENT_DIR,
    handled_intents: Collection[str] | None = None,
) -> list[Problem]:
    """Every problem of the skill package in ``package_dir`` and of the content.

    ``handled_intents``, the intents the skill answers (``python -m skill
    validate`` passes ``skill.handlers.INTENT_ANSWERS``), must be exactly the
    models' intents; without them that lint is not run.
    """
    checker = Checker(package_dir.resolve(), content_dir.resolve())
    content_problems = validate_content(content_dir)
    for problem in content_problems:
        shown = checker.shown(checker.content_dir / problem.file)
        checker.record(Problem(shown, problem.field, problem.message))
    # The lints that read the content need it whole; its own problems come first.
    contents = None if content_problems else {locale: _content(locale, content_dir) for locale in SUPPORTED_LOCALES}

    models = check_models(checker, contents, handled_intents)
    manifest = checker.read(checker.package_dir / MANIFEST_NAME, "skill_manifest")
    if manifest is not None:
        check_manifest(checker, manifest, models)
    if contents is not None:
        check_suggested_phrases(checker, contents, models)
    return checker.problems


def package_summary(package_dir: Path = PACKAGE_DIR) -> str:
    """Locales, and the intents and samples of one locale's model (the locales agree)."""
    locales = model_locales(package_dir)
    path = model_path(package_dir, locales[0])
    model = language_model(read_json(path, str(path)))
    samples = sum(len(intent["samples"]) for intent in model["intents"])
    return f"{len(locales)} locales, {len(model['intents'])} intents, {samples} samples each"


def _content(locale: str, content_dir: Path) -> Content:
    return Content(merged_data(locale, content_dir), locale)
