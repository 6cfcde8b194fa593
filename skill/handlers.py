"""ask-sdk-core glue: route each request to an answer and render it.

Handlers stay thin: ``skill.answers`` decides what to say from content, and
``respond`` renders it and keeps the little session state the conversation
needs (last answer, position among the causes, what "yes" would accept).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import (
    get_intent_name,
    get_locale,
    get_request_type,
    is_new_session,
    is_request_type,
)
from ask_sdk_model import Response
from ask_sdk_model.slu.entityresolution import StatusCode
from ask_sdk_model.ui import SimpleCard

from skill import answers, screens, telemetry
from skill.answers import Answer, Lines
from skill.content import Content, Term, load_content
from skill.envelope import capped
from skill.speech import MAX_SPEECH_CHARS, spoken, ssml_to_text, to_ssml

log = logging.getLogger("skill")

CAUSE_SLOT = "cause"

# The session state the skill writes (see ``respond``). "last" holds a speech and a
# question of at most MAX_SPEECH_CHARS each; the third allowance covers JSON
# escaping, the short fields and the digests of what was heard.
SESSION_KEYS = ("offer", "cause_index", "subject", "listed", "heard", "last")
MAX_SESSION_STATE_CHARS = 3 * MAX_SPEECH_CHARS
# Enough memory of wordings heard for every message with variants to rotate, and of
# the answers given.
MAX_HEARD = 64


class Turn:
    """One request as the answers see it: its content, state and slots."""

    def __init__(self, handler_input: HandlerInput) -> None:
        self.handler_input = handler_input
        locale = get_locale(handler_input)
        self.content: Content = load_content(locale if isinstance(locale, str) else None)
        session = handler_input.request_envelope.session
        # Out-of-session requests (hand-made ones) still get answered, statelessly.
        attributes = handler_input.attributes_manager.session_attributes if session is not None else None
        self.state: dict[str, Any] = attributes if attributes is not None else {}
        # "Alexa, ask leg cramp guide why my legs cramp": answer, then end.
        self.one_shot = (
            session is not None and is_new_session(handler_input) and is_request_type("IntentRequest")(handler_input)
        )
        self.lines = Lines(self.content, heard=self._strings("heard"))

    def _strings(self, key: str) -> list[str]:
        value = self.state.get(key)
        return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []

    def _text(self, key: str) -> str | None:
        value = self.state.get(key)
        return value if isinstance(value, str) else None

    @property
    def cause_index(self) -> int | None:
        index = self.state.get("cause_index")
        valid = isinstance(index, int) and 0 <= index < len(self.content.causes)
        return index if valid else None

    @property
    def offer(self) -> str | None:
        return self._text("offer")

    @property
    def subject(self) -> str | None:
        return self._text("subject")

    @property
    def listed(self) -> str | None:
        return self._text("listed")

    def slot(self, name: str) -> tuple[str | None, str | None, bool]:
        """What was said in a slot, the value id it resolved to, and whether Alexa resolved it at all.

        Alexa resolves custom slot values itself; a hand-made request's words
        are matched against the content's names and synonyms instead.
        """
        # Read from the request's intent, not get_slot: a CanFulfillIntentRequest carries one too.
        intent = getattr(self.handler_input.request_envelope.request, "intent", None)
        slot = (getattr(intent, "slots", None) or {}).get(name)
        if slot is None or not slot.value:
            return None, None, False
        authorities = getattr(slot.resolutions, "resolutions_per_authority", None) or []
        for authority in authorities:
            if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH:
                for match in authority.values or []:
                    return slot.value, match.value.id, True
        return slot.value, None, bool(authorities)

    def named_cause(self) -> tuple[str | None, int | None]:
        """What the person called a cause, and its index if it is one the skill knows."""
        said, value_id, resolved = self.slot(CAUSE_SLOT)
        if said is None:
            return None, None
        if resolved:
            return said, self.content.cause_index(value_id) if value_id else None
        return said, self.content.find_cause(said)

    def term(self, kind: str, slot_name: str) -> Term | None:
        """The topic, symptom or list position a slot names, if the content knows it."""
        said, value_id, resolved = self.slot(slot_name)
        if said is None:
            return None
        if resolved:
            return self.content.term(kind, value_id) if value_id else None
        return self.content.find_term(kind, said)

    def reset(self) -> None:
        heard = self.state.get("heard")
        self.state.clear()
        if heard is not None:
            self.state["heard"] = heard


def respond(handler_input: HandlerInput, turn: Turn, answer: Answer) -> Response:
    speech, reprompt, end_session = spoken(answer, turn.one_shot)
    builder = handler_input.response_builder.speak(to_ssml(speech))
    if reprompt:
        builder.ask(to_ssml(reprompt))
    if answer.card_title:
        builder.set_card(SimpleCard(title=answer.card_title, content=answer.text))
    builder.set_should_end_session(end_session)
    screens.add_screen(handler_input, turn.content, answer)
    state = turn.state
    state["offer"] = answer.offer
    state["subject"] = answer.subject
    if answer.cause_index is not None:
        state["cause_index"] = answer.cause_index
    if answer.listed is not None:
        state["listed"] = answer.listed
    if answer.subject:
        turn.lines.mark_raised(answer.subject)
    state["heard"] = turn.lines.history[-MAX_HEARD:]
    if answer.remembered:
        state["last"] = {"text": answer.text, "question": None if end_session else answer.question}
    return builder.response


def repeat(turn: Turn) -> Answer:
    """The last answer again, word for word, with the same question pending."""
    last = turn.state.get("last")
    last = last if isinstance(last, dict) else {}
    text, question = last.get("text"), last.get("question")
    if not isinstance(text, str) or not _speakable(text):
        return answers.prompt(turn.lines, "nothing_to_repeat")
    return Answer(
        text=text,
        question=question if _speakable(question) else None,
        offer=turn.offer,
        subject=turn.subject,
    )


def _speakable(text: Any) -> bool:
    """Session state comes back from the device: repeat only what the skill could have said,
    never an empty answer (an open microphone with nothing said) or one past Alexa's limit."""
    if not isinstance(text, str):
        return False
    ssml = to_ssml(text)
    return len(ssml) <= MAX_SPEECH_CHARS and bool(ssml_to_text(ssml))


def start_over(turn: Turn) -> Answer:
    turn.reset()
    return answers.welcome(turn.lines)


def cause_detail(turn: Turn) -> Answer:
    said, index = turn.named_cause()
    if index is not None:
        return answers.cause_detail(turn.lines, index)
    if said is None:  # "tell me more"
        return answers.more(turn.lines, turn.subject, turn.offer)
    # A name that is no cause may still be a symptom or a topic the content knows.
    content = turn.content
    if content.find_term("symptoms", said):
        return answers.emergency(turn.lines)
    uncovered = content.find_term("uncovered_topics", said)
    if uncovered:
        return answers.not_covered(turn.lines, uncovered)
    other = content.find_term("other_topics", said)
    if other:
        return answers.other_topic(turn.lines, other)
    # Say plainly when the skill knows nothing of what was named, so the list is not heard as "no".
    return answers.prompt(turn.lines, "unknown_cause")


def _topic_answer(key: str) -> Callable[[Turn], Answer]:
    return lambda turn: answers.topic(turn.lines, key)


def _topic_answers() -> dict[str, Callable[[Turn], Answer]]:
    """One intent per direct answer; the content names each answer's intent."""
    return {entry.intent: _topic_answer(key) for key, entry in load_content(None).answers.items()}


# Every intent the skill answers; the interaction-model lint checks it against the models.
INTENT_ANSWERS: dict[str, Callable[[Turn], Answer]] = {
    **_topic_answers(),
    "CauseDetailIntent": cause_detail,
    "ListItemIntent": lambda turn: answers.list_item(turn.lines, turn.term("list_positions", "position"), turn.listed),
    "EmergencyIntent": lambda turn: answers.emergency(turn.lines),
    "OtherTopicIntent": lambda turn: answers.other_topic(turn.lines, turn.term("other_topics", "topic")),
    "NotCoveredIntent": lambda turn: answers.not_covered(turn.lines, turn.term("uncovered_topics", "topic")),
    "AMAZON.HelpIntent": lambda turn: answers.help_prompt(turn.lines, turn.offer, turn.subject),
    "AMAZON.FallbackIntent": lambda turn: answers.not_understood(turn.lines, turn.offer, turn.subject),
    "AMAZON.StopIntent": lambda turn: answers.goodbye(turn.lines),
    "AMAZON.CancelIntent": lambda turn: answers.goodbye(turn.lines),
    "AMAZON.NavigateHomeIntent": start_over,
    "AMAZON.StartOverIntent": start_over,
    "AMAZON.YesIntent": lambda turn: answers.accept_offer(turn.lines, turn.offer),
    "AMAZON.NoIntent": lambda turn: answers.decline_offer(turn.lines, turn.offer),
    "AMAZON.RepeatIntent": repeat,
    "AMAZON.NextIntent": lambda turn: answers.next_cause(turn.lines, turn.cause_index),
    "AMAZON.PreviousIntent": lambda turn: answers.previous_cause(turn.lines, turn.cause_index),
}


def intent_answer(turn: Turn) -> Answer:
    """The answer for the request's intent; one the skill does not know (a newer
    model, a hand-made request) gets the fallback."""
    fallback = INTENT_ANSWERS["AMAZON.FallbackIntent"]
    return INTENT_ANSWERS.get(str(get_intent_name(turn.handler_input)), fallback)(turn)


def welcome(turn: Turn) -> Answer:
    return answers.welcome(turn.lines)


def touched(turn: Turn) -> Answer:
    """A touch on the screen (APL UserEvent): the cause chosen from the list shown."""
    index = screens.touched_cause(turn.handler_input.request_envelope.request, turn.content)
    return answers.prompt(turn.lines, "which_cause") if index is None else answers.cause_detail(turn.lines, index)


class AnswerHandler(AbstractRequestHandler):
    """Answers one request type: ``answer_for`` decides what to say, ``respond`` renders it."""

    def __init__(self, request_type: str, answer_for: Callable[[Turn], Answer]) -> None:
        self.is_for = is_request_type(request_type)
        self.answer_for = answer_for

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return self.is_for(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input)
        return respond(handler_input, turn, not_twice(turn, self.answer_for))


def not_twice(turn: Turn, answer_for: Callable[[Turn], Answer]) -> Answer:
    """The answer, unless it is the content answer just given (asked again in other words,
    or a question that leads to the same answer): then a note that it was just said."""
    heard_before = len(turn.lines.history)
    answer = answer_for(turn)
    if answer.informational and answer.subject is not None and answer.subject == turn.subject:
        del turn.lines.history[heard_before:]  # its wordings were not heard after all
        return answers.just_said(turn.lines, turn.offer, turn.subject)
    return answer


class SessionEndedHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        # Alexa's only report of a response it rejected is the error type here.
        error_type = getattr(getattr(request, "error", None), "object_type", None)
        reason = getattr(getattr(request, "reason", None), "value", None)
        telemetry.note(session_ended=reason, session_error=getattr(error_type, "value", error_type))
        return handler_input.response_builder.response


class OtherRequestHandler(AbstractRequestHandler):
    """Requests the skill has nothing to say to (System.ExceptionEncountered,
    AudioPlayer events): an empty response, no speech."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.debug("no answer for request type %s", get_request_type(handler_input))
        return handler_input.response_builder.response


class OwnSessionState(AbstractRequestInterceptor):
    """Keep only the session state the skill could have written itself.

    Alexa sends back the attributes of the skill's last answer, and the SDK
    echoes whatever a request carries; a hand-made or tampered request could
    otherwise make the answer too large for Alexa (120 KB), so anything else
    is dropped before any handler runs.
    """

    def process(self, handler_input: HandlerInput) -> None:
        if handler_input.request_envelope.session is None:
            return
        state = handler_input.attributes_manager.session_attributes or {}
        own = {key: state[key] for key in SESSION_KEYS if key in state}
        if len(json.dumps(own)) > MAX_SESSION_STATE_CHARS:
            own = {}
        handler_input.attributes_manager.session_attributes = own


class SpokenApology(AbstractExceptionHandler):
    """Any failure becomes a short spoken apology; the trace goes to the log."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        log.error("request %s failed", capped(getattr(request, "request_id", None)), exc_info=exception)
        telemetry.mark_failed()
        # Through respond, so the session forgets an offer made before the failure.
        turn = Turn(handler_input)
        return respond(handler_input, turn, answers.prompt(turn.lines, "error"))
