"""A broken-on-purpose copy of the skill package and the content, and the lines validate prints.

A test copies interaction_model/ and skill/content/ into a temporary folder
laid out like the repository, breaks one thing, and looks for the exact line
``python -m skill validate`` would print: ``file: field: message``, the field
a dotted name such as ``interactionModel.languageModel.intents[3].samples[26]``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

from skill.content import CONTENT_DIR, SUPPORTED_LOCALES
from skill.handlers import INTENT_ANSWERS
from skill.model import model_path
from skill.model.validation import validate_package
from skill.paths import PACKAGE_DIR

LM = "interactionModel.languageModel"
LISTINGS = "manifest.publishingInformation.locales"
MODEL = "interaction_model/interactionModels/custom/{}.json"
MANIFEST = "interaction_model/skill.json"
ALL_LOCALES = ", ".join(sorted(SUPPORTED_LOCALES))
# Intent indexes in the generated models.
CAUSES, CAUSE_DETAIL, ABOUT_SPASMS, PREVENTION, SEE_DOCTOR = 0, 1, 2, 3, 4
_EN_US = json.loads(model_path(PACKAGE_DIR, "en-US").read_text())["interactionModel"]["languageModel"]
# Where a sample appended to CausesIntent, or a synonym to the second cause, lands.
APPENDED_SAMPLE = len(_EN_US["intents"][CAUSES]["samples"])
APPENDED_SYNONYM = len(_EN_US["types"][0]["values"][1]["name"]["synonyms"])
# What ``python -m skill validate`` passes as the handled intents.
HANDLED = tuple(INTENT_ANSWERS)
Json = dict[str, Any]


class Copy:
    """A broken-on-purpose copy of the skill package and the content."""

    def __init__(self, root: Path) -> None:
        self.package = root / "interaction_model"
        self.content = root / "skill" / "content"
        shutil.copytree(PACKAGE_DIR, self.package)
        shutil.copytree(CONTENT_DIR, self.content, ignore=shutil.ignore_patterns("*.py", "__pycache__"))

    def edit(self, path: Path, change: Callable[[Json], Any]) -> None:
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data, indent=2))

    def edit_models(self, change: Callable[[Json], Any], locales: Iterable[str] = SUPPORTED_LOCALES) -> None:
        """Change the languageModel of some locales (all by default, so they still agree)."""
        for locale in locales:
            self.edit(model_path(self.package, locale), lambda data: change(data["interactionModel"]["languageModel"]))

    def edit_manifest(self, change: Callable[[Json], Any]) -> None:
        self.edit(self.package / "skill.json", lambda data: change(data["manifest"]))

    def edit_listings(self, change: Callable[[Json], Any]) -> None:
        self.edit_manifest(lambda m: [change(listing) for listing in m["publishingInformation"]["locales"].values()])

    def edit_content(self, name: str, change: Callable[[Json], Any]) -> None:
        self.edit(self.content / name, change)

    def messages(self, handled_intents: Collection[str] | None = HANDLED) -> list[str]:
        """The lines ``validate`` prints for the copy, handlers as the skill's by default."""
        problems = validate_package(self.package, content_dir=self.content, handled_intents=handled_intents)
        return [str(problem) for problem in problems]


def intent(lm: Json, index: int) -> Json:
    return lm["intents"][index]


def in_every_locale(line: str) -> list[str]:
    """The same problem, printed once for each locale's model file."""
    return [line.format(file=MODEL.format(locale)) for locale in sorted(SUPPORTED_LOCALES)]
