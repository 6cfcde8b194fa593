"""What the skill says, composed from content: the conversation's logic.

Nothing here knows about ask-sdk or HTTP. Each function takes the session's
``Lines`` (the locale's content as this session has heard it) and returns an
``Answer``; ``skill.speech`` turns it into a response.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from skill.content import Content, Term

# What "yes" (or "tell me more") does after each question. Offers that name a
# cause carry its index: "cause:1" is its detail, "more:1" what helps with it.
OFFER_ANYTHING_ELSE = "anything_else"
ANSWER_PREFIX, CAUSE_PREFIX, MORE_PREFIX = "answer:", "cause:", "more:"
# The one list the skill reads out; "the second one" picks from it.
CAUSES_LIST = "causes"


@dataclass(frozen=True)
class Answer:
    """One turn of speech before it becomes SSML, a card and session state."""

    text: str
    question: str | None = None
    card_title: str | None = None
    offer: str | None = None
    # What the answer was about ("cause:0", "more:0", "answer:duration"), so
    # "tell me more" knows whether anything more is left to say.
    subject: str | None = None
    cause_index: int | None = None
    listed: str | None = None  # the list the answer read out, if any
    end_session: bool = False
    # Whether "say that again" repeats this answer; a note that one was just said does not replace it.
    remembered: bool = True

    @property
    def informational(self) -> bool:
        """Answers with a card carry content; a one-shot request ends after them."""
        return self.card_title is not None


def digest(line: str) -> str:
    """A short, stable name for a line, for the session's memory of what it heard."""
    return format(zlib.crc32(line.encode("utf-8")), "08x")


Picker = Callable[[list[str], dict[str, int]], str]


def least_recently_heard(wordings: list[str], heard: dict[str, int]) -> str:
    """A wording not heard yet, in content order; else the one heard longest ago."""
    return min(wordings, key=lambda line: heard.get(digest(line), -1))


def longest(wordings: list[str], heard: dict[str, int]) -> str:
    """The longest wording: what the length checks measure."""
    return max(wordings, key=lambda line: len(line.split()))


class Lines:
    """A locale's content as one session hears it.

    Messages with several wordings (the seek-care advice, the questions) come
    out in a wording the person has not heard yet this session, so walking
    the causes never says the same sentence twice.
    """

    def __init__(self, content: Content, heard: Iterable[str] = (), pick: Picker = least_recently_heard) -> None:
        self.content = content
        # Digests of the wordings heard this session, oldest first; the session keeps them.
        self.history: list[str] = list(heard)
        self._pick = pick

    def mark_raised(self, subject: str) -> None:
        """Remember that an answer was given or offered, so it is not offered again this session."""
        if not self.raised(subject):
            self.history.append(digest(subject))

    def raised(self, subject: str) -> bool:
        return digest(subject) in self.history

    def heard_all(self, key: str) -> bool:
        """Whether every wording of the message (one without fields) was said this session."""
        return self._digests(key) <= set(self.history)

    def heard(self, key: str) -> bool:
        """Whether any wording of the message (one without fields) was said this session."""
        return not self._digests(key).isdisjoint(self.history)

    def _digests(self, key: str) -> set[str]:
        return {digest(wording) for wording in self.content.variants(key)}

    def say(self, key: str, **fields: str) -> str:
        wordings = [wording.format(**fields) for wording in self.content.variants(key)]
        if len(wordings) == 1:
            return wordings[0]
        line = self._pick(wordings, {name: order for order, name in enumerate(self.history)})
        self.history.append(digest(line))
        return line


# Prompts ----------------------------------------------------------------------


# Prompts that name the three causes, so "the second one" can follow them.
LISTING_PROMPTS = frozenset({"which_cause", "unknown_cause", "no_list"})


def prompt(lines: Lines, key: str, offer: str | None = None, **fields: str) -> Answer:
    """A message that asks something: its own question, or an open one."""
    text = lines.say(key, **fields)
    question = lines.content.question(key) or lines.say("ask_anything")
    listed = CAUSES_LIST if key in LISTING_PROMPTS else None
    return Answer(text=text, question=question, offer=offer, listed=listed)


def welcome(lines: Lines) -> Answer:
    return prompt(lines, "welcome")


def not_understood(lines: Lines, offer: str | None, subject: str | None) -> Answer:
    """The fallback: with a question pending, a short apology and that question again, so
    "yes" still means what it meant; else what the skill can do."""
    return _back_to_pending(lines, offer, subject, lead="fallback_offer", alone="fallback")


def help_prompt(lines: Lines, offer: str | None, subject: str | None) -> Answer:
    """What to say; then back to the question pending, if one is."""
    return _back_to_pending(lines, offer, subject, lead="help", alone="help")


def just_said(lines: Lines, offer: str | None, subject: str | None) -> Answer:
    """The answer just given, asked for again in other words: say so, not the same sentences twice,
    and ask the pending question again. "Say that again" still repeats the answer itself."""
    question, offer = _reoffer(lines, offer) or (lines.say("ask_anything"), offer)
    return Answer(lines.say("just_said"), question, offer=offer, subject=subject, remembered=False)


def _back_to_pending(lines: Lines, offer: str | None, subject: str | None, lead: str, alone: str) -> Answer:
    """The message ``lead`` and the question pending, asked again in other words; the prompt ``alone``
    when no answer is offered."""
    pending = _reoffer(lines, offer)
    if pending is None:
        return prompt(lines, alone)
    question, offer = pending
    return Answer(lines.say(lead), question, offer=offer, subject=subject)


def goodbye(lines: Lines) -> Answer:
    return Answer(text=lines.say("goodbye"), end_session=True)


def emergency(lines: Lines) -> Answer:
    """Said first and alone: where to get help, and that the skill cannot judge."""
    content = lines.content
    text = lines.say("emergency", emergency_number=content.emergency_number)
    return Answer(text=text, card_title=content.title("emergency"), end_session=True)


# Content answers --------------------------------------------------------------


def causes(lines: Lines) -> Answer:
    content = lines.content
    entry = content.answers["causes"]
    text = _join(entry.text, *(cause.summary for cause in content.causes), lines.say("seek_care"))
    question, offer = _offer(lines, f"{CAUSE_PREFIX}0")
    return Answer(
        text, question, entry.title, offer, subject=f"{ANSWER_PREFIX}causes", listed=CAUSES_LIST
    )


def topic(lines: Lines, key: str) -> Answer:
    """A direct answer to one question, then an offer of the one that follows it."""
    if key == "causes":
        return causes(lines)
    entry = lines.content.answers[key]
    # Causes and cause details always end with the advice; a direct answer adds it only
    # until the person has heard it once this session.
    advise = entry.seek_care and not lines.heard("seek_care")
    text = _join(entry.text, lines.say("seek_care") if advise else "")
    question, offer = _offer(lines, _as_offer(entry.offer))
    return Answer(text, question, entry.title, offer, subject=f"{ANSWER_PREFIX}{key}")


def cause_detail(lines: Lines, index: int) -> Answer:
    cause = lines.content.causes[index]
    text = _join(cause.detail, lines.say("seek_care"))
    question, offer = _offer(lines, f"{MORE_PREFIX}{index}")
    return Answer(text, question, cause.title, offer, subject=f"{CAUSE_PREFIX}{index}", cause_index=index)


def cause_more(lines: Lines, index: int) -> Answer:
    """What helps with one cause: the rest of what the source says about it."""
    cause = lines.content.causes[index]
    question, offer = _offer(lines, _after_cause(lines.content, index), "offer_next_cause")
    return Answer(cause.more, question, cause.title, offer, subject=f"{MORE_PREFIX}{index}", cause_index=index)


def said_all(lines: Lines, index: int) -> Answer:
    """"Tell me more" when nothing more is left: say so, and offer what comes next."""
    text = lines.say("cause_said_all", cause=lines.content.causes[index].name)
    question, offer = _offer(lines, _after_cause(lines.content, index), "offer_next_cause")
    return Answer(text, question, offer=offer, subject=f"{MORE_PREFIX}{index}", cause_index=index)


def more(lines: Lines, subject: str | None, offer: str | None) -> Answer:
    """"Tell me more": more on what was just said, never a silent change of subject."""
    count = len(lines.content.causes)
    detail, more_of = _indexed(subject, CAUSE_PREFIX, count), _indexed(subject, MORE_PREFIX, count)
    if detail is not None:
        return cause_more(lines, detail)
    if more_of is not None:
        return said_all(lines, more_of)
    if offer not in (None, OFFER_ANYTHING_ELSE):
        return accept_offer(lines, offer)
    return prompt(lines, "which_cause")


def next_cause(lines: Lines, current: int | None) -> Answer:
    following = 0 if current is None else current + 1
    if following >= len(lines.content.causes):
        text = lines.say("last_cause_reached")
        question, offer = _offer(lines, f"{ANSWER_PREFIX}prevention")
        return Answer(text, question, offer=offer)
    return cause_detail(lines, following)


def previous_cause(lines: Lines, current: int | None) -> Answer:
    if not current:
        question, offer = _offer(lines, f"{CAUSE_PREFIX}0")
        return Answer(lines.say("first_cause_reached"), question, offer=offer)
    return cause_detail(lines, current - 1)


def list_item(lines: Lines, position: Term | None, listed: str | None) -> Answer:
    """"The second one": an item of the list just heard."""
    if listed != CAUSES_LIST:
        return prompt(lines, "no_list")
    if position is None or position.index is None:
        return prompt(lines, "which_cause")
    return cause_detail(lines, position.index % len(lines.content.causes))


def other_topic(lines: Lines, topic: Term | None) -> Answer:
    if topic is None:
        return prompt(lines, "other_topic_unnamed")
    return prompt(lines, "other_topic", topic=topic.name)


def not_covered(lines: Lines, topic: Term | None) -> Answer:
    """Say plainly that the source is silent, then offer what it does say nearby."""
    if topic is None or topic.related not in lines.content.answers:
        return prompt(lines, "not_covered_unnamed")
    text = lines.say("not_covered", topic=topic.name)
    question, offer = _offer(lines, f"{ANSWER_PREFIX}{topic.related}")
    return Answer(text, question, offer=offer)


# Yes and no -------------------------------------------------------------------


def accept_offer(lines: Lines, offer: str | None) -> Answer:
    """Answer "yes" by doing what the last question offered."""
    count = len(lines.content.causes)
    for prefix, answer_for in ((CAUSE_PREFIX, cause_detail), (MORE_PREFIX, cause_more)):
        index = _indexed(offer, prefix, count)
        if index is not None:
            return answer_for(lines, index)
    key = _answer_key(offer)
    if key in lines.content.answers:
        return topic(lines, key)
    return Answer(lines.say("ask_anything"))


def decline_offer(lines: Lines, offer: str | None) -> Answer:
    """Answer "no": turn down an offer, or leave when nothing else is wanted."""
    if offer in (None, OFFER_ANYTHING_ELSE):
        return goodbye(lines)
    return Answer(lines.say("offer_anything_else"), offer=OFFER_ANYTHING_ELSE)


# Offers -----------------------------------------------------------------------


def _offer(lines: Lines, offer: str | None, cause_question: str = "offer_cause") -> tuple[str, str]:
    """The question that offers ``offer``, and the offer as the session keeps it.

    ``cause_question`` words the offer of a cause: "offer_next_cause" while walking them.
    """
    content = lines.content
    cause_offer = _cause_offer(lines, offer, cause_question)
    if cause_offer is not None:
        return cause_offer, offer or ""
    answer_key = _unheard_answer(lines, _answer_key(offer))
    if answer_key is not None:
        lines.mark_raised(f"{ANSWER_PREFIX}{answer_key}")
        pitch = content.answers[answer_key].pitch
        return lines.say("offer_answer", pitch=pitch), f"{ANSWER_PREFIX}{answer_key}"
    # Every answer along the way given or offered: an open question, in a wording not heard yet.
    closing = "ask_anything" if lines.heard_all("offer_anything_else") else "offer_anything_else"
    return lines.say(closing), OFFER_ANYTHING_ELSE


def _cause_offer(lines: Lines, offer: str | None, cause_question: str) -> str | None:
    """The question offering a cause ("cause:<index>") or more on one ("more:<index>"); None for other offers."""
    causes = lines.content.causes
    for prefix, key in ((CAUSE_PREFIX, cause_question), (MORE_PREFIX, "offer_cause_more")):
        index = _indexed(offer, prefix, len(causes))
        if index is not None:
            return lines.say(key, cause=causes[index].name)
    return None


def _reoffer(lines: Lines, offer: str | None) -> tuple[str, str] | None:
    """The offer still pending, asked again in a wording not heard yet; None when no answer is offered."""
    question = _cause_offer(lines, offer, "offer_cause")
    if question is not None and offer:
        return question, offer
    key = _answer_key(offer)
    if offer and key in lines.content.answers:
        return lines.say("offer_answer", pitch=lines.content.answers[key].pitch), offer
    return None


def _unheard_answer(lines: Lines, key: str | None) -> str | None:
    """The offered answer, or, if it was given or offered already, the first along its offers that was not."""
    answers = lines.content.answers
    seen: set[str] = set()
    while key in answers and key not in seen:
        if not lines.raised(f"{ANSWER_PREFIX}{key}"):
            return key
        seen.add(key)
        key = _answer_key(_as_offer(answers[key].offer))
    return None


def _after_cause(content: Content, index: int) -> str:
    """After one cause, the next; after the last, prevention."""
    if index + 1 < len(content.causes):
        return f"{CAUSE_PREFIX}{index + 1}"
    return f"{ANSWER_PREFIX}prevention"


def _as_offer(target: str | None) -> str | None:
    """Content names an offer as an answer key or "cause:<index>"."""
    if target is None or target.startswith(CAUSE_PREFIX):
        return target
    return f"{ANSWER_PREFIX}{target}"


def _answer_key(offer: str | None) -> str:
    """The answer key in "answer:<key>", or "" for any other offer."""
    return offer.removeprefix(ANSWER_PREFIX) if offer and offer.startswith(ANSWER_PREFIX) else ""


def _indexed(offer: str | None, prefix: str, count: int) -> int | None:
    """The index in "<prefix><index>", or None; tolerant of tampered session data."""
    if not offer or not offer.startswith(prefix):
        return None
    number = offer[len(prefix):]
    if number.isdigit() and int(number) < count:
        return int(number)
    return None


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)
