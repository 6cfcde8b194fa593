"""Spoken content as data: one English base file plus small per-locale overrides.

Loading is pure standard library so the Lambda bundle needs no jsonschema;
``skill.content.validation`` checks the files wherever jsonschema is installed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CONTENT_DIR = Path(__file__).resolve().parent
BASE_LANGUAGE = "en"
SUPPORTED_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@dataclass(frozen=True)
class Cause:
    id: str
    name: str
    title: str
    section: str
    synonyms: tuple[str, ...]
    summary: str
    detail: str
    prevention: str


class Content:
    """The spoken content of one locale, with lookups the handlers need."""

    def __init__(self, data: dict[str, Any], locale: str) -> None:
        self.locale = locale
        self.skill_name: str = data["skill_name"]
        self.causes: tuple[Cause, ...] = tuple(
            Cause(**{**cause, "synonyms": tuple(cause["synonyms"])}) for cause in data["causes"]
        )
        self._messages: dict[str, dict[str, str]] = data["messages"]
        # Every way of naming a cause, normalised once, for requests without entity resolution.
        self._cause_by_words = {
            normalise_phrase(name): index
            for index, cause in reversed(list(enumerate(self.causes)))
            for name in (cause.id.replace("_", " "), cause.name, *cause.synonyms)
        }

    def text(self, key: str, **fields: str) -> str:
        return self._messages[key]["text"].format(**fields)

    def message_keys(self) -> tuple[str, ...]:
        return tuple(self._messages)

    def reprompt(self, key: str) -> str | None:
        return self._messages[key].get("reprompt")

    def title(self, key: str) -> str | None:
        return self._messages[key].get("title")

    def cause_index(self, cause_id: str) -> int | None:
        return next((i for i, cause in enumerate(self.causes) if cause.id == cause_id), None)

    def find_cause(self, words: str) -> int | None:
        """Match what a person said against cause names and synonyms.

        Alexa normally resolves the slot itself; this serves requests that
        carry no entity resolution, such as hand-made test events.
        """
        return self._cause_by_words.get(normalise_phrase(words))


def normalise_phrase(words: str) -> str:
    """A name or sample phrase as compared: its words only, lower case, one space apart."""
    return " ".join(_WORD.findall(words.lower()))



def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def content_files(locale: str, directory: Path = CONTENT_DIR) -> list[Path]:
    """The files that make up a locale's content, base first."""
    files = [directory / f"{BASE_LANGUAGE}.json"]
    override = directory / f"{locale}.json"
    if locale != BASE_LANGUAGE and override.is_file():
        files.append(override)
    return files


def resolve_locale(locale: str | None) -> str:
    """Map a request's locale to one we answer; anything unknown gets English."""
    if locale in SUPPORTED_LOCALES:
        return locale
    return "en-US"


def merged_data(locale: str, directory: Path = CONTENT_DIR) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path in content_files(locale, directory):
        data = deep_merge(data, json.loads(path.read_text(encoding="utf-8")))
    return data


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_content(locale: str | None) -> Content:
    """Content for a request locale, read from disk once per process."""
    return _load_resolved(resolve_locale(locale))


# Keyed by resolved locale so arbitrary request locales cannot grow the cache.
@lru_cache(maxsize=len(SUPPORTED_LOCALES))
def _load_resolved(locale: str) -> Content:
    return Content(merged_data(locale), locale)
