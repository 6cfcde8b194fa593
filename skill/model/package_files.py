"""The skill package's JSON files: read, checked against their schemas, problems recorded.

A ``Checker`` collects the problems of one package folder and the content
beside it, each naming its file relative to the folder's parent (the
repository root) and its field as a dotted name (``skill.jsonfiles``). The
lints in ``model_lints``, ``manifest_lints`` and ``content_phrase_lints`` add
theirs through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.jsonfiles import Problem, UnreadableJson, field_name, read_json
from skill.model import MODEL_SOURCE_DIR, REPO_ROOT
from skill.model.matching import ModelMatcher
from skill.schemas import schema_validator

# Where an interaction model file keeps what the lints read.
LANGUAGE_MODEL = ("interactionModel", "languageModel")


@dataclass(frozen=True)
class Document:
    """A JSON file of the package: where it is, how it is shown, what it holds."""

    path: Path
    shown: str
    data: Any


@dataclass(frozen=True)
class Model:
    """A locale's interaction model that fits the schema, ready for matching."""

    document: Document
    language_model: dict[str, Any]
    matcher: ModelMatcher


class Checker:
    """Collects problems for one package folder and the content beside it."""

    def __init__(self, package_dir: Path, content_dir: Path) -> None:
        self.package_dir = package_dir
        self.content_dir = content_dir
        self.root = package_dir.parent
        self.problems: list[Problem] = []

    def shown(self, path: Path) -> str:
        """``path`` relative to the package's parent, else to the repository, else in full."""
        for root in (self.root, REPO_ROOT):
            if path.is_relative_to(root):
                return str(path.relative_to(root))
        return str(path)

    def add(self, file: str, field: Iterable[Any], message: str) -> None:
        """Record a problem; ``field`` is the path of keys and indexes to it (empty: the whole file)."""
        self.record(Problem(file, field_name(field), message))

    def record(self, problem: Problem) -> None:
        """Keep ``problem`` unless it is already recorded."""
        if problem not in self.problems:
            self.problems.append(problem)

    def read(self, path: Path, schema_name: str) -> Document | None:
        """The file's JSON if it exists, parses and fits its schema; else record why not."""
        shown = self.shown(path)
        try:
            data = read_json(path, shown)
        except UnreadableJson as unreadable:
            self.record(unreadable.problem)
            return None
        validator = schema_validator(MODEL_SOURCE_DIR / f"{schema_name}.schema.json")
        errors = sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))
        for error in errors:
            self.add(shown, error.absolute_path, error.message)
        return None if errors else Document(path, shown, data)


def language_model(data: dict[str, Any]) -> dict[str, Any]:
    """The part of an interaction model file that says what people say."""
    model: dict[str, Any] = data[LANGUAGE_MODEL[0]][LANGUAGE_MODEL[1]]
    return model
