"""What a schema cannot say about the interaction models: Alexa's rules and the skill's contract.

``check_models`` reads each locale's model, lints it (invocation name,
intents, samples, slot types and values, name-free ingress points, the
content's causes, the handled intents) and checks that every locale says what the reference locale says.
Each lint yields ``(field, message)``, the field a path of keys and indexes
into the model file.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Iterator
from typing import Any

from skill.content import SUPPORTED_LOCALES, Content, normalise_phrase
from skill.model import CAUSE_TYPE, model_locales, model_path
from skill.model.matching import SLOT, ModelMatcher
from skill.model.package_files import LANGUAGE_MODEL, Checker, Model, language_model

Field = tuple[Any, ...]
Lint = tuple[Field, str]

REFERENCE_LOCALE = "en-US"
# What ``python -m skill validate`` passes as the handled intents: named in the messages.
HANDLERS = "skill.handlers.INTENT_ANSWERS"

# Alexa's invocation-name rules, as Amazon's Alexa Skills Kit documentation states them
# ("Choose the Invocation Name for a Custom Skill", its invocation name requirements).
LAUNCH_WORDS = frozenset("ask tell open launch begin load play resume run start talk use enable".split())
CONNECTING_WORDS = frozenset("from about for to of".split())
WAKE_WORDS = frozenset("alexa amazon echo computer ziggy".split())
BANNED_WORDS = frozenset({"skill", "app"})
INVOCATION_WORD = re.compile(r"[a-z]+(?:'s|s')?|(?:[a-z]\.)+")

# Samples and slot values are spoken words: lower-case letters, apostrophes inside words.
SPOKEN_WORD = re.compile(r"[a-z]+(?:'[a-z]*)?")
SLOT_REFERENCE = re.compile(r"\{[A-Za-z_]+\}")
SAMPLE_WORD = re.compile(f"{SPOKEN_WORD.pattern}|{SLOT_REFERENCE.pattern}")
SPOKEN_CHARACTERS = frozenset(string.ascii_lowercase + "' ")
UPPER_CASE = frozenset(string.ascii_uppercase)

# Amazon's Name-free Interaction Toolkit: where the ingress points sit, and how many phrases each may have.
NAME_FREE = ("interactionModel", "_nameFreeInteraction")
INGRESS_POINTS = (*NAME_FREE, "ingressPoints")
MAX_INGRESS_PHRASES = 5


def check_models(
    checker: Checker, contents: dict[str, Content] | None, handled_intents: Collection[str] | None
) -> dict[str, Model]:
    """Read, schema-check and lint every locale's model; return the readable ones.

    ``contents`` (each locale's content, None when the content has problems of
    its own) adds the lint of the cause values; ``handled_intents`` that of the
    handlers.
    """
    locales = model_locales(checker.package_dir)
    for locale in SUPPORTED_LOCALES:
        if locale not in locales:
            missing = checker.shown(model_path(checker.package_dir, locale))
            checker.add(missing, (), f"file is missing: the skill answers {locale}")
    models: dict[str, Model] = {}
    for locale in locales:
        document = checker.read(model_path(checker.package_dir, locale), "interaction_model")
        if document is None:
            continue
        model = language_model(document.data)
        models[locale] = Model(document, model, ModelMatcher(model))
        lints = [
            _invocation_name_problems(model),
            _intent_problems(model),
            _sample_problems(model, models[locale].matcher),
            _slot_type_problems(model),
            _ingress_problems(document.data, model, models[locale].matcher),
        ]
        if handled_intents is not None:
            lints.append(_handler_problems(model, handled_intents))
        if contents is not None and locale in contents:
            lints.append(_cause_value_problems(model, contents[locale]))
        for lint in lints:
            for field, message in lint:
                checker.add(document.shown, field, message)
    _check_locales_agree(checker, models)
    return models


def _invocation_name_problems(model: dict[str, Any]) -> Iterator[Lint]:
    """Alexa's rules for the name people say to reach the skill."""
    name = model["invocationName"]
    where = (*LANGUAGE_MODEL, "invocationName")
    if "" in name.split(" "):
        yield where, f'invocation name "{name}" must be words separated by single spaces'
    words = name.split()
    for word in words:
        if not INVOCATION_WORD.fullmatch(word):
            yield where, (
                f'invocation name "{name}": "{word}" is not lower-case letters '
                "(apostrophes only for possessives, periods only in abbreviations)"
            )
    if len(words) < 2:
        yield where, f'invocation name "{name}" must have at least two words'
    for kind, banned in (("launch", LAUNCH_WORDS), ("connecting", CONNECTING_WORDS), ("wake", WAKE_WORDS)):
        for word in words:
            if word in banned:
                yield where, f'invocation name "{name}" contains the {kind} word "{word}"'
    for word in words:
        if word in BANNED_WORDS:
            yield where, f'invocation name "{name}" contains "{word}", which Alexa does not allow'


def _intent_problems(model: dict[str, Any]) -> Iterator[Lint]:
    """Intent names appear once; each sample uses only slots its intent declares."""
    seen: set[str] = set()
    for i, intent in enumerate(model["intents"]):
        if intent["name"] in seen:
            yield (*LANGUAGE_MODEL, "intents", i, "name"), f'duplicate intent "{intent["name"]}"'
        seen.add(intent["name"])
        declared = {slot["name"] for slot in intent.get("slots", [])}
        for j, sample in enumerate(intent["samples"]):
            for slot in SLOT.findall(sample):
                if slot not in declared:
                    yield (*LANGUAGE_MODEL, "intents", i, "samples", j), f'{{{slot}}} is not a slot of {intent["name"]}'


def _sample_problems(model: dict[str, Any], matcher: ModelMatcher) -> Iterator[Lint]:
    """Samples Alexa rejects, and samples said twice in one intent or in two."""
    owner: dict[str, str] = {}
    for i, intent in enumerate(model["intents"]):
        for j, sample in enumerate(intent["samples"]):
            where = (*LANGUAGE_MODEL, "intents", i, "samples", j)
            message = spoken_text_problem(sample, "sample", slots_allowed=True)
            if message:
                yield where, message
            key = _sample_key(sample)
            if owner.get(key) == intent["name"]:
                yield where, f'duplicate sample "{sample}"'
            elif key in owner:
                yield where, f'sample "{sample}" is also in {owner[key]}'
            else:
                owner[key] = intent["name"]
    yield from _overlapping_samples(model, matcher)


def _overlapping_samples(model: dict[str, Any], matcher: ModelMatcher) -> Iterator[Lint]:
    """A slot-free sample that another intent's slot sample also says, e.g. "tell me about sweating"."""
    for i, intent in enumerate(model["intents"]):
        for j, sample in enumerate(intent["samples"]):
            if SLOT.search(sample):
                continue
            for match in matcher.match(sample):
                if match.intent != intent["name"] and SLOT.search(match.sample):
                    yield (
                        (*LANGUAGE_MODEL, "intents", i, "samples", j),
                        f'sample "{sample}" is also said by "{match.sample}" of {match.intent}',
                    )


def spoken_text_problem(text: str, what: str, *, slots_allowed: bool = False) -> str | None:
    """Why ``text`` cannot be a sample (or, without slots, a slot value), or None."""
    characters = set(SLOT_REFERENCE.sub("", text) if slots_allowed else text)
    rejected = sorted(characters - SPOKEN_CHARACTERS - UPPER_CASE)
    if rejected:
        return f'{what} "{text}" has characters Alexa rejects: {" ".join(rejected)}'
    if characters & UPPER_CASE:  # Alexa would take them, but models here are written lower-case
        return f'{what} "{text}" must be lower-case'
    token = SAMPLE_WORD if slots_allowed else SPOKEN_WORD
    if not all(token.fullmatch(word) for word in text.split(" ")):
        slots = " and {slot} references" if slots_allowed else ""
        return (
            f'{what} "{text}" must be words separated by single spaces, '
            f"with apostrophes only inside words{slots}"
        )
    return None


def _sample_key(sample: str) -> str:
    return " ".join(sample.lower().split())


def _slot_type_problems(model: dict[str, Any]) -> Iterator[Lint]:
    """Slot types exist; slot values are spoken words, each said once per type."""
    declared = {slot_type["name"] for slot_type in model.get("types", [])}
    for i, intent in enumerate(model["intents"]):
        for j, slot in enumerate(intent.get("slots", [])):
            if slot["type"] not in declared and not slot["type"].startswith("AMAZON."):
                yield (
                    (*LANGUAGE_MODEL, "intents", i, "slots", j, "type"),
                    f'slot type "{slot["type"]}" is neither declared in types nor built in (AMAZON.*)',
                )
    for t, slot_type in enumerate(model.get("types", [])):
        yield from _slot_value_problems(t, slot_type)


def _slot_value_problems(t: int, slot_type: dict[str, Any]) -> Iterator[Lint]:
    """Value ids once each; every name and synonym a spoken phrase that means one value."""
    ids: set[str] = set()
    said_by: dict[str, str] = {}
    for v, value in enumerate(slot_type["values"]):
        base = (*LANGUAGE_MODEL, "types", t, "values", v)
        if value["id"] in ids:
            yield (*base, "id"), f'duplicate value id "{value["id"]}"'
        ids.add(value["id"])
        words: list[tuple[Field, str]] = [(("name", "value"), value["name"]["value"])]
        synonyms = value["name"].get("synonyms", [])
        words += [(("name", "synonyms", s), synonym) for s, synonym in enumerate(synonyms)]
        for where, word in words:
            message = spoken_text_problem(word, "slot value")
            if message:
                yield (*base, *where), message
            key = _sample_key(word)
            if key in said_by:
                yield (*base, *where), f'duplicate synonym "{word}" (also a name or synonym of {said_by[key]})'
            else:
                said_by[key] = value["id"]


def _cause_value_problems(model: dict[str, Any], content: Content) -> Iterator[Lint]:
    """The cause slot type carries exactly the content's cause ids."""
    known = [cause.id for cause in content.causes]
    for t, slot_type in enumerate(model.get("types", [])):
        if slot_type["name"] != CAUSE_TYPE:
            continue
        ids = [value["id"] for value in slot_type["values"]]
        for v, value_id in enumerate(ids):
            if value_id not in known:
                yield (
                    (*LANGUAGE_MODEL, "types", t, "values", v, "id"),
                    f'slot value id "{value_id}" is not a cause of the content ({", ".join(known)})',
                )
        for cause_id in known:
            if cause_id not in ids:
                yield (*LANGUAGE_MODEL, "types", t, "values"), f'no value for the content\'s cause "{cause_id}"'


def _ingress_problems(data: dict[str, Any], model: dict[str, Any], matcher: ModelMatcher) -> Iterator[Lint]:
    """Ingress points as the toolkit takes them, each phrase reaching what its point says it reaches."""
    points = data[NAME_FREE[0]].get(NAME_FREE[1], {}).get(INGRESS_POINTS[2], [])
    intents = {intent["name"]: intent for intent in model["intents"]}
    named: set[str | None] = set()
    said_by: dict[str, str] = {}
    for p, point in enumerate(points):
        where = (*INGRESS_POINTS, p)
        name = point.get("name")
        label = "the launch point" if point["type"] == "LAUNCH" else name or "an intent point"
        yield from _ingress_point_problems(point, where, intents, named)
        named.add(name if point["type"] == "INTENT" else None)
        utterances = point["sampleUtterances"]
        if len(utterances) > MAX_INGRESS_PHRASES:
            yield (*where, "sampleUtterances"), (
                f"{len(utterances)} phrases for {label}; the toolkit takes at most {MAX_INGRESS_PHRASES}"
            )
        for u, utterance in enumerate(utterances):
            at = (*where, "sampleUtterances", u, "value")
            phrase = utterance["value"]
            message = _ingress_phrase_problem(phrase, point["type"], intents.get(name), matcher)
            key = _sample_key(phrase)
            if message is None and key in said_by:
                message = f'ingress phrase "{phrase}" is also a phrase of {said_by[key]}'
            said_by.setdefault(key, label)
            if message:
                yield at, message


def _ingress_point_problems(
    point: dict[str, Any], where: Field, intents: dict[str, Any], named: set[str | None]
) -> Iterator[Lint]:
    """A LAUNCH point has no name and comes once; an INTENT point names a custom intent of the model, once."""
    name = point.get("name")
    if point["type"] == "LAUNCH":
        if name is not None:
            yield (*where, "name"), f'a LAUNCH ingress point names no intent (it has "{name}")'
        if None in named:
            yield where, "a second LAUNCH ingress point; put all launch phrases in one"
        return
    if name is None:
        yield where, "an INTENT ingress point needs the name of its intent"
    elif name.startswith("AMAZON."):
        yield (*where, "name"), f"ingress points are for the skill's own intents, not {name}"
    elif name not in intents:
        yield (*where, "name"), f'ingress point for "{name}", which is not an intent of the model'
    elif name in named:
        yield (*where, "name"), f"a second ingress point for {name}; put all its phrases in one"


def _ingress_phrase_problem(
    phrase: str, kind: str, intent: dict[str, Any] | None, matcher: ModelMatcher
) -> str | None:
    """A spoken phrase without slots; an intent's is one of its samples, a launch phrase nobody's."""
    if SLOT_REFERENCE.search(phrase):
        return f'ingress phrase "{phrase}" has a slot; ingress phrases have none'
    message = spoken_text_problem(phrase, "ingress phrase")
    if message:
        return message
    reached = sorted({match.intent for match in matcher.match(phrase)})
    if kind == "LAUNCH":
        if reached:
            return f'launch phrase "{phrase}" is a sample of {", ".join(reached)}, so it would not open the skill'
        return None
    if intent is None:  # the point's own problem is named already
        return None
    own = {normalise_phrase(sample) for sample in intent["samples"] if not SLOT.search(sample)}
    if normalise_phrase(phrase) not in own:
        return f'ingress phrase "{phrase}" is not a sample of {intent["name"]}'
    others = [name for name in reached if name != intent["name"]]
    if others:
        return f'ingress phrase "{phrase}" of {intent["name"]} is also said by samples of {", ".join(others)}'
    return None


def _handler_problems(model: dict[str, Any], handled: Collection[str]) -> Iterator[Lint]:
    """Every intent has a handler, and every handler an intent."""
    names = [intent["name"] for intent in model["intents"]]
    for i, name in enumerate(names):
        if name not in handled:
            yield (*LANGUAGE_MODEL, "intents", i, "name"), f'intent "{name}" has no handler in {HANDLERS}'
    for name in handled:
        if name not in names:
            yield (*LANGUAGE_MODEL, "intents"), f'no intent "{name}", which {HANDLERS} handles'


def _check_locales_agree(checker: Checker, models: dict[str, Model]) -> None:
    """Every locale says what the reference locale says: same intents, samples and types."""
    if not models:
        return
    reference = REFERENCE_LOCALE if REFERENCE_LOCALE in models else next(iter(models))
    ours = models[reference].language_model
    ingress = models[reference].document.data[NAME_FREE[0]].get(NAME_FREE[1])
    for locale, model in models.items():
        if locale != reference:
            for field, message in _locale_differences(model.language_model, ours, reference):
                checker.add(model.document.shown, field, message)
            if model.document.data[NAME_FREE[0]].get(NAME_FREE[1]) != ingress:
                checker.add(model.document.shown, NAME_FREE, f"name-free ingress points differ from {reference}")


def _locale_differences(model: dict[str, Any], reference: dict[str, Any], ref: str) -> Iterator[Lint]:
    if model["invocationName"] != reference["invocationName"]:
        theirs = reference["invocationName"]
        yield (*LANGUAGE_MODEL, "invocationName"), f'invocation name differs from {ref} ("{theirs}")'
    intents, reference_intents = model["intents"], reference["intents"]
    yield from _named_differences(intents, reference_intents, (*LANGUAGE_MODEL, "intents"), "intent", ref)
    by_name = {intent["name"]: intent for intent in reference_intents}
    for i, intent in enumerate(model["intents"]):
        other = by_name.get(intent["name"])
        if other is None:
            continue
        base = (*LANGUAGE_MODEL, "intents", i)
        if intent.get("slots", []) != other.get("slots", []):
            yield (*base, "slots"), f'slots of {intent["name"]} differ from {ref}'
        yield from _list_differences(intent["samples"], other["samples"], (*base, "samples"), "sample", ref)
    types, reference_types = model.get("types", []), reference.get("types", [])
    yield from _named_differences(types, reference_types, (*LANGUAGE_MODEL, "types"), "slot type", ref)
    reference_values = {slot_type["name"]: slot_type["values"] for slot_type in reference_types}
    for t, slot_type in enumerate(types):
        other = reference_values.get(slot_type["name"])
        if other is not None and slot_type["values"] != other:
            yield (*LANGUAGE_MODEL, "types", t, "values"), f'values of slot type {slot_type["name"]} differ from {ref}'


def _named_differences(
    items: list[dict[str, Any]], reference: list[dict[str, Any]], where: Field, what: str, ref: str
) -> Iterator[Lint]:
    names = [item["name"] for item in items]
    yield from _list_differences(names, [item["name"] for item in reference], where, what, ref)


def _list_differences(
    items: list[str], reference: list[str], where: Field, what: str, ref: str
) -> Iterator[Lint]:
    for index, item in enumerate(items):
        if item not in reference:
            yield (*where, index), f'{what} "{item}" is not in {ref}'
    for item in reference:
        if item not in items:
            yield where, f'{what} "{item}" of {ref} is missing'

