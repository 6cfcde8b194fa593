"""A broken-on-purpose copy of the skill package and the content, and the lines validate prints.

A test copies interaction_model/ and skill/content/ into a temporary folder
laid out like the repository, breaks one thing, and looks for the exact line
``python -m skill validate`` would print: ``file: field: message``, the field
a dotted name such as ``interactionModel.languageModel.intents[3].samples[26]``.
The indexes in an expected line are looked up in the generated models, never
written down: samples, synonyms and intents keep being added.
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
from skill.model.matching import match_model
from skill.model.validation import validate_package
from skill.paths import PACKAGE_DIR

LM = "interactionModel.languageModel"
LISTINGS = "manifest.publishingInformation.locales"
MODEL = "interaction_model/interactionModels/custom/{}.json"
MANIFEST = "interaction_model/skill.json"
ALL_LOCALES = ", ".join(sorted(SUPPORTED_LOCALES))
# The generated en-US model (the locales agree), read once, to look up where things sit.
_EN_US = json.loads(model_path(PACKAGE_DIR, "en-US").read_text())["interactionModel"]["languageModel"]
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

    def language_model(self, locale: str) -> Json:
        """The copy's languageModel of one locale, as it is now."""
        model: Json = json.loads(model_path(self.package, locale).read_text())["interactionModel"]["languageModel"]
        return model

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


def intent(lm: Json, name: str) -> Json:
    """An intent of a language model, by name."""
    return next(item for item in lm["intents"] if item["name"] == name)


def intent_index(name: str) -> int:
    """Where an intent sits in the generated models."""
    return next(i for i, item in enumerate(_EN_US["intents"]) if item["name"] == name)


def appended_sample(name: str) -> int:
    """Where a sample appended to an intent lands."""
    return len(_EN_US["intents"][intent_index(name)]["samples"])


def type_index(name: str) -> int:
    """Where a slot type sits in the generated models."""
    return next(t for t, item in enumerate(_EN_US["types"]) if item["name"] == name)


def value_index(type_name: str, value_id: str) -> int:
    """Where a slot value sits in its type."""
    values = _EN_US["types"][type_index(type_name)]["values"]
    return next(v for v, value in enumerate(values) if value["id"] == value_id)


def synonyms(lm: Json, type_name: str, value_id: str) -> list[str]:
    """The synonyms of one slot value of a language model, to read or change."""
    slot_type = next(item for item in lm["types"] if item["name"] == type_name)
    value = next(item for item in slot_type["values"] if item["id"] == value_id)
    result: list[str] = value["name"]["synonyms"]
    return result


def synonym_index(type_name: str, value_id: str, synonym: str) -> int:
    """Where a synonym sits among its value's synonyms in the generated models."""
    return synonyms(_EN_US, type_name, value_id).index(synonym)


def appended_synonym(type_name: str, value_id: str) -> int:
    """Where a synonym appended to a value lands."""
    return len(synonyms(_EN_US, type_name, value_id))


def sample_field(name: str, index: int | None = None) -> str:
    """The dotted field of an intent's sample; without an index, of a sample appended to it."""
    where = appended_sample(name) if index is None else index
    return f"{LM}.intents[{intent_index(name)}].samples[{where}]"


def says_nothing(phrase: str) -> bool:
    """No sample of the generated models matches the phrase: a safe example of one to add."""
    return match_model(phrase, _EN_US) == []


def in_every_locale(line: str) -> list[str]:
    """The same problem, printed once for each locale's model file."""
    return [line.format(file=MODEL.format(locale)) for locale in sorted(SUPPORTED_LOCALES)]
