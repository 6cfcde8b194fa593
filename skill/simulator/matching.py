"""Which intent a normalised utterance reaches, and the words that fill its slots.

Two steps, over a ``LanguageModel``:

1. a sample matched word for word (slots take any words, preferring words
   that name a known value);
2. otherwise the sample closest in meaning: a weighted overlap of canonical
   stems, with a known slot value spotted in the utterance standing as its
   type's token. Below ``MATCH_THRESHOLD`` nothing is close enough.

A polarity rule runs first: word overlap cannot hear that "no, that's okay"
is not a yes. The scorer is ``Matcher.overlap``; a better one (fuzzy words,
embeddings) replaces that method and the threshold, nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from skill.simulator.language_model import LanguageModel, Sample, slot_token
from skill.simulator.text import canonical_stems, stems
from skill.simulator.vocabulary import vocabulary

YES, NO = "AMAZON.YesIntent", "AMAZON.NoIntent"

# Below this weighted overlap a paraphrase is too far from every sample. Chosen
# between the out-of-domain corpus (at most 0.38) and paraphrases (mostly 0.43+).
MATCH_THRESHOLD = 0.42
# Words that carry little meaning count for little when comparing.
FUNCTION_WORD_WEIGHT = 0.2


@dataclass(frozen=True)
class Match:
    intent: str
    slots: dict[str, str]  # slot name -> the words that fill it, as spoken


def ruled_out_by_polarity(text: str) -> frozenset[str]:
    """YesIntent if the (normalised) words hold a negation; else NoIntent if they hold an affirmation.

    Whole words after normalising, which spells "don't" out as "do not".
    """
    words = set(text.split())
    if words & vocabulary().negations:
        return frozenset({YES})
    if words & vocabulary().affirmations:
        return frozenset({NO})
    return frozenset()


class Matcher:
    """Matches normalised utterances against one locale's samples."""

    def __init__(self, model: LanguageModel) -> None:
        self.model = model
        self.function_stems = frozenset(stems(" ".join(vocabulary().function_words)))
        self.weights, self.max_weight = self._weights()

    def match(self, text: str) -> Match | None:
        """The intent a (normalised) utterance reaches, without invocation words; None: nothing near."""
        ruled_out = ruled_out_by_polarity(text)
        return self.exact(text, ruled_out) or self.closest(text, ruled_out)

    # Word for word -----------------------------------------------------------

    def exact(self, text: str, ruled_out: frozenset[str] = frozenset()) -> Match | None:
        """A sample matched word for word; slots resolved where possible.

        A match whose slots resolve beats one that captured unknown words, and
        only a sample with a telling carrier phrase ("tell me about {cause}")
        takes unknown words: "{cause}" alone or "what is {cause}" would
        otherwise swallow any question at all.
        """
        unresolved: Match | None = None
        for sample in self.model.samples:
            if sample.intent in ruled_out:
                continue
            found = sample.pattern.fullmatch(text)
            if not found:
                continue
            spoken = found.groupdict()
            if all(self._resolves(sample.intent, name, value) for name, value in spoken.items()):
                return Match(sample.intent, spoken)
            if unresolved is None and takes_any_words(sample) and self._short_enough(spoken):
                unresolved = Match(sample.intent, spoken)
        return unresolved

    def _short_enough(self, spoken: dict[str, str]) -> bool:
        """Unknown words fill a slot only as a name would: no longer than the longest value."""
        return all(len(words.split()) <= self.model.longest_value for words in spoken.values())

    def _resolves(self, intent: str, slot_name: str, spoken: str) -> bool:
        slot_type = self.model.intent_slots[intent][slot_name]
        return not self.model.is_custom(slot_type) or self.model.resolve(slot_type, spoken) is not None

    # Closest in meaning ------------------------------------------------------

    def closest(self, text: str, ruled_out: frozenset[str] = frozenset()) -> Match | None:
        """The sample nearest in meaning, if near enough (``MATCH_THRESHOLD``)."""
        words, spotted = self._spot_slot_values(text)
        utterance = frozenset(canonical_stems(" ".join(words)))
        best: Sample | None = None
        best_score = 0.0
        for sample in self.model.samples:
            if sample.intent in ruled_out:
                continue
            score = self.overlap(utterance, sample.stems)
            if score > best_score:
                best, best_score = sample, score
        if best is None or best_score < MATCH_THRESHOLD:
            return None
        slots = {
            name: spotted[slot_type]
            for name, slot_type in self.model.intent_slots.get(best.intent, {}).items()
            if slot_type in spotted and slot_token(slot_type) in best.stems
        }
        return Match(best.intent, slots)

    def _spot_slot_values(self, text: str) -> tuple[list[str], dict[str, str]]:
        """Replace the longest known slot value in the words by its type's token."""
        words = text.split()
        word_stems = stems(text)
        best: tuple[int, int, str] | None = None  # start, length, slot type
        for slot_type, values in self.model.slot_types.items():
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
        return words[:start] + [slot_token(slot_type)] + words[start + size:], {slot_type: spoken}

    # The scorer --------------------------------------------------------------

    def overlap(self, utterance: frozenset[str], sample: frozenset[str]) -> float:
        """Weighted Jaccard: shared meaning over all meaning in either phrase."""
        union = utterance | sample
        if not union:
            return 0.0
        shared = sum(self._weight(token) for token in utterance & sample)
        return shared / sum(self._weight(token) for token in union)

    def _weight(self, token: str) -> float:
        if token in self.function_stems:
            return FUNCTION_WORD_WEIGHT
        # A word no sample uses is unknown meaning: as heavy as the rarest word.
        return self.weights.get(token, self.max_weight)

    def _weights(self) -> tuple[dict[str, float], float]:
        """Inverse intent frequency: words that single out an intent weigh most.

        Also the heaviest weight, which unknown words and slot tokens get.
        """
        intents_with: dict[str, set[str]] = {}
        for sample in self.model.samples:
            for token in sample.stems:
                intents_with.setdefault(token, set()).add(sample.intent)
        intent_count = len({sample.intent for sample in self.model.samples})
        weights = {token: math.log(1 + intent_count / len(names)) for token, names in intents_with.items()}
        max_weight = max(weights.values(), default=1.0)
        for slot_type in self.model.slot_types:
            weights[slot_token(slot_type)] = max_weight
        return weights, max_weight


def takes_any_words(sample: Sample) -> bool:
    """Whether the sample's words outside its slots say enough to take unknown words into them."""
    carrier = {word for word in sample.text.split() if not word.startswith("{")}
    return bool(carrier - vocabulary().generic_carrier_words)
