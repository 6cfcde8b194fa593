"""What the skill says, composed from content: the conversation's logic.

Nothing here knows about ask-sdk or HTTP. Each function takes the locale's
``Content`` and returns an ``Answer``; ``skill.speech`` turns it into a response.
"""

from __future__ import annotations

from dataclasses import dataclass

from skill.content import Content

# What "yes" does after each offer. A cause offer carries its index: "cause:1".
OFFER_CAUSES = "causes"
OFFER_PREVENTION = "prevention"
OFFER_SEE_DOCTOR = "see_doctor"
OFFER_ANYTHING_ELSE = "anything_else"
CAUSE_OFFER_PREFIX = "cause:"


@dataclass(frozen=True)
class Answer:
    """One turn of speech before it becomes SSML, a card and session state."""

    text: str
    question: str | None = None
    reprompt: str | None = None
    card_title: str | None = None
    offer: str | None = None
    cause_index: int | None = None
    end_session: bool = False

    @property
    def informational(self) -> bool:
        """Answers with a card carry content; a one-shot request ends after them."""
        return self.card_title is not None


def prompt(content: Content, key: str, offer: str | None = None, **fields: str) -> Answer:
    """A conversational message that asks something and keeps the microphone open."""
    text = content.text(key, **fields)
    return Answer(text=text, reprompt=content.reprompt(key) or text, offer=offer)


def goodbye(content: Content) -> Answer:
    return Answer(text=content.text("goodbye"), end_session=True)


def causes(content: Content) -> Answer:
    first = content.causes[0]
    text = " ".join(
        [content.text("causes_intro")]
        + [cause.summary for cause in content.causes]
        + [content.text("seek_care")]
    )
    return _informational(
        content,
        text,
        title=content.title("causes_intro"),
        question=content.text("offer_first_cause", cause=first.name),
        offer=cause_offer(0),
    )


def cause_detail(content: Content, index: int) -> Answer:
    cause = content.causes[index]
    text = " ".join([cause.detail, cause.prevention, content.text("seek_care")])
    if index + 1 < len(content.causes):
        following = content.causes[index + 1]
        question = content.text("offer_next_cause", cause=following.name)
        offer = cause_offer(index + 1)
    else:
        question, offer = content.text("offer_prevention"), OFFER_PREVENTION
    return _informational(
        content, text, title=cause.title, question=question, offer=offer, cause_index=index
    )


def about_spasms(content: Content) -> Answer:
    return _topic(content, "about_spasms", "offer_causes", OFFER_CAUSES)


def prevention(content: Content) -> Answer:
    return _topic(content, "prevention", "offer_see_doctor", OFFER_SEE_DOCTOR)


def see_doctor(content: Content) -> Answer:
    return _topic(content, "see_doctor", "offer_anything_else", OFFER_ANYTHING_ELSE)


def next_cause(content: Content, current: int | None) -> Answer:
    following = 0 if current is None else current + 1
    if following >= len(content.causes):
        return prompt(content, "last_cause_reached", offer=OFFER_ANYTHING_ELSE)
    return cause_detail(content, following)


def previous_cause(content: Content, current: int | None) -> Answer:
    if not current:
        first = content.causes[0].name
        return prompt(content, "first_cause_reached", offer=cause_offer(0), cause=first)
    return cause_detail(content, current - 1)


def accept_offer(content: Content, offer: str | None) -> Answer:
    """Answer "yes" by doing what the last question offered."""
    index = offered_cause(offer, len(content.causes))
    if index is not None:
        return cause_detail(content, index)
    if offer in OFFERED_TOPICS:
        return OFFERED_TOPICS[offer](content)
    return prompt(content, "ask_anything")


OFFERED_TOPICS = {OFFER_CAUSES: causes, OFFER_PREVENTION: prevention, OFFER_SEE_DOCTOR: see_doctor}


def decline_offer(content: Content, offer: str | None) -> Answer:
    """Answer "no": turn down an offer, or leave when nothing else is wanted."""
    if offer in (None, OFFER_ANYTHING_ELSE):
        return goodbye(content)
    return prompt(content, "offer_anything_else", offer=OFFER_ANYTHING_ELSE)


def cause_offer(index: int) -> str:
    return f"{CAUSE_OFFER_PREFIX}{index}"


def offered_cause(offer: str | None, cause_count: int) -> int | None:
    """The cause index in an offer, or None; tolerant of tampered session data."""
    if not offer or not offer.startswith(CAUSE_OFFER_PREFIX):
        return None
    number = offer[len(CAUSE_OFFER_PREFIX):]
    if number.isdigit() and int(number) < cause_count:
        return int(number)
    return None


def _topic(content: Content, key: str, question_key: str, offer: str) -> Answer:
    return _informational(
        content,
        content.text(key),
        title=content.title(key),
        question=content.text(question_key),
        offer=offer,
    )


def _informational(
    content: Content,
    text: str,
    title: str | None,
    question: str,
    offer: str,
    cause_index: int | None = None,
) -> Answer:
    return Answer(
        text=text,
        question=question,
        reprompt=question,
        card_title=title or content.skill_name,
        offer=offer,
        cause_index=cause_index,
    )
