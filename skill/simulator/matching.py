"""Which intent a normalised utterance reaches, and the words that fill its slots.

A stand-in for Alexa's statistical understanding, over a ``LanguageModel``:

1. a sample matched word for word whose slots all take known values;
2. otherwise the sample closest in meaning (``Matcher.score``). Slot values
   named in the utterance are spotted first, every one of them ("swollen and
   red" names two), everyday words among them ("blue", "hot") only in a
   sentence about the body; each sample sees them as its slots' type tokens
   where it takes those types, and as plain words where it does not, as a
   joint reading of intent and slots would. Words the model never says can
   stand as the value of an open slot type (other topics, uncovered ones,
   causes) where the sample says everything else around them, as Alexa
   fills a custom slot with words it has never heard. The score weighs how
   much of the utterance's meaning the sample (and, at a discount, the rest
   of its intent's samples) accounts for against how much of the sample the
   utterance says, with neighbouring word pairs for word order. Below
   ``MATCH_THRESHOLD`` nothing is close enough;
3. then precedence: a red flag (a SYMPTOM value) or, outside the domain,
   another health topic the closest sample does not account for hands the
   utterance to the intent that takes it, however its samples are worded
   (``vocabulary.json``, ``precedence_slot_types``); and a leg-cramp sample
   whose domain words the utterance replaces with unknown ones ("how do i
   prevent shingles") is no match;
4. then a sample matched word for word whose open slot took unknown words;
5. last, a yes or a no said first ("no, that's okay then").

A polarity rule runs first too: word overlap cannot hear that "no, that's okay"
is not a yes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from skill.simulator.language_model import LanguageModel, Sample, bigrams, slot_token
from skill.simulator.text import canonical_stems, singulars, stems
from skill.simulator.vocabulary import vocabulary

YES, NO = "AMAZON.YesIntent", "AMAZON.NoIntent"

# Below this score a paraphrase is too far from every sample.
MATCH_THRESHOLD = 0.5
# A slot type's token, as a share of the heaviest weight.
SLOT_TOKEN_SHARE = 1.0
# The score of a slot sample that shares nothing with the utterance but its slot's
# value and carrier words, as a share.
SLOT_ONLY_SHARE = 0.9
# Domain words ("leg", "cramp"), as a share of the heaviest weight.
DOMAIN_WORD_SHARE = 1.0
# Words that carry little meaning count for little when comparing.
FUNCTION_WORD_WEIGHT = 0.2
# A word no sample says, as a share of the heaviest weight: unknown meaning that
# the sample does not account for, but no proof that the utterance means another thing.
UNKNOWN_WORD_SHARE = 0.8
# A word of the utterance that the sample lacks but another sample of its intent says
# counts this much as accounted for: the intent, not one phrasing, is what is learnt.
INTENT_WORD_SHARE = 0.5
# Neighbouring word pairs that the utterance and the sample share weigh this share of
# their intent-frequency weight: "my back" is not "go back".
BIGRAM_SHARE = 0.5
# How much more the share of the utterance accounted for counts than the share of the
# sample said (the F-beta of the two): a short sample that says one word of a long
# utterance is not a match.
UTTERANCE_EMPHASIS = 2.0


@dataclass(frozen=True)
class Match:
    intent: str
    slots: dict[str, str]  # slot name -> the words that fill it, as spoken


@dataclass(frozen=True)
class Span:
    """Words of the utterance that name a known slot value."""

    start: int
    end: int
    types: frozenset[str]  # every slot type with a value of these words
    spoken: str


@dataclass
class Utterance:
    """A normalised utterance with its slot values spotted, read as each sample needs it."""

    words: tuple[str, ...]
    spans: tuple[Span, ...]
    unknown: tuple[tuple[int, int], ...] = ()  # runs of words no sample or slot value says
    _readings: dict[tuple[frozenset[str], str | None], tuple[frozenset[str], frozenset[str]]] = field(
        default_factory=dict
    )

    def reading(
        self, slot_types: frozenset[str], open_type: str | None = None
    ) -> tuple[frozenset[str], frozenset[str]]:
        """Canonical stems and bigrams, each value of these types as its type's token, other values as words.

        With ``open_type``, each run of unknown words reads as that type's token
        too: Alexa fills a custom slot with words it has never heard.
        """
        typed = frozenset(t for span in self.spans for t in span.types if t in slot_types)
        key = (typed, open_type if self.unknown else None)
        if key not in self._readings:
            words: list[str] = []
            for start, end, types in self._pieces():
                token_type = next((t for t in sorted(types) if t in typed), None) if types else None
                if types is not None and not types and open_type:
                    token_type = open_type  # unknown words, read as the open slot
                words.extend([slot_token(token_type)] if token_type else self.words[start:end])
            sequence = canonical_stems(" ".join(words))
            self._readings[key] = frozenset(sequence), bigrams(sequence)
        return self._readings[key]

    def _pieces(self) -> list[tuple[int, int, frozenset[str] | None]]:
        """The words in order as plain runs (None), unknown runs (no types) and spotted values (their types)."""
        marks = sorted([(span.start, span.end, span.types) for span in self.spans]
                       + [(start, end, frozenset()) for start, end in self.unknown])
        pieces: list[tuple[int, int, frozenset[str] | None]] = []
        position = 0
        for start, end, types in marks:
            if start > position:
                pieces.append((position, start, None))
            pieces.append((start, end, types))
            position = end
        if position < len(self.words):
            pieces.append((position, len(self.words), None))
        return pieces

    def unknown_stems(self) -> frozenset[str]:
        return frozenset(canonical_stems(" ".join(w for start, end in self.unknown for w in self.words[start:end])))

    def unknown_words(self) -> str | None:
        """The first run of unknown words, as spoken."""
        return " ".join(self.words[self.unknown[0][0]:self.unknown[0][1]]) if self.unknown else None

    def spans_of(self, slot_type: str) -> list[Span]:
        return [span for span in self.spans if slot_type in span.types]

    @cached_property
    def words_outside_spans(self) -> frozenset[str]:
        inside = {i for span in self.spans for i in range(span.start, span.end)}
        return frozenset(canonical_stems(" ".join(w for i, w in enumerate(self.words) if i not in inside)))


@dataclass(frozen=True)
class Scored:
    score: float
    sample: Sample
    utterance: Utterance


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


def leading_polarity(text: str) -> Match | None:
    """A yes or a no said first, when nothing else fits ("no that's okay then")."""
    first = text.split()[0] if text else ""
    if first in vocabulary().negations:
        return Match(NO, {})
    if first in vocabulary().affirmations:
        return Match(YES, {})
    return None


CRAMP_STEM = "cramp"
EMERGENCY = "EmergencyIntent"
FIRST_PERSON = frozenset({"i", "me", "my"})


class Matcher:
    """Matches normalised utterances against one locale's samples."""

    def __init__(self, model: LanguageModel) -> None:
        self.model = model
        self.function_stems = frozenset(stems(" ".join(vocabulary().function_words)))
        self.carrier_stems = self.function_stems | frozenset(
            stems(" ".join(vocabulary().generic_carrier_words))
        ) | {slot_token(slot_type) for slot_type in model.slot_types}
        self.weights, self.max_weight = self._weights(sample.stems for sample in model.samples)
        self.bigram_weights, _ = self._weights(sample.bigrams for sample in model.samples)
        self.intent_words: dict[str, frozenset[str]] = {}
        for sample in model.samples:
            self.intent_words[sample.intent] = self.intent_words.get(sample.intent, frozenset()) | sample.stems
        self._phrases = [
            (form, tuple(phrase.split()), slot_type)
            for slot_type, values in model.slot_types.items()
            for value in values
            for phrase, form in zip(value.phrases, value.phrase_forms, strict=True)
        ]
        # Every stem the model says, in a sample or a slot value: the rest is unknown to it.
        self.known_stems = frozenset(self.weights) | self.function_stems | frozenset(
            token for form, _, _ in self._phrases for token in canonical_stems(" ".join(form))
        )
        self.context_bound = frozenset(tuple(phrase.split()) for phrase in vocabulary().context_bound_values)
        self.context_stems = frozenset(canonical_stems(" ".join(vocabulary().context_words)))
        self.context_breaker_stems = frozenset(canonical_stems(" ".join(vocabulary().context_breakers)))
        # Words of the world are known for what they are: never a symptom in words the model lacks.
        self.known_stems |= self.context_breaker_stems
        self.not_of_a_person_stems = frozenset(canonical_stems(" ".join(vocabulary().not_of_a_person)))
        self.possessives = vocabulary().possessives

    def match(self, text: str) -> Match | None:
        """The intent a (normalised) utterance reaches, without invocation words; None: nothing near."""
        if self._about_no_person(text):
            return None  # "how do i cook a leg of lamb"
        ruled_out = ruled_out_by_polarity(text)
        if any(f" {marker} " in f" {text} " for marker in vocabulary().long_ago):
            ruled_out |= {EMERGENCY}  # "i broke my leg years ago and now it cramps": not an emergency now
        return (
            self.exact(text, ruled_out)
            or self.closest(text, ruled_out)
            or self.exact(text, ruled_out, unknown_words=True)
            or leading_polarity(text)
        )

    def _about_no_person(self, text: str) -> bool:
        """Whether the leg or cramp spoken of is an animal's, a dish's or a thing's: one of them
        named ("how do i cook a leg of lamb"), or owned ("my dog's leg"), and no person's own
        cramp said ("my legs cramp when i cook")."""
        text_stems = set(canonical_stems(text))
        if self.not_of_a_person_stems.isdisjoint(text_stems):
            return False
        words = text.split()
        owned = {
            stem
            for word, following in zip(words, words[1:], strict=False)
            if word in self.possessives
            for stem in canonical_stems(following)
        }
        if owned & vocabulary().domain_body_parts:
            return False  # "my calf cramps when i hold my cat"
        if owned & self.not_of_a_person_stems:
            return True  # "my dog's leg", "my dog has leg cramps"
        return not (FIRST_PERSON & set(words) and CRAMP_STEM in text_stems)  # "i cramp when i cook"

    # Word for word -----------------------------------------------------------

    def exact(self, text: str, ruled_out: frozenset[str] = frozenset(), unknown_words: bool = False) -> Match | None:
        """A sample matched word for word whose slots take known values.

        With ``unknown_words``, one whose slot took words that name no known
        value, as long as the sample's carrier phrase is telling ("tell me
        about {cause}"): "{cause}" alone or "what is {cause}" would otherwise
        swallow any question at all.
        """
        for sample in self.model.samples:
            if sample.intent in ruled_out:
                continue
            found = sample.pattern.fullmatch(text)
            if not found:
                continue
            spoken = found.groupdict()
            if all(self._resolves(sample.intent, name, value) for name, value in spoken.items()):
                return Match(sample.intent, spoken)
            if unknown_words and self._takes_unknown_words(sample, spoken):
                return Match(sample.intent, spoken)
        return None

    def _takes_unknown_words(self, sample: Sample, spoken: dict[str, str]) -> bool:
        """Whether every slot that took words is of an open type (``open_slot_types``), telling and short."""
        slot_types = self.model.intent_slots[sample.intent]
        return (
            all(slot_types[name] in vocabulary().open_slot_types for name in spoken)
            and takes_any_words(sample)
            and self._short_enough(spoken)
        )

    def _short_enough(self, spoken: dict[str, str]) -> bool:
        """Unknown words fill a slot only as a name would: no longer than the longest value."""
        return all(len(words.split()) <= self.model.longest_value for words in spoken.values())

    def _resolves(self, intent: str, slot_name: str, spoken: str) -> bool:
        slot_type = self.model.intent_slots[intent][slot_name]
        return not self.model.is_custom(slot_type) or self.model.resolve(slot_type, spoken) is not None

    # Closest in meaning ------------------------------------------------------

    def closest(self, text: str, ruled_out: frozenset[str] = frozenset()) -> Match | None:
        """The sample nearest in meaning if near enough (``MATCH_THRESHOLD``), then precedence."""
        utterance = self.spot(text)
        best_of: dict[str, Scored] = {}
        for sample in self.model.samples:
            if sample.intent in ruled_out or not sample.carrier:
                continue
            open_type = self._open_type(utterance, sample)
            if self._leaves_its_subject_unsaid(utterance, sample, open_type):
                continue
            scored = Scored(self.score(utterance, sample, open_type), sample, utterance)
            if sample.intent not in best_of or scored.score > best_of[sample.intent].score:
                best_of[sample.intent] = scored
        if not best_of:
            return None
        best = max(best_of.values(), key=lambda scored: scored.score)  # the model's order breaks ties
        chosen = self._precedence(best, best_of.values())
        if chosen is None or (chosen is best and self._about_something_else(chosen)):
            return None
        return Match(chosen.sample.intent, self._slots(chosen))

    def _about_something_else(self, chosen: Scored) -> bool:
        """Whether words unknown to the model stand where the sample names the domain.

        "how do i prevent shingles" against "how do i prevent cramps": the
        subject is something the model has never heard of, not leg cramps.
        """
        words = vocabulary()
        if not chosen.utterance.unknown or any(
            self._takes(chosen.sample.intent, slot_type) for slot_type in words.precedence_slot_types
        ):
            return False  # nothing unknown, or one of the intents for what is not leg cramps
        said = chosen.utterance.reading(chosen.sample.slot_types)[0]
        return not said & words.domain_words and bool(chosen.sample.stems & words.domain_words)

    @staticmethod
    def _leaves_its_subject_unsaid(utterance: Utterance, sample: Sample, open_type: str | None) -> bool:
        """A sample about a named topic (another one, or one the source lacks) when the utterance names none.

        "is it serious" is no question about another topic, whatever "is {topic} serious"
        shares with it. A symptom is named, or said in words the model lacks (a red
        flag described so had better reach the emergency answer than none), but never
        left out altogether ("it's gone now" against "my leg has gone {symptom}").
        """
        words = vocabulary()
        flagged = sample.slot_types & frozenset(words.precedence_slot_types)
        subjects = flagged & words.open_slot_types
        if flagged - subjects:  # a symptom slot
            unsaid = not any(utterance.spans_of(slot_type) for slot_type in flagged - subjects)
            if unsaid and not utterance.unknown:
                return True
        if not subjects:
            return False
        named = any(utterance.spans_of(slot_type) for slot_type in subjects)
        return not named and open_type is None

    def _precedence(self, best: Scored, candidates: Iterable[Scored]) -> Scored | None:
        """The closest sample, unless a precedence value it does not account for hands the utterance on."""
        words = vocabulary()
        utterance = best.utterance
        for slot_type, mode in words.precedence_slot_types.items():
            spans = utterance.spans_of(slot_type)
            if mode == "outside_domain" and utterance.words_outside_spans & words.domain_body_parts:
                continue
            unexplained = [span for span in spans if not self._says(best.sample, span)]
            if not unexplained:
                continue
            takers = [scored for scored in candidates if self._takes(scored.sample.intent, slot_type)]
            taker = max(takers, key=lambda scored: scored.score, default=None)
            # A named value is what the question is about, however far its wording from the samples.
            if taker is not None:
                return taker
        return best if best.score >= MATCH_THRESHOLD else None

    def _takes(self, intent: str, slot_type: str) -> bool:
        return slot_type in self.model.intent_slots.get(intent, {}).values()

    @staticmethod
    def _says(sample: Sample, span: Span) -> bool:
        """Whether the sample says the span's words itself ("do leg cramps hurt" says "hurt")."""
        return frozenset(canonical_stems(span.spoken)) <= sample.stems

    def _slots(self, chosen: Scored) -> dict[str, str]:
        """Each slot of the chosen sample filled with the first value of its type spotted."""
        slots: dict[str, str] = {}
        for name, slot_type in self.model.intent_slots.get(chosen.sample.intent, {}).items():
            if slot_type not in chosen.sample.slot_types:
                continue
            spans = chosen.utterance.spans_of(slot_type)
            if spans:
                slots[name] = spans[0].spoken
            elif slot_type == self._open_type(chosen.utterance, chosen.sample) and chosen.utterance.unknown:
                slots[name] = chosen.utterance.unknown_words() or ""
        return slots

    def spot(self, text: str) -> Utterance:
        """Every known slot value in the words, longest first, none overlapping another."""
        words = text.split()
        word_forms = singulars(text)
        found: dict[tuple[int, int], dict[str, bool]] = {}  # span -> slot type -> said word for word
        for phrase, said, slot_type in self._phrases:
            size = len(phrase)
            for start in range(len(words) - size + 1):
                if word_forms[start:start + size] == phrase:
                    exact = tuple(words[start:start + size]) == said
                    types = found.setdefault((start, start + size), {})
                    types[slot_type] = types.get(slot_type, False) or exact
        text_stems = frozenset(canonical_stems(text))
        in_context = not self.context_stems.isdisjoint(text_stems) and self.context_breaker_stems.isdisjoint(text_stems)
        taken: set[int] = set()
        spans: list[Span] = []
        for (start, end), types in sorted(found.items(), key=lambda item: (item[0][0] - item[0][1], item[0][0])):
            owned = start > 0 and words[start - 1] in self.possessives  # "my heart"
            if not in_context and not owned and tuple(words[start:end]) in self.context_bound:
                continue  # "why is the sky blue" names no symptom
            if taken.isdisjoint(range(start, end)):
                taken.update(range(start, end))
                # Words said exactly as one type's value ("colds") name that type, not one they only resemble.
                named = frozenset(t for t, exact in types.items() if exact) or frozenset(types)
                spans.append(Span(start, end, named, " ".join(words[start:end])))
        spans.sort(key=lambda span: span.start)
        return Utterance(tuple(words), tuple(spans), self._unknown_runs(words, taken))

    def _unknown_runs(self, words: list[str], taken: set[int]) -> tuple[tuple[int, int], ...]:
        """Runs of neighbouring words, outside spotted values, whose stems the model never says."""
        known_pairs = {i for i in range(len(words) - 1) if len(canonical_stems(" ".join(words[i:i + 2]))) == 1}
        unknown = [
            i not in taken and i not in known_pairs and i - 1 not in known_pairs
            and not set(canonical_stems(word)) <= self.known_stems
            for i, word in enumerate(words)
        ]
        runs: list[tuple[int, int]] = []
        for i, is_unknown in enumerate(unknown):
            if is_unknown and runs and runs[-1][1] == i:
                runs[-1] = (runs[-1][0], i + 1)
            elif is_unknown:
                runs.append((i, i + 1))
        return tuple(runs)

    # The scorer --------------------------------------------------------------

    def score(self, utterance: Utterance, sample: Sample, open_type: str | None = None) -> float:
        """How near in meaning: the F-beta of the utterance accounted for and the sample said.

        Shared words count whole; words the sample lacks but its intent's other
        samples say count ``INTENT_WORD_SHARE``; shared neighbouring pairs add
        their weight to both sides. ``open_type``: the open slot the utterance's
        unknown words fill in this sample (``_open_type``), if any.
        """
        words, pairs = utterance.reading(sample.slot_types, open_type)
        shared = sum(self._weight(token) for token in words & sample.stems)
        intent_words = self.intent_words[sample.intent]
        related = INTENT_WORD_SHARE * sum(
            self._weight(token) for token in words - sample.stems if token in intent_words
        )
        order = sum(self._bigram_weight(pair) for pair in pairs & sample.bigrams)
        utterance_mass = sum(self._weight(token) for token in words) + order
        sample_mass = sum(self._weight(token) for token in sample.stems) + sum(
            self._bigram_weight(pair) for pair in sample.bigrams
        )
        if not utterance_mass or not sample_mass:
            return 0.0
        accounted = (shared + related + order) / utterance_mass
        said = (shared + order) / sample_mass
        if not accounted or not said:
            return 0.0
        beta2 = UTTERANCE_EMPHASIS**2
        score = (1 + beta2) * accounted * said / (beta2 * said + accounted)
        if sample.slot_types and not (words & sample.stems) - self.carrier_stems:
            # Only the slot value and carrier words in common: a value alone does not say
            # which intent is meant ("what's two plus two" is no pick from a list).
            score *= SLOT_ONLY_SHARE
        return score

    def _open_type(self, utterance: Utterance, sample: Sample) -> str | None:
        """The open slot type (``open_slot_types``) that the utterance's unknown words fill in this sample.

        Only where the sample says everything else the utterance says, as a
        carrier phrase around a name: "how do i prevent shingles" fills "how do
        i prevent {topic}", while "how do i make pancakes" fills nothing.
        """
        open_types = [t for t in sorted(sample.slot_types) if t in vocabulary().open_slot_types]
        if not utterance.unknown or not open_types or len(utterance.unknown) > 1:
            return None
        slot_type = open_types[0]
        if utterance.spans_of(slot_type) or not sample.stems - self.carrier_stems - {slot_token(slot_type)}:
            return None
        rest = utterance.reading(sample.slot_types)[0] - utterance.unknown_stems()
        carrier = sample.stems - self.function_stems - {slot_token(slot_type)}
        if not rest <= sample.stems | self.function_stems or not carrier <= rest:
            return None
        # And the unknown words stand where the slot does: "ouch my calf is cramping" names nothing.
        token = slot_token(slot_type)
        around = {pair for pair in utterance.reading(sample.slot_types, slot_type)[1] if token in pair.split()}
        return slot_type if around & sample.bigrams else None

    def _weight(self, token: str) -> float:
        if token in self.function_stems:
            return FUNCTION_WORD_WEIGHT
        return self.weights.get(token, UNKNOWN_WORD_SHARE * self.max_weight)

    def _bigram_weight(self, pair: str) -> float:
        return BIGRAM_SHARE * self.bigram_weights.get(pair, 0.0)

    def _weights(self, token_sets: Iterable[frozenset[str]]) -> tuple[dict[str, float], float]:
        """Inverse intent frequency: tokens that single out an intent weigh most.

        Also the heaviest weight, which slot tokens get.
        """
        intents_with: dict[str, set[str]] = {}
        for sample, tokens in zip(self.model.samples, token_sets, strict=True):
            for token in tokens:
                intents_with.setdefault(token, set()).add(sample.intent)
        intent_count = len({sample.intent for sample in self.model.samples})
        weights = {token: math.log(1 + intent_count / len(names)) for token, names in intents_with.items()}
        max_weight = max(weights.values(), default=1.0)
        for token in vocabulary().domain_words:
            if token in weights:
                weights[token] = DOMAIN_WORD_SHARE * max_weight
        for slot_type in self.model.slot_types:
            weights[slot_token(slot_type)] = SLOT_TOKEN_SHARE * max_weight
        return weights, max_weight


def takes_any_words(sample: Sample) -> bool:
    """Whether the sample's words outside its slots say enough to take unknown words into them."""
    return bool(sample.carrier - vocabulary().generic_carrier_words)
