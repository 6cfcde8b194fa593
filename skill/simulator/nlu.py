"""Understanding typed utterances through the interaction model Alexa gets.

A small stand-in for Alexa's language understanding: it knows only the
model's samples and slot values (plus what people say for the built-in
intents), tolerates case, punctuation, fillers, contractions, plurals and
small rewordings, and sends anything it cannot place to the fallback intent.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from skill.model import PACKAGE_DIR, model_path
from skill.simulator import request_builder

BUILTIN_SAMPLES = Path(__file__).with_name("builtin_samples.json")
EQUIVALENTS = Path(__file__).with_name("equivalents.json")
FALLBACK = "AMAZON.FallbackIntent"
YES, NO = "AMAZON.YesIntent", "AMAZON.NoIntent"

# Below this weighted overlap a paraphrase is too far from every sample. Chosen
# between the out-of-domain corpus (at most 0.38) and paraphrases (mostly 0.43+).
MATCH_THRESHOLD = 0.42
# Words that carry little meaning count for little when comparing.
FUNCTION_WORD_WEIGHT = 0.2
FUNCTION_WORDS = (
    "a an the i me my mine you your we our it its is are am be was were do does did "
    "can could would will should shall may might to of for about on in at with and or "
    "so just that this there some any tell know want like get has have"
)
FILLERS = frozenset("um umm uh uhh er erm hmm hm please alexa hey oh".split())
LEADING_FILLERS = frozenset("so well okay ok now".split())
CONTRACTIONS = {
    "what's": "what is", "whats": "what is", "why's": "why is", "how's": "how is",
    "where's": "where is", "that's": "that is", "it's": "it is", "there's": "there is",
    "don't": "do not", "dont": "do not", "doesn't": "does not", "didn't": "did not",
    "isn't": "is not", "aren't": "are not", "can't": "can not", "cannot": "can not",
    "won't": "will not", "wouldn't": "would not", "shouldn't": "should not",
    "i'm": "i am", "im": "i am", "i've": "i have", "i'd": "i would", "i'll": "i will",
    "you're": "you are", "you've": "you have", "they're": "they are", "we're": "we are",
    "let's": "let us", "wanna": "want to", "gonna": "going to",
}
IRREGULAR = {"calves": "calf", "feet": "foot", "children": "child", "women": "woman", "men": "man"}
GENERIC_CARRIER_WORDS = frozenset("what is are the a an".split())
LAUNCH_VERBS = ("open", "start", "launch", "begin", "load", "run", "play", "use", "talk to", "enable")
ONE_SHOT_VERBS = ("ask", "tell")
ONE_SHOT_LINKS = ("to", "about", "for", "if", "whether", "that")
SLOT_TOKEN = "{%s}"
# Word overlap cannot hear polarity: "no, that's okay" shares "okay" with a yes.
# So a negation word anywhere rules out YesIntent, and an affirmation without
# one rules out NoIntent. Whole words after normalise(), which spells "don't"
# out as "do not" (and "isn't", "won't"... likewise).
NEGATIONS = frozenset("no not nope nah never".split())
AFFIRMATIONS = frozenset("yes yeah yep yup".split())


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


@dataclass(frozen=True)
class SlotValue:
    id: str
    name: str
    phrases: tuple[str, ...]  # the name and its synonyms, normalised
    phrase_stems: tuple[tuple[str, ...], ...]  # the same, stemmed once for matching


@dataclass(frozen=True)
class Sample:
    intent: str
    text: str  # normalised, with "{slot}" placeholders
    stems: frozenset[str]  # canonical stems, each slot as its type's token ("{LEG_CRAMP_CAUSE}")
    pattern: re.Pattern[str]

    @property
    def takes_any_words(self) -> bool:
        carrier = {word for word in self.text.split() if not word.startswith("{")}
        return bool(carrier - GENERIC_CARRIER_WORDS)


def normalise(utterance: str) -> str:
    """Lower case, no punctuation, contractions spelled out, fillers dropped."""
    text = utterance.lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9' {}]+", " ", text)
    words: list[str] = []
    for word in text.split():
        word = CONTRACTIONS.get(word, word)
        words.extend(word.replace("'s", "s").replace("'", "").split() if "{" not in word else [word])
    words = [word for word in words if word not in FILLERS]
    while words and words[0] in LEADING_FILLERS and len(words) > 1:
        words.pop(0)
    return " ".join(words)


def stem(word: str) -> str:
    """A crude stemmer: enough that cramps, cramping and cramp compare equal."""
    if word.startswith("{"):
        return word
    word = IRREGULAR.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def stems(text: str) -> list[str]:
    return [stem(word) for word in text.split()]


FUNCTION_STEMS = frozenset(stems(FUNCTION_WORDS))


def canonical_stems(text: str) -> list[str]:
    """Stems with interchangeable words made one (calves, thighs: leg; avoid: prevent)."""
    words = stems(text)
    result: list[str] = []
    position = 0
    while position < len(words):
        for size in (2, 1):
            phrase = tuple(words[position:position + size])
            if len(phrase) == size and phrase in _equivalents():
                result.extend(_equivalents()[phrase])
                position += size
                break
        else:
            result.append(words[position])
            position += 1
    return result


class Understander:
    """Maps utterances to requests using one locale's interaction model."""

    def __init__(self, model: dict[str, Any], builtin_samples: dict[str, list[str]] | None = None) -> None:
        language_model = model["interactionModel"]["languageModel"]
        self.invocation = normalise(language_model["invocationName"])
        self.slot_types = self._slot_types(language_model.get("types", []))
        builtin = builtin_samples if builtin_samples is not None else _builtin_samples()
        self.intent_slots: dict[str, dict[str, str]] = {}
        self.samples: list[Sample] = []
        for intent in language_model["intents"]:
            name = intent["name"]
            self.intent_slots[name] = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for text in [*intent.get("samples", []), *builtin.get(name, [])]:
                self.samples.append(self._sample(name, text))
        self.weights = self._weights()
        self.longest_value = max(
            (len(phrase.split()) for values in self.slot_types.values() for value in values for phrase in value.phrases),
            default=1,
        )

    @classmethod
    def for_locale(cls, locale: str, package_dir: Path = PACKAGE_DIR) -> "Understander":
        """The understander for a locale's model in the skill package (en-US's if it has none)."""
        return _understander(locale, package_dir)

    # Public -------------------------------------------------------------------

    def understand(self, utterance: str) -> Interpretation:
        text = normalise(utterance)
        launch = self._launch(text)
        if launch is not None:
            return launch
        rest, one_shot = self._one_shot(text)
        if one_shot and not rest:
            return Interpretation("LaunchRequest")
        return self.match(rest, one_shot)

    def match(self, text: str, one_shot: bool = False) -> Interpretation:
        """The intent a (normalised) utterance reaches, without invocation words."""
        ruled_out = ruled_out_by_polarity(text)
        exact = self._exact(text, ruled_out)
        if exact is not None:
            return Interpretation("IntentRequest", exact[0], exact[1], one_shot)
        intent, slots, score = self._closest(text, ruled_out)
        if score < MATCH_THRESHOLD:
            return Interpretation("IntentRequest", FALLBACK, {}, one_shot)
        return Interpretation("IntentRequest", intent, slots, one_shot)

    # Invocation ---------------------------------------------------------------

    def _launch(self, text: str) -> Interpretation | None:
        if self._same_words(text, self.invocation):
            return Interpretation("LaunchRequest")
        for verb in LAUNCH_VERBS:
            if text.startswith(verb + " ") and self._same_words(text[len(verb) + 1:], self.invocation):
                return Interpretation("LaunchRequest")
        return None

    def _one_shot(self, text: str) -> tuple[str, bool]:
        words, invocation = text.split(), self.invocation.split()
        if len(words) > len(invocation) and words[0] in ONE_SHOT_VERBS:
            if stems(" ".join(words[1:len(invocation) + 1])) == stems(self.invocation):
                rest = words[len(invocation) + 1:]
                if rest and rest[0] in ONE_SHOT_LINKS and len(rest) > 1:
                    rest = rest[1:]
                return " ".join(rest), True
        return text, False

    @staticmethod
    def _same_words(text: str, invocation: str) -> bool:
        return stems(text) == stems(invocation)

    # Matching -----------------------------------------------------------------

    def _exact(
        self, text: str, ruled_out: frozenset[str] = frozenset()
    ) -> tuple[str, dict[str, dict[str, Any]]] | None:
        """A sample matched word for word; slots resolved where possible.

        A match whose slots resolve beats one that captured unknown words, and
        only a sample with a telling carrier phrase ("tell me about {cause}")
        takes unknown words: "{cause}" alone or "what is {cause}" would
        otherwise swallow any question at all.
        """
        unresolved: tuple[str, dict[str, dict[str, Any]]] | None = None
        for sample in self.samples:
            if sample.intent in ruled_out:
                continue
            found = sample.pattern.fullmatch(text)
            if not found:
                continue
            spoken = found.groupdict()
            resolved = all(self._resolves(sample.intent, name, value) for name, value in spoken.items())
            if resolved:
                return sample.intent, self._fill(sample.intent, spoken)
            if unresolved is None and sample.takes_any_words and self._short_enough(spoken):
                unresolved = sample.intent, self._fill(sample.intent, spoken)
        return unresolved

    def _short_enough(self, spoken: dict[str, str]) -> bool:
        """Unknown words fill a slot only as a name would: no longer than the longest value."""
        return all(len(words.split()) <= self.longest_value for words in spoken.values())

    def _resolves(self, intent: str, slot_name: str, spoken: str) -> bool:
        slot_type = self.intent_slots[intent][slot_name]
        return slot_type not in self.slot_types or self._resolve(slot_type, spoken) is not None

    def _closest(
        self, text: str, ruled_out: frozenset[str] = frozenset()
    ) -> tuple[str, dict[str, dict[str, Any]], float]:
        words, spotted = self._spot_slot_values(text)
        utterance = frozenset(canonical_stems(" ".join(words)))
        best: tuple[str, dict[str, dict[str, Any]], float] = (FALLBACK, {}, 0.0)
        for sample in self.samples:
            if sample.intent in ruled_out:
                continue
            score = self._overlap(utterance, sample.stems)
            if score > best[2]:
                slots = {
                    name: spotted[slot_type]
                    for name, slot_type in self.intent_slots.get(sample.intent, {}).items()
                    if slot_type in spotted and SLOT_TOKEN % slot_type in sample.stems
                }
                best = (sample.intent, self._fill(sample.intent, slots), score)
        return best

    def _spot_slot_values(self, text: str) -> tuple[list[str], dict[str, str]]:
        """Replace the longest known slot value in the words by its type's token."""
        words = text.split()
        word_stems = stems(text)
        best: tuple[int, int, str] | None = None  # start, length, slot type
        for slot_type, values in self.slot_types.items():
            for value in values:
                for phrase_stems in value.phrase_stems:
                    size = len(phrase_stems)
                    for start in range(len(words) - size + 1):
                        if tuple(word_stems[start:start + size]) == phrase_stems and (best is None or size > best[1]):
                            best = (start, size, slot_type)
        if best is None:
            return words, {}
        start, size, slot_type = best
        spoken = " ".join(words[start:start + size])
        return words[:start] + [SLOT_TOKEN % slot_type] + words[start + size:], {slot_type: spoken}

    def _overlap(self, utterance: frozenset[str], sample: frozenset[str]) -> float:
        """Weighted Jaccard: shared meaning over all meaning in either phrase."""
        union = utterance | sample
        if not union:
            return 0.0
        shared = sum(self._weight(token) for token in utterance & sample)
        return shared / sum(self._weight(token) for token in union)

    def _weight(self, token: str) -> float:
        if token in FUNCTION_STEMS:
            return FUNCTION_WORD_WEIGHT
        # A word no sample uses is unknown meaning: as heavy as the rarest word.
        return self.weights.get(token, self.max_weight)

    def _weights(self) -> dict[str, float]:
        """Inverse intent frequency: words that single out an intent weigh most."""
        intents_with: dict[str, set[str]] = {}
        for sample in self.samples:
            for token in sample.stems:
                intents_with.setdefault(token, set()).add(sample.intent)
        intent_count = len({sample.intent for sample in self.samples})
        weights = {token: math.log(1 + intent_count / len(names)) for token, names in intents_with.items()}
        self.max_weight = max(weights.values(), default=1.0)
        for slot_type in self.slot_types:
            weights[SLOT_TOKEN % slot_type] = self.max_weight
        return weights

    # Slots --------------------------------------------------------------------

    def _fill(self, intent: str, spoken: dict[str, str]) -> dict[str, dict[str, Any]]:
        """Slots as Alexa sends them, with entity resolution for custom types."""
        slots: dict[str, dict[str, Any]] = {}
        for name, value in spoken.items():
            slot_type = self.intent_slots[intent][name]
            if slot_type in self.slot_types:
                match = self._resolve(slot_type, value)
                slots.update(request_builder.custom_slot(name, value, match.id if match else None, slot_type))
            else:
                slots[name] = {"name": name, "value": value, "confirmationStatus": "NONE"}
        return slots

    def _resolve(self, slot_type: str, spoken: str) -> SlotValue | None:
        spoken_stems = tuple(stems(normalise(spoken)))
        return next((value for value in self.slot_types[slot_type] if spoken_stems in value.phrase_stems), None)

    @staticmethod
    def _slot_types(types: Iterable[dict[str, Any]]) -> dict[str, list[SlotValue]]:
        return {slot_type["name"]: [_slot_value(value) for value in slot_type.get("values", [])] for slot_type in types}

    def _sample(self, intent: str, text: str) -> Sample:
        normalised = normalise(text)
        pattern = "".join(
            f"(?P<{token[1:-1]}>.+?)" if token.startswith("{") else re.escape(token)
            for token in re.split(r"(\{\w+\})", normalised)
        )
        # "{cause}" compares as "{LEG_CRAMP_CAUSE}", the token a spotted value becomes.
        typed = {SLOT_TOKEN % name: SLOT_TOKEN % slot_type for name, slot_type in self.intent_slots[intent].items()}
        sample_stems = frozenset(typed.get(token, token) for token in canonical_stems(normalised))
        return Sample(intent, normalised, sample_stems, re.compile(pattern))


def _slot_value(value: dict[str, Any]) -> SlotValue:
    name = value["name"]["value"]
    phrases = tuple(normalise(phrase) for phrase in [name, *value["name"].get("synonyms", [])])
    return SlotValue(value.get("id") or name, name, phrases, tuple(tuple(stems(phrase)) for phrase in phrases))


def ruled_out_by_polarity(text: str) -> frozenset[str]:
    """YesIntent if the (normalised) words hold a negation; else NoIntent if they hold an affirmation."""
    words = set(text.split())
    if words & NEGATIONS:
        return frozenset({YES})
    if words & AFFIRMATIONS:
        return frozenset({NO})
    return frozenset()


@lru_cache(maxsize=None)
def _equivalents() -> dict[tuple[str, ...], list[str]]:
    """Stemmed phrase -> stemmed replacement, so every inflection maps too."""
    data = json.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    return {tuple(stems(key)): stems(value) for key, value in data.items() if not key.startswith("_")}


@lru_cache(maxsize=None)
def _builtin_samples() -> dict[str, list[str]]:
    data = json.loads(BUILTIN_SAMPLES.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


@lru_cache(maxsize=8)
def _understander(locale: str, package_dir: Path) -> Understander:
    path = model_path(package_dir, locale)
    if not path.is_file():
        path = model_path(package_dir, request_builder.DEFAULT_LOCALE)
    return Understander(json.loads(path.read_text(encoding="utf-8")))
