"""A locale's language model as the matcher reads it: samples and slot values, prepared once.

Built from the interaction model Alexa gets (plus what people say for the
built-in intents): every sample and slot value normalised and stemmed at
load, so matching an utterance does no work on the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from skill.simulator.text import canonical_stems, normalise_utterance, singulars


def slot_token(slot_type: str) -> str:
    """The word a slot of this type stands as when comparing ("{LEG_CRAMP_CAUSE}")."""
    return f"{{{slot_type}}}"


@dataclass(frozen=True)
class SlotValue:
    id: str
    name: str
    phrases: tuple[str, ...]  # the name and its synonyms, normalised
    phrase_forms: tuple[tuple[str, ...], ...]  # the same, each word singular, once for matching


@dataclass(frozen=True)
class Sample:
    intent: str
    text: str  # normalised, with "{slot}" placeholders
    stems: frozenset[str]  # canonical stems, each slot as its type's token ("{LEG_CRAMP_CAUSE}")
    bigrams: frozenset[str]  # each two neighbouring canonical stems, "my back"
    slot_types: frozenset[str]  # the types of the slots it says
    carrier: frozenset[str]  # its words outside the slots, as written (none: "{cause}" alone)
    pattern: re.Pattern[str]  # the text word for word, each slot a named group


@dataclass(frozen=True)
class LanguageModel:
    invocation: str  # normalised
    slot_types: Mapping[str, tuple[SlotValue, ...]]  # custom slot types, in the model's order
    intent_slots: Mapping[str, Mapping[str, str]]  # intent -> slot name -> slot type
    samples: tuple[Sample, ...]  # the model's order: each intent's samples, then the built-in ones
    longest_value: int  # words in the longest slot value or synonym

    @classmethod
    def read(cls, model: dict[str, Any], builtin_samples: Mapping[str, list[str]]) -> LanguageModel:
        """From an interaction model (its JSON) and the samples for built-in intents."""
        language_model = model["interactionModel"]["languageModel"]
        slot_types = _slot_types(language_model.get("types", []))
        intent_slots: dict[str, dict[str, str]] = {}
        samples: list[Sample] = []
        for intent in language_model["intents"]:
            name = intent["name"]
            intent_slots[name] = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for text in [*intent.get("samples", []), *builtin_samples.get(name, [])]:
                samples.append(_sample(name, text, intent_slots[name]))
        longest_value = max(
            (len(phrase.split()) for values in slot_types.values() for value in values for phrase in value.phrases),
            default=1,
        )
        return cls(
            normalise_utterance(language_model["invocationName"]), slot_types, intent_slots, tuple(samples),
            longest_value,
        )

    def is_custom(self, slot_type: str) -> bool:
        """A type the model lists values for (not one of Alexa's built-in types)."""
        return slot_type in self.slot_types

    def resolve(self, slot_type: str, spoken: str) -> SlotValue | None:
        """The value of a custom slot type that these words name, or its synonym; None if none."""
        spoken_forms = singulars(normalise_utterance(spoken))
        return next((value for value in self.slot_types[slot_type] if spoken_forms in value.phrase_forms), None)


def _slot_types(types: Iterable[dict[str, Any]]) -> dict[str, tuple[SlotValue, ...]]:
    return {
        slot_type["name"]: tuple(_slot_value(value) for value in slot_type.get("values", [])) for slot_type in types
    }


def _slot_value(value: dict[str, Any]) -> SlotValue:
    name = value["name"]["value"]
    phrases = tuple(normalise_utterance(phrase) for phrase in [name, *value["name"].get("synonyms", [])])
    return SlotValue(value.get("id") or name, name, phrases, tuple(singulars(phrase) for phrase in phrases))


def _sample(intent: str, text: str, slots: Mapping[str, str]) -> Sample:
    normalised = normalise_utterance(text)
    pattern = "".join(
        f"(?P<{token[1:-1]}>.+?)" if token.startswith("{") else re.escape(token)
        for token in re.split(r"(\{\w+\})", normalised)
    )
    # "{cause}" compares as "{LEG_CRAMP_CAUSE}", the token a spotted value becomes.
    typed = {f"{{{name}}}": slot_token(slot_type) for name, slot_type in slots.items()}
    sequence = [typed.get(token, token) for token in canonical_stems(normalised)]
    said = frozenset(slot_type for name, slot_type in slots.items() if f"{{{name}}}" in normalised.split())
    carrier = frozenset(word for word in normalised.split() if not word.startswith("{"))
    return Sample(intent, normalised, frozenset(sequence), bigrams(sequence), said, carrier, re.compile(pattern))


def bigrams(sequence: list[str]) -> frozenset[str]:
    """Each two neighbouring tokens as one: word order the bag of words cannot see."""
    return frozenset(f"{first} {second}" for first, second in zip(sequence, sequence[1:], strict=False))
