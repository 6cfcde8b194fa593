"""Checks the content files: their JSON Schema, then the speech-length rules.

Run by ``python -m skill validate``, the web service at start-up, the test
suite and the Lambda packaging step. Each problem names the file and field,
for example ``en.json: causes[2].summary: 'x' is too short``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from skill.content import (
    BASE_LANGUAGE,
    CONTENT_DIR,
    SUPPORTED_LOCALES,
    Content,
    deep_merge,
    word_count,
)
from skill.content.lengths import measure_answers
from skill.jsonfiles import Problem, UnreadableJson, field_name, read_json
from skill.schemas import schema_validator

__all__ = ["ContentError", "Problem", "check_content", "field_name", "validate_content"]

SCHEMA_PATH = CONTENT_DIR / "content.schema.json"

# A cause's line in the list of causes; the answers' limits are in skill.content.lengths.
MAX_SUMMARY_WORDS = 15
# An answer can be reached by a question it was not written for ("is it my heart" once heard
# "It can be."), so none opens with a verdict on the question.
VERDICT_OPENING = re.compile(r"(yes|no|yeah|yep|nope|it (can|could|may|might|does|is))\b", re.IGNORECASE)
# An offer's pitch follows other sentences ("My source doesn't cover children. Would you like to
# know what causes them?"), so it names its subject.
PRONOUN = re.compile(r"\b(them|they|it)\b", re.IGNORECASE)


class ContentError(ValueError):
    """Raised by ``check_content`` with every problem found, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def check_content(directory: Path = CONTENT_DIR) -> None:
    problems = validate_content(directory)
    if problems:
        raise ContentError(problems)


def validate_content(
    directory: Path = CONTENT_DIR, locales: Iterable[str] = SUPPORTED_LOCALES
) -> list[Problem]:
    """Every problem in the base file and each locale's merge with its override."""
    base_path = directory / f"{BASE_LANGUAGE}.json"
    base, problems = _read(base_path)
    if base is None:
        return problems
    seen: set[Problem] = set()
    for locale in locales:
        override_path = directory / f"{locale}.json"
        override: dict[str, Any] = {}
        if override_path.is_file():
            read, read_problems = _read(override_path)
            if read is None:
                problems += [p for p in read_problems if p not in seen]
                seen.update(read_problems)
                continue
            override = read
        for problem in _locale_problems(base_path.name, base, override_path.name, override):
            if problem not in seen:
                seen.add(problem)
                problems.append(problem)
    return problems


def _read(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The file's object, or None and why not; problems name the file relative to the content folder."""
    try:
        data = read_json(path, path.name)
    except UnreadableJson as error:
        return None, [error.problem]
    if not isinstance(data, dict):
        return None, [Problem(path.name, "", "must be a JSON object")]
    return data, []


def _locale_problems(
    base_name: str, base: dict[str, Any], override_name: str, override: dict[str, Any]
) -> Iterator[Problem]:
    for path in _unknown_paths(override, base):
        yield Problem(override_name, field_name(path), "overrides nothing in the base file")
    merged = deep_merge(base, override)

    def owner(path: list[Any]) -> str:
        return override_name if _has_path(override, path) else base_name

    errors = schema_validator(SCHEMA_PATH).iter_errors(merged)
    schema_errors = sorted(errors, key=lambda error: list(error.absolute_path))
    for error in schema_errors:
        path = list(error.absolute_path)
        # A missing key belongs in the base file, even where an override touches its parent.
        file = base_name if error.validator == "required" else owner(path)
        yield Problem(file, field_name(path), error.message)
    if schema_errors:
        return
    content = Content(merged, locale=override_name.removesuffix(".json"))
    for path, limit, words in _word_counts(content):
        if words > limit:
            yield Problem(owner(path), field_name(path), f"{words} words, at most {limit}")
    for path, problem in _wording_problems(content):
        yield Problem(owner(path), field_name(path), problem)


def _word_counts(content: Content) -> Iterator[tuple[list[Any], int, int]]:
    """(field, limit, words) for every answer the skill can compose, and every summary."""
    for index, cause in enumerate(content.causes):
        yield ["causes", index, "summary"], MAX_SUMMARY_WORDS, word_count(cause.summary)
    for measured in measure_answers(content):
        yield measured.field, measured.limit, measured.words


def _wording_problems(content: Content) -> Iterator[tuple[list[Any], str]]:
    """Answers that open with a verdict, and pitches that lean on a pronoun."""
    answers = content.answers.items()
    texts: list[tuple[list[Any], str]] = [(["answers", key, "text"], entry.text) for key, entry in answers]
    for index, cause in enumerate(content.causes):
        texts += [(["causes", index, "detail"], cause.detail), (["causes", index, "more"], cause.more)]
    for path, text in texts:
        opening = VERDICT_OPENING.match(text)
        if opening:
            reason = "a question it was not written for may reach it; lead with the fact"
            yield path, f"opens with {opening.group(0)!r}: {reason}"
    for key, entry in content.answers.items():
        pronoun = PRONOUN.search(entry.pitch)
        if pronoun:
            reason = "a pitch follows other sentences, so name the subject"
            yield ["answers", key, "pitch"], f"says {pronoun.group(0)!r}: {reason}"


def _unknown_paths(override: Any, base: Any, path: list[Any] | None = None) -> Iterator[list[Any]]:
    path = path or []
    if not isinstance(override, dict):
        return
    for key, value in override.items():
        if not isinstance(base, dict) or key not in base:
            yield path + [key]
        else:
            yield from _unknown_paths(value, base[key], path + [key])


def _has_path(data: Any, path: list[Any]) -> bool:
    for step in path:
        if isinstance(data, dict) and step in data:
            data = data[step]
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return False
    return True
