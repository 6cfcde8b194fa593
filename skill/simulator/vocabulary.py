"""The simulator's word lists, read once from the JSON files beside this module.

- ``vocabulary.json``: the words normalising and matching treat specially
  (fillers, contractions, function words, negations, invocation verbs...);
- ``equivalents.json``: words people use interchangeably, mapped to the one
  the samples use;
- ``builtin_samples.json``: what people say for Alexa's built-in intents.

In each file a key starting with ``_`` is a comment. Data only: the text
utilities stem what needs stemming.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent
VOCABULARY = DATA_DIR / "vocabulary.json"
EQUIVALENTS = DATA_DIR / "equivalents.json"
BUILTIN_SAMPLES = DATA_DIR / "builtin_samples.json"


@dataclass(frozen=True)
class Vocabulary:
    """The lists of ``vocabulary.json``; the file says what each is for."""

    fillers: frozenset[str]
    fillers_kept_after: Mapping[str, tuple[str, ...]]
    leading_fillers: frozenset[str]
    contractions: Mapping[str, str]
    irregular_plurals: Mapping[str, str]
    stem_exceptions: Mapping[str, str]
    function_words: tuple[str, ...]
    generic_carrier_words: frozenset[str]
    precedence_slot_types: Mapping[str, str]  # slot type -> "always" or "outside_domain", in order
    open_slot_types: frozenset[str]
    context_bound_values: tuple[str, ...]
    context_words: tuple[str, ...]
    context_breakers: tuple[str, ...]
    possessives: frozenset[str]
    domain_words: frozenset[str]
    domain_body_parts: frozenset[str]
    not_of_a_person: frozenset[str]
    long_ago: tuple[str, ...]
    negations: frozenset[str]
    affirmations: frozenset[str]
    launch_verbs: tuple[str, ...]
    one_shot_verbs: frozenset[str]
    one_shot_links: frozenset[str]


@cache
def vocabulary() -> Vocabulary:
    data = _read(VOCABULARY)
    return Vocabulary(
        fillers=frozenset(data["fillers"]),
        fillers_kept_after={word: tuple(before) for word, before in data["fillers_kept_after"].items()},
        leading_fillers=frozenset(data["leading_fillers"]),
        contractions=dict(data["contractions"]),
        irregular_plurals=dict(data["irregular_plurals"]),
        stem_exceptions=dict(data["stem_exceptions"]),
        function_words=tuple(data["function_words"]),
        generic_carrier_words=frozenset(data["generic_carrier_words"]),
        precedence_slot_types=dict(data["precedence_slot_types"]),
        open_slot_types=frozenset(data["open_slot_types"]),
        context_bound_values=tuple(data["context_bound_values"]),
        context_words=tuple(data["context_words"]),
        context_breakers=tuple(data["context_breakers"]),
        possessives=frozenset(data["possessives"]),
        domain_words=frozenset(data["domain_words"]),
        domain_body_parts=frozenset(data["domain_body_parts"]),
        not_of_a_person=frozenset(data["not_of_a_person"]),
        long_ago=tuple(data["long_ago"]),
        negations=frozenset(data["negations"]),
        affirmations=frozenset(data["affirmations"]),
        launch_verbs=tuple(data["launch_verbs"]),
        one_shot_verbs=frozenset(data["one_shot_verbs"]),
        one_shot_links=frozenset(data["one_shot_links"]),
    )


@cache
def equivalents() -> dict[str, str]:
    """What people say -> the word the samples use, as written (not stemmed)."""
    return dict(_read(EQUIVALENTS))


@cache
def builtin_samples() -> dict[str, list[str]]:
    """Built-in intent name -> what people say for it."""
    return {intent: list(samples) for intent, samples in _read(BUILTIN_SAMPLES).items()}


def _read(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}
