"""How long every answer takes to say, measured on the answers the skill composes.

Each answer is built by ``skill.answers`` as a conversation would build it,
with the longest wording of every message that has several, and counted
with its question: what a listener hears before they can speak again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from skill import answers
from skill.answers import Answer, Lines
from skill.content import Content, word_count

# Alexa's speaking pace, for the seconds column.
WORDS_PER_MINUTE = 155
# One or two breaths: Amazon's "be brief" guidance for voice.
MAX_WELCOME_WORDS = 30
MAX_CAUSES_WORDS = 60
MAX_ANSWER_WORDS = 50


@dataclass(frozen=True)
class Measured:
    name: str  # what the answer is, for the table
    field: list[Any]  # where its text lives in the content
    limit: int
    words: int

    @property
    def seconds(self) -> float:
        return self.words * 60 / WORDS_PER_MINUTE


def measure_answers(content: Content) -> list[Measured]:
    return [
        Measured(name, field, limit, word_count(f"{answer.text} {answer.question or ''}"))
        for name, field, limit, answer in _every_answer(content)
    ]


def _every_answer(content: Content) -> Iterator[tuple[str, list[Any], int, Answer]]:
    def lines() -> Lines:
        return Lines(content, pick=answers.longest)

    yield "welcome", ["messages", "welcome"], MAX_WELCOME_WORDS, answers.welcome(lines())
    yield "causes", ["answers", "causes"], MAX_CAUSES_WORDS, answers.causes(lines())
    last = len(content.causes) - 1
    for index, cause in enumerate(content.causes):
        yield f"{cause.name}: detail", ["causes", index, "detail"], MAX_ANSWER_WORDS, answers.cause_detail(
            lines(), index
        )
        yield f"{cause.name}: more", ["causes", index, "more"], MAX_ANSWER_WORDS, answers.cause_more(lines(), index)
        yield f"{cause.name}: all said", ["messages", "cause_said_all"], MAX_ANSWER_WORDS, answers.said_all(
            lines(), index
        )
    yield "after the last cause", ["messages", "last_cause_reached"], MAX_ANSWER_WORDS, answers.next_cause(
        lines(), last
    )
    yield "before the first cause", ["messages", "first_cause_reached"], MAX_ANSWER_WORDS, answers.previous_cause(
        lines(), 0
    )
    for key in content.answers:
        if key != "causes":
            yield key, ["answers", key, "text"], MAX_ANSWER_WORDS, answers.topic(lines(), key)
    yield "emergency", ["messages", "emergency"], MAX_ANSWER_WORDS, answers.emergency(lines())
    yield "goodbye", ["messages", "goodbye"], MAX_ANSWER_WORDS, answers.goodbye(lines())
    for index, term in enumerate(content.terms["other_topics"]):
        yield f"other topic: {term.name}", ["other_topics", index], MAX_ANSWER_WORDS, answers.other_topic(
            lines(), term
        )
    for index, term in enumerate(content.terms["uncovered_topics"]):
        yield f"not covered: {term.name}", ["uncovered_topics", index], MAX_ANSWER_WORDS, answers.not_covered(
            lines(), term
        )
    fields = _longest_fields(content)
    for key in content.message_keys():
        if key not in PARTS:
            yield key, ["messages", key], MAX_ANSWER_WORDS, answers.prompt(lines(), key, **fields)


# Messages that are only ever said inside the answers measured above.
PARTS = frozenset(
    {
        "welcome", "goodbye", "seek_care", "cause_said_all", "last_cause_reached", "first_cause_reached", "emergency",
        "other_topic", "not_covered", "ask_anything", "offer_answer", "offer_cause", "offer_cause_more",
        "offer_next_cause", "offer_anything_else",
    }
)


def _longest_fields(content: Content) -> dict[str, str]:
    """The longest value of every field a message can hold."""

    def longest(names: list[str]) -> str:
        return max(names, key=word_count)

    topics = [term.name for kind in ("other_topics", "uncovered_topics") for term in content.terms[kind]]
    return {
        "cause": longest([cause.name for cause in content.causes]),
        "topic": longest(topics),
        "pitch": longest([entry.pitch for entry in content.answers.values()]),
        "emergency_number": content.emergency_number,
    }


def table(content: Content) -> str:
    """A markdown table of every answer: its words, its seconds and its limit.

    The answers about topics differ only in the topic named: each kind is one
    row, its longest.
    """
    rows: dict[str, Measured] = {}
    counts: dict[str, int] = {}
    for measured in measure_answers(content):
        kind, _, _ = measured.name.partition(": ") if measured.field[0].endswith("_topics") else (measured.name, "", "")
        counts[kind] = counts.get(kind, 0) + 1
        if kind not in rows or measured.words > rows[kind].words:
            rows[kind] = measured
    lines = ["| answer | words | seconds at 155 wpm | limit |", "|---|---:|---:|---:|"]
    for kind, measured in rows.items():
        topic = measured.name.partition(": ")[2]
        name = measured.name if counts[kind] == 1 else f"{kind} (longest of {counts[kind]}: {topic})"
        lines.append(f"| {name} | {measured.words} | {measured.seconds:.1f} | {measured.limit} |")
    return "\n".join(lines)


def main() -> int:
    from skill.content import load_content

    print(table(load_content("en-US")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
