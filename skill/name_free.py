"""CanFulfillIntentRequest: may Alexa hand this skill a request that did not name it?

Alexa asks before it routes a name-free request ("Alexa, why do my legs
cramp?"). Amazon's rule: the answer is the verdict and nothing else, with no
speech, card, directive or session state, so ``CanFulfillHandler`` answers
with ``canFulfillIntent`` alone and ``QuietVerdict`` keeps a failure from
turning into the spoken apology (it logs the failure by request id). Nothing
here logs what was asked or by whom; the request log line
(``skill.telemetry``) names no user either.

The verdict reads slots the way the answers do (``skill.handlers.Turn``):
Alexa's entity resolution if it sent one, else the content's names and
synonyms, so a value the skill would answer is YES/YES and no other is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)

from skill.content import TERM_LISTS, load_content
from skill.envelope import capped
from skill.handlers import CAUSE_SLOT, Turn

log = logging.getLogger("skill")

YES, NO, MAYBE = "YES", "NO", "MAYBE"

CAUSE_DETAIL = "CauseDetailIntent"
# The answer about the skill itself ("are you a doctor"): no question to route to it unnamed.
ABOUT_ITSELF = frozenset({"AboutSkillIntent"})


@cache
def name_free_intents() -> dict[str, tuple[str, ...]]:
    """Intent -> the slots it must have filled, for every intent the skill claims name-free.

    The direct answers (one per content answer) need none; a cause's detail
    needs the cause. Every other intent is NO: it answers only within a
    conversation (help, yes, next, "the second one"), refuses (other health
    topics, topics the source does not cover), or concerns a possible
    emergency, which Alexa's own handling serves better than a guess at a
    third-party skill.
    """
    topics = {entry.intent: () for entry in load_content(None).answers.values() if entry.intent not in ABOUT_ITSELF}
    return {**topics, CAUSE_DETAIL: (CAUSE_SLOT,)}


@dataclass(frozen=True)
class SlotVerdict:
    can_understand: str
    can_fulfill: str


@dataclass(frozen=True)
class Verdict:
    can_fulfill: str
    slots: dict[str, SlotVerdict]

    def sdk_object(self) -> CanFulfillIntent:
        return CanFulfillIntent(
            can_fulfill=CanFulfillIntentValues(self.can_fulfill),
            slots={
                name: CanFulfillSlot(
                    can_understand=CanUnderstandSlotValues(slot.can_understand),
                    can_fulfill=CanFulfillSlotValues(slot.can_fulfill),
                )
                for name, slot in self.slots.items()
            },
        )


def verdict(handler_input: HandlerInput) -> Verdict:
    """Whether the skill would answer the intent Alexa asks about, slot by slot."""
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    said = list(getattr(intent, "slots", None) or {})
    required = name_free_intents().get(getattr(intent, "name", None) or "")
    if required is None:
        return Verdict(NO, {name: SlotVerdict(NO, NO) for name in said})
    turn = Turn(handler_input)
    # The cause is the only slot the claimed intents have; any other name is not one of theirs.
    slots = {name: _cause(turn) if name == CAUSE_SLOT and name in required else SlotVerdict(NO, NO) for name in said}
    # A slot the intent needs but Alexa left empty ("tell me more" of nothing) cannot be answered.
    if not all(turn.slot(name)[0] for name in required):
        return Verdict(NO, slots)
    # Never MAYBE for the intent: a half-understood health question ("tell me about bananas")
    # would be routed here for want of a YES elsewhere, and get "my source doesn't cover that".
    return Verdict(YES if all(slot.can_fulfill == YES for slot in slots.values()) else NO, slots)


def _cause(turn: Turn) -> SlotVerdict:
    """YES/YES for a cause the skill knows; MAYBE/NO for words it knows as something else."""
    said, index = turn.named_cause()
    if said is None:
        return SlotVerdict(NO, NO)
    if index is not None:
        return SlotVerdict(YES, YES)
    if any(turn.content.find_term(kind, said) for kind in TERM_LISTS):
        return SlotVerdict(MAYBE, NO)
    return SlotVerdict(NO, NO)


def _answer(handler_input: HandlerInput, found: Verdict) -> Response:
    if handler_input.request_envelope.session is not None:
        # The SDK echoes session attributes into the response envelope; a verdict carries none.
        # The SDK's annotation says dict, but None is what it sends for "no attributes".
        handler_input.attributes_manager.session_attributes = None  # type: ignore[assignment]
    return handler_input.response_builder.set_can_fulfill_intent(found.sdk_object()).response


class CanFulfillHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return _answer(handler_input, verdict(handler_input))


class QuietVerdict(AbstractExceptionHandler):
    """A CanFulfillIntentRequest the skill failed on gets NO, never the spoken apology."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request_id = getattr(handler_input.request_envelope.request, "request_id", None)
        log.error("can-fulfill request %s failed", capped(request_id), exc_info=exception)
        return _answer(handler_input, Verdict(NO, {}))
