"""The phrases the content suggests people say are samples of each locale's model.

A phrase in double quotes in any text of the content (``"why do my legs
cramp"``) must reach exactly one intent of the model of every locale that
speaks it; ``{cause}`` in a phrase is said as each cause name. A problem
names the content file that gives the text to that locale: the locale's
override if it has the field, else the base file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from skill.content import Content, content_files, merged_data
from skill.jsonfiles import read_json
from skill.model.matching import QUOTED, phrase_problem
from skill.model.package_files import Checker, Model

Field = tuple[Any, ...]


def check_suggested_phrases(checker: Checker, contents: dict[str, Content], models: dict[str, Model]) -> None:
    """Each quoted phrase in each locale's content is a sample of that locale's model."""
    failures: dict[tuple[str, Field, str], list[str]] = defaultdict(list)
    for locale, model in models.items():
        data = merged_data(locale, checker.content_dir)
        for field, text in _strings(data):
            for quoted in QUOTED.findall(text):
                for phrase in _filled(quoted, contents.get(locale)):
                    message = phrase_problem(phrase, model.matcher)
                    if message:
                        file = checker.shown(_owner(locale, field, checker.content_dir))
                        failures[(file, field, f'suggests "{phrase}", which {message}')].append(locale)
    for (file, field, message), locales in failures.items():
        checker.add(file, field, f"{message} in {', '.join(locales)}")


def _filled(phrase: str, content: Content | None) -> list[str]:
    """A quoted phrase with {cause} said as each cause name."""
    if "{cause}" not in phrase or content is None:
        return [phrase]
    return [phrase.replace("{cause}", cause.name) for cause in content.causes]


def _strings(data: Any, field: Field = ()) -> Iterator[tuple[Field, str]]:
    """Every string in ``data``, with the path of keys and indexes to it."""
    if isinstance(data, str):
        yield field, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*field, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*field, index))


def _owner(locale: str, field: Field, content_dir: Path) -> Path:
    """The content file that gives ``field`` its text for ``locale``: the override if it has it."""
    files = content_files(locale, content_dir)
    for file in reversed(files):
        if _has(read_json(file, file.name), field):  # the content checks passed: every file reads
            return file
    return files[0]


def _has(data: Any, field: Iterable[Any]) -> bool:
    for step in field:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return False
    return True
