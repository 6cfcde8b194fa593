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
    more: str


@dataclass(frozen=True)
class TopicAnswer:
    """A direct answer to one question, reached by its own intent."""

    key: str
    intent: str
    title: str
    pitch: str  # what it tells, as offered: "Would you like to know <pitch>?"
    text: str
    seek_care: bool = False
    offer: str | None = None  # an answer key, or "cause:<index>"


@dataclass(frozen=True)
class Term:
    """A slot value the content names: a topic, a symptom or a list position."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    related: str | None = None  # for a topic the source does not cover: the answer it does have
    index: int | None = None  # for a list position


TERM_LISTS = ("other_topics", "uncovered_topics", "symptoms", "list_positions")


class Content:
    """The spoken content of one locale, with lookups the handlers need."""

    def __init__(self, data: dict[str, Any], locale: str) -> None:
        self.locale = locale
        self.skill_name: str = data["skill_name"]
        self.emergency_number: str = data["emergency_number"]
        self.causes: tuple[Cause, ...] = tuple(
            Cause(**{**cause, "synonyms": tuple(cause["synonyms"])}) for cause in data["causes"]
        )
        self.answers: dict[str, TopicAnswer] = {
            key: TopicAnswer(key=key, **{field: value for field, value in entry.items() if field != "section"})
            for key, entry in data["answers"].items()
        }
        self.terms: dict[str, tuple[Term, ...]] = {
            kind: tuple(Term(**{**term, "synonyms": tuple(term["synonyms"])}) for term in data[kind])
            for kind in TERM_LISTS
        }
        self._messages: dict[str, dict[str, Any]] = data["messages"]
        self.screens: dict[str, str] = data["screens"]  # shown on screens only (skill.screens)
        # Every way of naming a cause, normalised once, for requests without entity resolution.
        self._cause_by_words = {
            normalise_phrase(name): index
            for index, cause in reversed(list(enumerate(self.causes)))
            for name in (cause.id.replace("_", " "), cause.name, *cause.synonyms)
        }
        self._term_by_words = {
            kind: {normalise_phrase(name): term for term in reversed(terms) for name in (term.name, *term.synonyms)}
            for kind, terms in self.terms.items()
        }

    def variants(self, key: str) -> tuple[str, ...]:
        """Every wording of a message; a plain string is a message with one."""
        text = self._messages[key]["text"]
        return (text,) if isinstance(text, str) else tuple(text)

    def text(self, key: str, **fields: str) -> str:
        return self.variants(key)[0].format(**fields)

    def message_keys(self) -> tuple[str, ...]:
        return tuple(self._messages)

    def question(self, key: str) -> str | None:
        return self._messages[key].get("question")

    def title(self, key: str) -> str | None:
        return self._messages[key].get("title")

    def cause_index(self, cause_id: str) -> int | None:
        return next((i for i, cause in enumerate(self.causes) if cause.id == cause_id), None)

    def term(self, kind: str, term_id: str) -> Term | None:
        return next((term for term in self.terms[kind] if term.id == term_id), None)

    def find_cause(self, words: str) -> int | None:
        """Match what a person said against cause names and synonyms.

        Alexa normally resolves the slot itself; this serves requests that
        carry no entity resolution, such as hand-made test events.
        """
        return self._cause_by_words.get(normalise_phrase(words))

    def find_term(self, kind: str, words: str) -> Term | None:
        """The same for a topic, symptom or list position."""
        return self._term_by_words[kind].get(normalise_phrase(words))


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
