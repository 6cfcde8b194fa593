"""Text utilities: an utterance normalised, its words stemmed, interchangeable words made one.

Both what people type and the model's samples and slot values go through
these, so they compare word for word. Nothing here knows an intent.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Protocol

import snowballstemmer

from skill.simulator.vocabulary import equivalents, vocabulary


def normalise_utterance(utterance: str) -> str:
    """Lower case, no punctuation, contractions spelled out, fillers dropped.

    ``{slot}`` placeholders (in samples) pass through unchanged.
    """
    words_of = vocabulary()
    text = utterance.lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9' {}]+", " ", text)
    words: list[str] = []
    for word in text.split():
        word = words_of.contractions.get(word, word)
        words.extend(word.replace("'s", "s").replace("'", "").split() if "{" not in word else [word])
    words = [
        word for i, word in enumerate(words)
        if word not in words_of.fillers or (i and words[i - 1] in words_of.fillers_kept_after.get(word, ()))
    ]
    while words and words[0] in words_of.leading_fillers and len(words) > 1:
        words.pop(0)
    return " ".join(words)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a word, so cramps, cramping and cramped compare equal.

    Irregular plurals (calves, feet) are made singular first, a few words keep
    a stem of their own (``stem_exceptions``); ``{slot}`` tokens pass through.
    """
    if word.startswith("{"):
        return word
    words = vocabulary()
    if word in words.stem_exceptions:
        return words.stem_exceptions[word]
    return _english().stemWord(words.irregular_plurals.get(word, word))


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...  # the library's spelling


@cache
def _english() -> _Stemmer:
    stemmer: _Stemmer = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    """A word with its plural ending taken off, nothing more: how slot values are told apart.

    Alexa resolves a slot value by what was said, so "dieting" stays apart from
    "diet" and "cramping" from "cramp", while "hurts" is "hurt" and "calves" "calf".
    """
    word = vocabulary().irregular_plurals.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def singulars(text: str) -> tuple[str, ...]:
    """The singular of each word of a (normalised) text."""
    return tuple(singular(word) for word in text.split())


def stems(text: str) -> list[str]:
    """The stem of each word of a (normalised) text."""
    return [stem(word) for word in text.split()]


def canonical_stems(text: str) -> list[str]:
    """Stems with interchangeable words made one (calves, thighs: leg; avoid: prevent)."""
    words = stems(text)
    replacements = _stemmed_equivalents()
    result: list[str] = []
    position = 0
    while position < len(words):
        for size in (3, 2, 1):
            phrase = tuple(words[position:position + size])
            if len(phrase) == size and phrase in replacements:
                result.extend(replacements[phrase])
                position += size
                break
        else:
            result.append(words[position])
            position += 1
    return result


@cache
def _stemmed_equivalents() -> dict[tuple[str, ...], list[str]]:
    """Stemmed phrase -> stemmed replacement, so every inflection maps too."""
    return {tuple(stems(key)): stems(value) for key, value in equivalents().items()}
