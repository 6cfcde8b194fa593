"""Exact matching of spoken phrases against the samples of an interaction model.

A phrase matches a sample when it says the sample word for word, ignoring
case and punctuation, with each ``{slot}`` said as one of the slot's value
names or synonyms. Nothing fuzzy: the checks that use this must not pass a
phrase that Alexa might not resolve. (The simulator does its own, looser
matching of what a person types.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from skill.content import normalise_phrase

SLOT = re.compile(r"\{(\w+)\}")
# A phrase the skill suggests people say (in the content, in a listing) is written in double quotes.
QUOTED = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class Match:
    intent: str
    sample: str


def sample_pattern(sample: str, slot_values: Mapping[str, Iterable[str]]) -> re.Pattern[str] | None:
    """A regex over normalised phrases for one sample; None if a slot has no values."""
    used = set(SLOT.findall(sample))
    return _pattern(sample, tuple(sorted((name, tuple(slot_values.get(name, ()))) for name in used)))


# Lints match every sample against every other, so each pattern is built once.
@lru_cache(maxsize=4096)
def _pattern(sample: str, slot_values: tuple[tuple[str, tuple[str, ...]], ...]) -> re.Pattern[str] | None:
    values_of = dict(slot_values)
    parts: list[str] = []
    for index, piece in enumerate(SLOT.split(sample)):
        if index % 2:  # re.split puts each captured slot name at an odd index
            values = sorted({normalise_phrase(value) for value in values_of[piece]} - {""}, key=len, reverse=True)
            if not values:
                return None
            parts.append("(?:" + "|".join(re.escape(value) for value in values) + ")")
        elif normalised := normalise_phrase(piece):
            parts.append(re.escape(normalised))
    return re.compile(" ".join(parts))


def compiled_samples(
    samples: Iterable[str], slot_values: Mapping[str, Iterable[str]]
) -> list[tuple[str, re.Pattern[str]]]:
    """Each sample that can match a phrase, with its pattern."""
    compiled = ((sample, sample_pattern(sample, slot_values)) for sample in samples)
    return [(sample, pattern) for sample, pattern in compiled if pattern is not None]


def matches_sample(phrase: str, samples: Iterable[str], slot_values: Mapping[str, Iterable[str]]) -> str | None:
    """The first sample that ``phrase`` says word for word, or None."""
    return _first(normalise_phrase(phrase), compiled_samples(samples, slot_values))


def _first(spoken: str, compiled: Iterable[tuple[str, re.Pattern[str]]]) -> str | None:
    return next((sample for sample, pattern in compiled if pattern.fullmatch(spoken)), None)


def slot_values(language_model: Mapping[str, Any], intent: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each slot of ``intent`` with the value names and synonyms of its custom type."""
    types = {slot_type.get("name"): slot_type for slot_type in language_model.get("types", [])}
    values: dict[str, list[str]] = {}
    for slot in intent.get("slots", []):
        slot_type = types.get(slot.get("type"), {})
        values[slot.get("name", "")] = [
            word
            for value in slot_type.get("values", [])
            for word in (value["name"]["value"], *value["name"].get("synonyms", []))
        ]
    return values


class ModelMatcher:
    """The samples of every intent of one ``languageModel``, compiled once to match many phrases."""

    def __init__(self, language_model: Mapping[str, Any]) -> None:
        self._intents = [
            (intent["name"], compiled_samples(intent.get("samples", []), slot_values(language_model, intent)))
            for intent in language_model.get("intents", [])
        ]

    def match(self, phrase: str) -> list[Match]:
        """Each intent with a sample that ``phrase`` says, and the first such sample."""
        spoken = normalise_phrase(phrase)
        found = ((name, _first(spoken, compiled)) for name, compiled in self._intents)
        return [Match(name, sample) for name, sample in found if sample is not None]


def phrase_problem(phrase: str, matcher: ModelMatcher) -> str | None:
    """Why a phrase people are told to say would fail: no intent says it, or several do."""
    intents = sorted(match.intent for match in matcher.match(phrase))
    if not intents:
        return "no sample matches"
    if len(intents) > 1:
        return f"samples of several intents match ({', '.join(intents)})"
    return None


def match_model(phrase: str, language_model: Mapping[str, Any]) -> list[Match]:
    """Every intent of a model's ``languageModel`` with a sample that ``phrase`` says."""
    return ModelMatcher(language_model).match(phrase)
