"""Turning an ``Answer`` into SSML, a card and the words a listener hears."""

from __future__ import annotations

import re

from skill.answers import Answer

# Alexa's limit on outputSpeech; content validation keeps answers far below it.
MAX_SPEECH_CHARS = 8000

_TAG = re.compile(r"<[^>]+>")
# Written out rather than imported from xml.sax.saxutils, whose imports (urllib,
# email, ssl) add about 25 ms to every Lambda cold start. "&" goes first.
_XML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
# Characters XML 1.0 forbids even escaped: one of them makes the SSML no document at all.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    for character, entity in _XML_ESCAPES:
        text = text.replace(character, entity)
    return text


def unescape(text: str) -> str:
    for character, entity in reversed(_XML_ESCAPES):
        text = text.replace(entity, character)
    return text


def to_ssml(text: str) -> str:
    """Wrap plain text as SSML, escaping the characters XML reserves and dropping those it forbids."""
    return f"<speak>{escape(_NOT_XML.sub('', text))}</speak>"


def ssml_to_text(ssml: str) -> str:
    """What a listener hears, for logs, simulators and tests."""
    return " ".join(unescape(_TAG.sub(" ", ssml)).split())


def spoken(answer: Answer, one_shot: bool) -> tuple[str, str | None, bool]:
    """Speech, reprompt and whether the session ends, for this turn.

    A one-shot request ("Alexa, ask leg cramp guide why my legs cramp") gets the
    information and nothing more, so the seek-care advice is the last sentence.
    """
    if answer.end_session or (one_shot and answer.informational):
        return answer.text, None, True
    if answer.question is None:
        return answer.text, answer.text, False
    return f"{answer.text} {answer.question}", answer.question, False
