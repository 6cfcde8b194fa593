"""ask-sdk-core glue: route each request to an answer and render it.

Handlers stay thin: ``skill.answers`` decides what to say from content, and
``respond`` renders it and keeps the little session state the conversation
needs (last answer, position among the causes, what "yes" would accept).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.slu.entityresolution import StatusCode
from ask_sdk_model.ui import SimpleCard

from skill import answers
from skill.answers import Answer
from skill.content import Content, load_content
from skill.speech import MAX_SPEECH_CHARS, spoken, ssml_to_text, to_ssml

log = logging.getLogger("skill")

CAUSE_SLOT = "cause"
# The session state the skill writes (see ``respond``). "last" holds a speech and a
# reprompt of at most MAX_SPEECH_CHARS each; the third allowance covers JSON
# escaping and the two short fields, so honest state always fits.
SESSION_KEYS = ("offer", "cause_index", "last")
MAX_SESSION_STATE_CHARS = 3 * MAX_SPEECH_CHARS


class Turn:
    """One request as the answers see it: its content, state and slot."""

    def __init__(self, handler_input: HandlerInput) -> None:
        self.handler_input = handler_input
        self.request = handler_input.request_envelope.request
        self.content: Content = load_content(getattr(self.request, "locale", None))
        session = handler_input.request_envelope.session
        # Out-of-session requests (hand-made ones) still get answered, statelessly.
        self.state: dict[str, Any] = (
            handler_input.attributes_manager.session_attributes if session is not None else {}
        )
        # "Alexa, ask leg cramp guide why my legs cramp": answer, then end.
        self.one_shot = bool(
            session is not None and session.new and get_request_type(handler_input) == "IntentRequest"
        )

    @property
    def cause_index(self) -> int | None:
        index = self.state.get("cause_index")
        valid = isinstance(index, int) and 0 <= index < len(self.content.causes)
        return index if valid else None

    @property
    def offer(self) -> str | None:
        offer = self.state.get("offer")
        return offer if isinstance(offer, str) else None

    def named_cause(self) -> tuple[bool, int | None]:
        """Whether the person named a cause, and its index if it is one the skill knows.

        Entity resolution decides when Alexa sent it; a hand-made request's
        words are matched against the causes' names and synonyms.
        """
        slots = getattr(getattr(self.request, "intent", None), "slots", None) or {}
        slot = slots.get(CAUSE_SLOT)
        if slot is None or not slot.value:
            return False, None
        resolutions = getattr(slot.resolutions, "resolutions_per_authority", None)
        if not resolutions:
            return True, self.content.find_cause(slot.value)
        return True, self._resolved_cause(resolutions)

    def _resolved_cause(self, resolutions: list[Any]) -> int | None:
        for authority in resolutions:
            if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH:
                for match in authority.values or []:
                    index = self.content.cause_index(match.value.id)
                    if index is not None:
                        return index
        return None

    def reset(self) -> None:
        self.state.clear()


def respond(handler_input: HandlerInput, turn: Turn, answer: Answer) -> Response:
    speech, reprompt, end_session = spoken(answer, turn.one_shot)
    builder = handler_input.response_builder.speak(to_ssml(speech))
    if reprompt:
        builder.ask(to_ssml(reprompt))
    if answer.card_title:
        builder.set_card(SimpleCard(title=answer.card_title, content=answer.text))
    builder.set_should_end_session(end_session)
    turn.state["offer"] = answer.offer
    if answer.cause_index is not None:
        turn.state["cause_index"] = answer.cause_index
    turn.state["last"] = {"speech": speech, "reprompt": reprompt}
    return builder.response


def repeat(turn: Turn) -> Answer:
    last = turn.state.get("last")
    speech = last.get("speech") if isinstance(last, dict) else None
    if not _speakable(speech):
        return answers.prompt(turn.content, "nothing_to_repeat")
    reprompt = last.get("reprompt")
    return Answer(text=speech, reprompt=reprompt if _speakable(reprompt) else speech, offer=turn.offer)


def _speakable(text: Any) -> bool:
    """Session state comes back from the device: repeat only what the skill could have said,
    never an empty answer (an open microphone with nothing said) or one past Alexa's limit."""
    if not isinstance(text, str):
        return False
    ssml = to_ssml(text)
    return len(ssml) <= MAX_SPEECH_CHARS and bool(ssml_to_text(ssml))


def welcome(turn: Turn) -> Answer:
    return answers.prompt(turn.content, "welcome")


def start_over(turn: Turn) -> Answer:
    turn.reset()
    return welcome(turn)


def cause_detail(turn: Turn) -> Answer:
    named, index = turn.named_cause()
    if index is None and not named:
        # "Tell me more" after "Would you like more about nerve compression?"
        index = answers.offered_cause(turn.offer, len(turn.content.causes))
    if index is not None:
        return answers.cause_detail(turn.content, index)
    # Say plainly when the skill knows nothing of what was named, so the list is not heard as "no".
    return answers.prompt(turn.content, "unknown_cause" if named else "which_cause")


# Every intent the skill answers; the interaction-model lint checks it against the models.
INTENT_ANSWERS: dict[str, Callable[[Turn], Answer]] = {
    "CausesIntent": lambda turn: answers.causes(turn.content),
    "CauseDetailIntent": cause_detail,
    "AboutSpasmsIntent": lambda turn: answers.about_spasms(turn.content),
    "PreventionIntent": lambda turn: answers.prevention(turn.content),
    "SeeDoctorIntent": lambda turn: answers.see_doctor(turn.content),
    "AMAZON.HelpIntent": lambda turn: answers.prompt(turn.content, "help"),
    "AMAZON.FallbackIntent": lambda turn: answers.prompt(turn.content, "fallback"),
    "AMAZON.StopIntent": lambda turn: answers.goodbye(turn.content),
    "AMAZON.CancelIntent": lambda turn: answers.goodbye(turn.content),
    "AMAZON.NavigateHomeIntent": start_over,
    "AMAZON.StartOverIntent": start_over,
    "AMAZON.YesIntent": lambda turn: answers.accept_offer(turn.content, turn.offer),
    "AMAZON.NoIntent": lambda turn: answers.decline_offer(turn.content, turn.offer),
    "AMAZON.RepeatIntent": repeat,
    "AMAZON.NextIntent": lambda turn: answers.next_cause(turn.content, turn.cause_index),
    "AMAZON.PreviousIntent": lambda turn: answers.previous_cause(turn.content, turn.cause_index),
}


def intent_answer(turn: Turn) -> Answer:
    """The answer for the request's intent; one the skill does not know (a newer
    model, a hand-made request) gets the fallback."""
    fallback = INTENT_ANSWERS["AMAZON.FallbackIntent"]
    return INTENT_ANSWERS.get(get_intent_name(turn.handler_input), fallback)(turn)


class AnswerHandler(AbstractRequestHandler):
    """Answers one request type: ``answer_for`` decides what to say, ``respond`` renders it."""

    def __init__(self, request_type: str, answer_for: Callable[[Turn], Answer]) -> None:
        self.is_for = is_request_type(request_type)
        self.answer_for = answer_for

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return self.is_for(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn(handler_input)
        return respond(handler_input, turn, self.answer_for(turn))


class SessionEndedHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        # Alexa's only report of a response it rejected is the error type here.
        error_type = getattr(getattr(request, "error", None), "object_type", None)
        log.info("session ended: %s %s", getattr(request, "reason", None), error_type or "")
        return handler_input.response_builder.response


class OtherRequestHandler(AbstractRequestHandler):
    """Requests the skill has nothing to say to (System.ExceptionEncountered,
    CanFulfillIntentRequest, AudioPlayer events): an empty response, no speech."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("no answer for request type %s", get_request_type(handler_input))
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


class LogRequest(AbstractRequestInterceptor):
    """Log what was asked, never who asked: no user, device or session ids."""

    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        intent = get_intent_name(handler_input) if request.object_type == "IntentRequest" else "-"
        log.info(
            "request %s type=%s intent=%s locale=%s",
            request.request_id,
            request.object_type,
            intent,
            getattr(request, "locale", None),
        )


class SpokenApology(AbstractExceptionHandler):
    """Any failure becomes a short spoken apology; the trace goes to the log."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        log.error("request %s failed", getattr(request, "request_id", None), exc_info=exception)
        # Through respond, so the session forgets an offer made before the failure.
        turn = Turn(handler_input)
        return respond(handler_input, turn, answers.prompt(turn.content, "error"))
