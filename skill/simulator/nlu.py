"""Understanding typed utterances through the interaction model Alexa gets.

A small stand-in for Alexa's language understanding: it knows only the
model's samples and slot values (plus what people say for the built-in
intents), tolerates case, punctuation, fillers, contractions, plurals and
small rewordings, and sends anything it cannot place to the fallback intent.

This module hears the invocation ("open ...", "ask ... to ...") and gives
slots the shape Alexa sends, with entity resolution; ``text`` normalises,
``language_model`` prepares the model and ``matching`` picks the intent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from skill.model import PACKAGE_DIR, model_path
from skill.simulator import request_builder
from skill.simulator.language_model import LanguageModel
from skill.simulator.matching import Matcher
from skill.simulator.text import normalise_utterance, stems
from skill.simulator.vocabulary import builtin_samples as default_builtin_samples
from skill.simulator.vocabulary import vocabulary

FALLBACK = "AMAZON.FallbackIntent"


@dataclass(frozen=True)
class Interpretation:
    """What an utterance means: a launch, or an intent with filled slots."""

    request_type: str  # "LaunchRequest" or "IntentRequest"
    intent: str | None = None
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    one_shot: bool = False  # "ask <invocation> ...": a request that opens a new session

    def request(self) -> dict[str, Any]:
        if self.request_type == "LaunchRequest":
            return request_builder.launch_request()
        return request_builder.intent_request(self.intent or FALLBACK, self.slots)


class Understander:
    """Maps utterances to requests using one locale's interaction model."""

    def __init__(self, model: dict[str, Any], builtin_samples: Mapping[str, list[str]] | None = None) -> None:
        builtin = builtin_samples if builtin_samples is not None else default_builtin_samples()
        self.model = LanguageModel.read(model, builtin)
        self.matcher = Matcher(self.model)

    @classmethod
    def for_locale(cls, locale: str, package_dir: Path = PACKAGE_DIR) -> Understander:
        """The understander for a locale's model in the skill package (en-US's if it has none)."""
        return _understander(locale, package_dir)

    def understand(self, utterance: str) -> Interpretation:
        text = normalise_utterance(utterance)
        if self._launches(text):
            return Interpretation("LaunchRequest")
        rest, one_shot = self._one_shot(text)
        if one_shot and not rest:
            return Interpretation("LaunchRequest")
        return self.match(rest, one_shot)

    def match(self, text: str, one_shot: bool = False) -> Interpretation:
        """The intent a (normalised) utterance reaches, without invocation words."""
        found = self.matcher.match(text)
        if found is None:
            return Interpretation("IntentRequest", FALLBACK, {}, one_shot)
        return Interpretation("IntentRequest", found.intent, self._fill(found.intent, found.slots), one_shot)

    # Invocation ---------------------------------------------------------------

    def _launches(self, text: str) -> bool:
        """The invocation name alone, or after a launch verb ("open leg cramp guide")."""
        if self._same_words(text, self.model.invocation):
            return True
        return any(
            text.startswith(verb + " ") and self._same_words(text[len(verb) + 1:], self.model.invocation)
            for verb in vocabulary().launch_verbs
        )

    def _one_shot(self, text: str) -> tuple[str, bool]:
        """The question of a one-shot request ("ask leg cramp guide to ...") and True; else the text and False."""
        invocation = self.model.invocation
        words, invocation_words = text.split(), invocation.split()
        if len(words) > len(invocation_words) and words[0] in vocabulary().one_shot_verbs:
            if stems(" ".join(words[1:len(invocation_words) + 1])) == stems(invocation):
                rest = words[len(invocation_words) + 1:]
                if rest and rest[0] in vocabulary().one_shot_links and len(rest) > 1:
                    rest = rest[1:]
                return " ".join(rest), True
        return text, False

    @staticmethod
    def _same_words(text: str, invocation: str) -> bool:
        return stems(text) == stems(invocation)

    # Slots --------------------------------------------------------------------

    def _fill(self, intent: str, spoken: dict[str, str]) -> dict[str, dict[str, Any]]:
        """Slots as Alexa sends them, with entity resolution for custom types."""
        slots: dict[str, dict[str, Any]] = {}
        for name, value in spoken.items():
            slot_type = self.model.intent_slots[intent][name]
            if self.model.is_custom(slot_type):
                match = self.model.resolve(slot_type, value)
                slots.update(request_builder.custom_slot(name, value, match.id if match else None, slot_type))
            else:
                slots[name] = {"name": name, "value": value, "confirmationStatus": "NONE"}
        return slots


@lru_cache(maxsize=8)
def _understander(locale: str, package_dir: Path) -> Understander:
    path = model_path(package_dir, locale)
    if not path.is_file():
        path = model_path(package_dir, request_builder.DEFAULT_LOCALE)
    return Understander(json.loads(path.read_text(encoding="utf-8")))
