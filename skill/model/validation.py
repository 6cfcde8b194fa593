"""Checks the skill package: JSON Schemas first, then what a schema cannot say.

``validate_package(folder)`` returns every problem as a ``Problem`` whose
``field`` is a JSON pointer, printed as ``file: /json/pointer: message`` with
the file relative to the folder's parent (the repository root). The content
files are checked too, and their quoted phrases are matched against the models.
"""

from __future__ import annotations

import json
import re
import string
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Iterable, Iterator

from skill.content import CONTENT_DIR, SUPPORTED_LOCALES, Content, content_files, merged_data, normalise
from skill.content.validation import Problem, validate_content
from skill.model import (
    CAUSE_TYPE,
    MANIFEST_NAME,
    MODEL_SOURCE_DIR,
    PACKAGE_DIR,
    REPO_ROOT,
    model_locales,
    model_path,
)
from skill.model.matching import SLOT, ModelMatcher
from skill.schemas import schema_validator

LANGUAGE_MODEL = "/interactionModel/languageModel"
REFERENCE_LOCALE = "en-US"
HANDLERS = "skill.handlers.INTENT_ANSWERS"
LISTINGS = "/manifest/publishingInformation/locales"

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

# A phrase the content suggests people say is written in double quotes.
QUOTED = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class Document:
    """A JSON file of the package: where it is, how it is shown, what it holds."""

    path: Path
    shown: str
    data: Any


@dataclass(frozen=True)
class Model:
    """A locale's interaction model that fits the schema, ready for matching."""

    document: Document
    language_model: dict[str, Any]
    matcher: ModelMatcher


class Checker:
    """Collects problems for one package folder and the content beside it."""

    def __init__(self, package_dir: Path, content_dir: Path, handled_intents: Collection[str]) -> None:
        self.package_dir = package_dir
        self.content_dir = content_dir
        self.handled_intents = handled_intents
        self.root = package_dir.parent
        self.problems: list[Problem] = []

    def shown(self, path: Path) -> str:
        """``path`` relative to the package's parent, else to the repository, else in full."""
        for root in (self.root, REPO_ROOT):
            if path.is_relative_to(root):
                return str(path.relative_to(root))
        return str(path)

    def add(self, file: str, pointer: str, message: str) -> None:
        problem = Problem(file, pointer, message)
        if problem not in self.problems:
            self.problems.append(problem)

    def read(self, path: Path, schema_name: str) -> Document | None:
        """The file's JSON if it exists, parses and fits its schema; else record why not."""
        shown = self.shown(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.add(shown, "", "file is missing")
            return None
        except json.JSONDecodeError as error:
            self.add(shown, "", f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}")
            return None
        validator = schema_validator(MODEL_SOURCE_DIR / f"{schema_name}.schema.json")
        errors = sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))
        for error in errors:
            self.add(shown, pointer(*error.absolute_path), error.message)
        return None if errors else Document(path, shown, data)


def validate_package(
    package_dir: Path = PACKAGE_DIR,
    *,
    content_dir: Path = CONTENT_DIR,
    handled_intents: Collection[str] | None = None,
) -> list[Problem]:
    """Every problem of the skill package in ``package_dir`` and of the content."""
    if handled_intents is None:
        from skill.handlers import INTENT_ANSWERS  # the SDK is only needed for this default

        handled_intents = INTENT_ANSWERS.keys()
    checker = Checker(package_dir.resolve(), content_dir.resolve(), handled_intents)
    content_problems = validate_content(content_dir)
    for problem in content_problems:
        checker.add(checker.shown(checker.content_dir / problem.file), problem.field, problem.message)
    # The lints that read the content need it whole; its own problems come first.
    contents = None if content_problems else {locale: _content(locale, content_dir) for locale in SUPPORTED_LOCALES}

    models = _check_models(checker, contents)
    manifest = checker.read(checker.package_dir / MANIFEST_NAME, "skill_manifest")
    if manifest is not None:
        _check_manifest(checker, manifest, models)
    if contents is not None:
        _check_suggested_phrases(checker, contents, models)
    return checker.problems


def package_summary(package_dir: Path = PACKAGE_DIR) -> str:
    """Locales, and the intents and samples of one locale's model (the locales agree)."""
    locales = model_locales(package_dir)
    model = _language_model(json.loads(model_path(package_dir, locales[0]).read_text(encoding="utf-8")))
    samples = sum(len(intent["samples"]) for intent in model["intents"])
    return f"{len(locales)} locales, {len(model['intents'])} intents, {samples} samples each"


# --- interaction models -----------------------------------------------------


def _check_models(checker: Checker, contents: dict[str, Content] | None) -> dict[str, Model]:
    """Read, schema-check and lint every locale's model; return the readable ones."""
    locales = model_locales(checker.package_dir)
    for locale in SUPPORTED_LOCALES:
        if locale not in locales:
            missing = checker.shown(model_path(checker.package_dir, locale))
            checker.add(missing, "", f"file is missing: the skill answers {locale}")
    models: dict[str, Model] = {}
    for locale in locales:
        document = checker.read(model_path(checker.package_dir, locale), "interaction_model")
        if document is None:
            continue
        model = _language_model(document.data)
        models[locale] = Model(document, model, ModelMatcher(model))
        lints = [
            _invocation_name_problems(model),
            _intent_problems(model),
            _sample_problems(model, models[locale].matcher),
            _slot_type_problems(model),
            _handler_problems(model, checker.handled_intents),
        ]
        if contents is not None and locale in contents:
            lints.append(_cause_value_problems(model, contents[locale]))
        for lint in lints:
            for where, message in lint:
                checker.add(document.shown, where, message)
    _check_locales_agree(checker, models)
    return models


def _invocation_name_problems(model: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Alexa's rules for the name people say to reach the skill."""
    name = model["invocationName"]
    where = f"{LANGUAGE_MODEL}/invocationName"
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


def _intent_problems(model: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Intent names appear once; each sample uses only slots its intent declares."""
    seen: set[str] = set()
    for i, intent in enumerate(model["intents"]):
        if intent["name"] in seen:
            yield f"{LANGUAGE_MODEL}/intents/{i}/name", f'duplicate intent "{intent["name"]}"'
        seen.add(intent["name"])
        declared = {slot["name"] for slot in intent.get("slots", [])}
        for j, sample in enumerate(intent["samples"]):
            for slot in SLOT.findall(sample):
                if slot not in declared:
                    yield f"{LANGUAGE_MODEL}/intents/{i}/samples/{j}", f'{{{slot}}} is not a slot of {intent["name"]}'


def _sample_problems(model: dict[str, Any], matcher: ModelMatcher) -> Iterator[tuple[str, str]]:
    """Samples Alexa rejects, and samples said twice in one intent or in two."""
    owner: dict[str, str] = {}
    for i, intent in enumerate(model["intents"]):
        for j, sample in enumerate(intent["samples"]):
            where = f"{LANGUAGE_MODEL}/intents/{i}/samples/{j}"
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


def _overlapping_samples(model: dict[str, Any], matcher: ModelMatcher) -> Iterator[tuple[str, str]]:
    """A slot-free sample that another intent's slot sample also says, e.g. "tell me about sweating"."""
    for i, intent in enumerate(model["intents"]):
        for j, sample in enumerate(intent["samples"]):
            if SLOT.search(sample):
                continue
            for match in matcher.match(sample):
                if match.intent != intent["name"] and SLOT.search(match.sample):
                    yield (
                        f"{LANGUAGE_MODEL}/intents/{i}/samples/{j}",
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


def _slot_type_problems(model: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Slot types exist; slot values are spoken words, each said once per type."""
    declared = {slot_type["name"] for slot_type in model.get("types", [])}
    for i, intent in enumerate(model["intents"]):
        for j, slot in enumerate(intent.get("slots", [])):
            if slot["type"] not in declared and not slot["type"].startswith("AMAZON."):
                yield (
                    f"{LANGUAGE_MODEL}/intents/{i}/slots/{j}/type",
                    f'slot type "{slot["type"]}" is neither declared in types nor built in (AMAZON.*)',
                )
    for t, slot_type in enumerate(model.get("types", [])):
        yield from _slot_value_problems(t, slot_type)


def _slot_value_problems(t: int, slot_type: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Value ids once each; every name and synonym a spoken phrase that means one value."""
    ids: set[str] = set()
    said_by: dict[str, str] = {}
    for v, value in enumerate(slot_type["values"]):
        base = f"{LANGUAGE_MODEL}/types/{t}/values/{v}"
        if value["id"] in ids:
            yield f"{base}/id", f'duplicate value id "{value["id"]}"'
        ids.add(value["id"])
        words = [("name/value", value["name"]["value"])]
        words += [(f"name/synonyms/{s}", synonym) for s, synonym in enumerate(value["name"].get("synonyms", []))]
        for where, word in words:
            message = spoken_text_problem(word, "slot value")
            if message:
                yield f"{base}/{where}", message
            key = _sample_key(word)
            if key in said_by:
                yield f"{base}/{where}", f'duplicate synonym "{word}" (also a name or synonym of {said_by[key]})'
            else:
                said_by[key] = value["id"]


def _cause_value_problems(model: dict[str, Any], content: Content) -> Iterator[tuple[str, str]]:
    """The cause slot type carries exactly the content's cause ids."""
    known = [cause.id for cause in content.causes]
    for t, slot_type in enumerate(model.get("types", [])):
        if slot_type["name"] != CAUSE_TYPE:
            continue
        ids = [value["id"] for value in slot_type["values"]]
        for v, value_id in enumerate(ids):
            if value_id not in known:
                yield (
                    f"{LANGUAGE_MODEL}/types/{t}/values/{v}/id",
                    f'slot value id "{value_id}" is not a cause of the content ({", ".join(known)})',
                )
        for cause_id in known:
            if cause_id not in ids:
                yield f"{LANGUAGE_MODEL}/types/{t}/values", f'no value for the content\'s cause "{cause_id}"'


def _handler_problems(model: dict[str, Any], handled: Collection[str]) -> Iterator[tuple[str, str]]:
    """Every intent has a handler, and every handler an intent."""
    names = [intent["name"] for intent in model["intents"]]
    for i, name in enumerate(names):
        if name not in handled:
            yield f"{LANGUAGE_MODEL}/intents/{i}/name", f'intent "{name}" has no handler in {HANDLERS}'
    for name in handled:
        if name not in names:
            yield f"{LANGUAGE_MODEL}/intents", f'no intent "{name}", which {HANDLERS} handles'


def _check_locales_agree(checker: Checker, models: dict[str, Model]) -> None:
    """Every locale says what the reference locale says: same intents, samples and types."""
    if not models:
        return
    reference = REFERENCE_LOCALE if REFERENCE_LOCALE in models else next(iter(models))
    ours = models[reference].language_model
    for locale, model in models.items():
        if locale != reference:
            for where, message in _locale_differences(model.language_model, ours, reference):
                checker.add(model.document.shown, where, message)


def _locale_differences(model: dict[str, Any], reference: dict[str, Any], ref: str) -> Iterator[tuple[str, str]]:
    if model["invocationName"] != reference["invocationName"]:
        theirs = reference["invocationName"]
        yield f"{LANGUAGE_MODEL}/invocationName", f'invocation name differs from {ref} ("{theirs}")'
    yield from _named_differences(model["intents"], reference["intents"], f"{LANGUAGE_MODEL}/intents", "intent", ref)
    reference_intents = {intent["name"]: intent for intent in reference["intents"]}
    for i, intent in enumerate(model["intents"]):
        other = reference_intents.get(intent["name"])
        if other is None:
            continue
        base = f"{LANGUAGE_MODEL}/intents/{i}"
        if intent.get("slots", []) != other.get("slots", []):
            yield f"{base}/slots", f'slots of {intent["name"]} differ from {ref}'
        yield from _list_differences(intent["samples"], other["samples"], f"{base}/samples", "sample", ref)
    types, reference_types = model.get("types", []), reference.get("types", [])
    yield from _named_differences(types, reference_types, f"{LANGUAGE_MODEL}/types", "slot type", ref)
    reference_values = {slot_type["name"]: slot_type["values"] for slot_type in reference_types}
    for t, slot_type in enumerate(types):
        other = reference_values.get(slot_type["name"])
        if other is not None and slot_type["values"] != other:
            yield f"{LANGUAGE_MODEL}/types/{t}/values", f'values of slot type {slot_type["name"]} differ from {ref}'


def _named_differences(
    items: list[dict[str, Any]], reference: list[dict[str, Any]], where: str, what: str, ref: str
) -> Iterator[tuple[str, str]]:
    names = [item["name"] for item in items]
    yield from _list_differences(names, [item["name"] for item in reference], where, what, ref)


def _list_differences(
    items: list[str], reference: list[str], where: str, what: str, ref: str
) -> Iterator[tuple[str, str]]:
    for index, item in enumerate(items):
        if item not in reference:
            yield f"{where}/{index}", f'{what} "{item}" is not in {ref}'
    for item in reference:
        if item not in items:
            yield where, f'{what} "{item}" of {ref} is missing'


# --- manifest ---------------------------------------------------------------


def _check_manifest(checker: Checker, manifest: Document, models: dict[str, Model]) -> None:
    """Each listing's example phrases and quoted phrases work with its locale's model."""
    locales = manifest.data["manifest"]["publishingInformation"]["locales"]
    for locale, listing in locales.items():
        base = f"{LISTINGS}/{locale}"
        model = models.get(locale)
        if model is None:  # a broken model file has its own problems; a missing one is named here
            if not model_path(checker.package_dir, locale).is_file():
                checker.add(manifest.shown, base, f"no interaction model for {locale}")
            continue
        for index, phrase in enumerate(listing["examplePhrases"]):
            message = _example_phrase_problem(index, phrase, model)
            if message:
                checker.add(manifest.shown, f"{base}/examplePhrases/{index}", message)
        for phrase in QUOTED.findall(listing["description"]):
            message = _phrase_problem(phrase, model)
            if message:
                checker.add(manifest.shown, f"{base}/description", f'suggests "{phrase}", which {message} in {locale}')
    for locale in models:
        if locale not in locales:
            checker.add(manifest.shown, LISTINGS, f"no listing for {locale}, which has a model")


def _example_phrase_problem(index: int, phrase: str, model: Model) -> str | None:
    """The first phrase opens the skill; each other one asks it a sample, word for word."""
    invocation = model.language_model["invocationName"]
    spoken = normalise(phrase)
    if index == 0:
        if spoken != normalise(f"alexa open {invocation}"):
            return f'the first example phrase must be "Alexa, open {invocation}"'
        return None
    prefix = normalise(f"alexa ask {invocation}") + " "
    if not spoken.startswith(prefix):
        return f'example phrase "{phrase}" must start "Alexa, ask {invocation}"'
    problem = _phrase_problem(spoken.removeprefix(prefix), model)
    return f'example phrase "{phrase}": {problem} after "Alexa, ask {invocation}"' if problem else None


def _phrase_problem(phrase: str, model: Model) -> str | None:
    """Why a suggested phrase would fail: no intent says it, or several do."""
    intents = sorted(match.intent for match in model.matcher.match(phrase))
    if not intents:
        return "no sample matches"
    if len(intents) > 1:
        return f"samples of several intents match ({', '.join(intents)})"
    return None


# --- phrases the content suggests -------------------------------------------


def _check_suggested_phrases(checker: Checker, contents: dict[str, Content], models: dict[str, Model]) -> None:
    """Each quoted phrase in each locale's content is a sample of that locale's model."""
    failures: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for locale, model in models.items():
        data = merged_data(locale, checker.content_dir)
        for path, text in _strings(data):
            for quoted in QUOTED.findall(text):
                for phrase in _filled(quoted, contents.get(locale)):
                    message = _phrase_problem(phrase, model)
                    if message:
                        file = checker.shown(_owner(locale, path, checker.content_dir))
                        failures[(file, pointer(*path), f'suggests "{phrase}", which {message}')].append(locale)
    for (file, where, message), locales in failures.items():
        checker.add(file, where, f"{message} in {', '.join(locales)}")


def _filled(phrase: str, content: Content | None) -> list[str]:
    """A quoted phrase with {cause} said as each cause name."""
    if "{cause}" not in phrase or content is None:
        return [phrase]
    return [phrase.replace("{cause}", cause.name) for cause in content.causes]


def _strings(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, path + (index,))


def _owner(locale: str, path: tuple[Any, ...], content_dir: Path) -> Path:
    """The content file that gives ``path`` its text for ``locale``: the override if it has it."""
    files = content_files(locale, content_dir)
    for file in reversed(files):
        if _lookup(json.loads(file.read_text(encoding="utf-8")), path):
            return file
    return files[0]


def _lookup(data: Any, path: Iterable[Any]) -> bool:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return False
    return True


# --- helpers ----------------------------------------------------------------


def pointer(*steps: Any) -> str:
    """A JSON pointer (RFC 6901): ("a", 0, "b/c") -> "/a/0/b~1c"."""
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in steps)


def _language_model(data: dict[str, Any]) -> dict[str, Any]:
    return data["interactionModel"]["languageModel"]


def _content(locale: str, content_dir: Path) -> Content:
    return Content(merged_data(locale, content_dir), locale)


