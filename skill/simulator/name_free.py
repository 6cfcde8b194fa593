"""Name-free requests, the way Alexa routes one ("Alexa, why do my legs cramp?").

A launch phrase among the model's ingress points opens the skill. Anything
else is understood through the model without the invocation name; if it
fits none of the skill's intents (the fallback) Alexa looks elsewhere, else
it asks the skill a CanFulfillIntentRequest about that intent (no session: the
asking has no effect on any) and, only when the verdict is YES, sends the
intent as a one-shot request in a new session.

In ``chat`` and in dialog files a line ``name-free: <utterance>`` is said this
way (``say``); ``ask --name-free`` does the same for one utterance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from skill.model import PACKAGE_DIR, model_path
from skill.simulator import request_builder
from skill.simulator.device import Exchange, VirtualDevice
from skill.simulator.nlu import FALLBACK, Interpretation
from skill.simulator.text import normalise_utterance

PREFIX = "name-free:"


class NamesTheSkill(ValueError):
    """A name-free utterance that says the skill's name: it would not be name-free."""


@dataclass(frozen=True)
class NameFreeTurn:
    """One name-free utterance: Alexa's question to the skill and its verdict, then the answer if it was sent."""

    utterance: str
    meaning: Interpretation
    ingress: str | None  # "LAUNCH" or the intent whose ingress phrase was said, else None
    question: dict[str, Any] | None  # the CanFulfillIntentRequest envelope (None: a launch phrase, or not asked)
    verdict: dict[str, Any] | None  # its response envelope
    exchange: Exchange | None  # the request Alexa sent on, and the answer

    @property
    def can_fulfill(self) -> str | None:
        verdict = (self.verdict or {}).get("response", {}).get("canFulfillIntent") or {}
        return verdict.get("canFulfill")

    @property
    def understood_as(self) -> str:
        return self.meaning.intent or self.meaning.request_type

    @property
    def speech(self) -> str:
        return self.exchange.speech if self.exchange else ""

    @property
    def card(self) -> dict[str, Any] | None:
        return self.exchange.card if self.exchange else None

    @property
    def session_open(self) -> bool:
        return self.exchange.session_open if self.exchange else False

    @property
    def screen(self) -> dict[str, Any] | None:
        return self.exchange.screen if self.exchange else None

    def as_text(self) -> str:
        if self.ingress == "LAUNCH":
            lines = ["[name-free] a launch phrase (ingress point): Alexa opens the skill"]
        elif self.question is None:
            lines = [f"[name-free] no intent of the skill fits ({self.understood_as}): Alexa does not ask it"]
        else:
            lines = [f"[name-free] Alexa asks the skill: CanFulfillIntentRequest for {self._asked()}"]
            if self.ingress:
                lines.append(f"(an ingress point of {self.ingress}: Alexa may route this once the skill is live)")
            lines.append(f"Skill: {self.can_fulfill or '(no verdict)'}{self._slot_verdicts()}")
        if self.exchange is not None:
            lines.append(self.exchange.as_text())
        else:
            lines.append("(Alexa sends the skill nothing more: it answers, or asks another skill)")
        return "\n".join(lines)

    def as_json(self) -> str:
        asked = None if self.question is None else {"request": self.question, "response": self.verdict}
        sent = self.exchange
        return json.dumps(
            {
                "can_fulfill": asked,
                "request": sent.request if sent else None,
                "response": sent.response if sent else None,
            },
            indent=2,
        )

    def _asked(self) -> str:
        slots = ", ".join(f"{name}: {slot.get('value')!r}" for name, slot in self.meaning.slots.items())
        return f"{self.understood_as} ({slots})" if slots else self.understood_as

    def _slot_verdicts(self) -> str:
        slots = ((self.verdict or {}).get("response", {}).get("canFulfillIntent") or {}).get("slots") or {}
        shown = [
            f"{name}: understands {slot.get('canUnderstand')}, fulfills {slot.get('canFulfill')}"
            for name, slot in slots.items()
        ]
        return f" ({'; '.join(shown)})" if shown else ""


Turn = Exchange | NameFreeTurn


def say(device: VirtualDevice, line: str) -> Turn:
    """What ``chat`` and dialog files do with a line: name-free after ``name-free:``, else as said."""
    if line.lower().startswith(PREFIX):
        return ask(device, line[len(PREFIX):].strip())
    return device.say(line)


def ask(device: VirtualDevice, utterance: str) -> NameFreeTurn:
    """Route ``utterance`` as Alexa routes a request that does not name the skill."""
    understander = device.understander
    heard = understander.understand(utterance)
    if heard.request_type == "LaunchRequest" or heard.one_shot:
        raise NamesTheSkill(f"{utterance!r} names the skill; a name-free request leaves out its name")
    conversation = device.conversation
    launch, by_intent = ingress_phrases(conversation.locale)
    said = normalise_utterance(utterance)
    if said in launch:
        conversation.session = None
        response = conversation.send(request_builder.launch_request())
        meaning = Interpretation("LaunchRequest")
        exchange = Exchange(utterance, meaning, conversation.last_request or {}, response)
        return NameFreeTurn(utterance, meaning, "LAUNCH", None, None, exchange)
    meaning = understander.match(said, one_shot=True)
    intent = meaning.intent or ""
    if intent == FALLBACK:  # Alexa looks for a skill whose model fits; this one's does not
        return NameFreeTurn(utterance, meaning, None, None, None, None)
    question = request_builder.envelope(
        request_builder.can_fulfill_intent_request(intent, meaning.slots),
        locale=conversation.locale,
        skill_id=conversation.skill_id,
    )
    del question["session"]  # Alexa asks outside any session
    verdict = conversation.transport(question)
    ingress = intent if said in by_intent.get(intent, ()) else None
    turn = NameFreeTurn(utterance, meaning, ingress, question, verdict, None)
    if turn.can_fulfill != "YES":
        return turn
    conversation.session = None  # a one-shot request: a new session, which the answer ends
    response = conversation.send(meaning.request())
    exchange = Exchange(utterance, meaning, conversation.last_request or {}, response)
    return NameFreeTurn(utterance, meaning, ingress, question, verdict, exchange)


@lru_cache(maxsize=8)
def ingress_phrases(locale: str, package_dir: Path = PACKAGE_DIR) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The launch phrases and each intent's phrases of a locale's ingress points, normalised."""
    path = model_path(package_dir, locale)
    if not path.is_file():
        path = model_path(package_dir, request_builder.DEFAULT_LOCALE)
    model = json.loads(path.read_text(encoding="utf-8"))["interactionModel"]
    launch: set[str] = set()
    by_intent: dict[str, frozenset[str]] = {}
    for point in model.get("_nameFreeInteraction", {}).get("ingressPoints", []):
        phrases = frozenset(normalise_utterance(item["value"]) for item in point["sampleUtterances"])
        if point["type"] == "LAUNCH":
            launch |= phrases
        else:
            by_intent[point["name"]] = phrases
    return frozenset(launch), by_intent
