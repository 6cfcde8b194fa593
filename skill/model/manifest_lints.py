"""What a schema cannot say about the manifest (``skill.json``): its listings and the models agree.

Each locale's listing needs that locale's model; its example phrases open
the skill, then ask it something a sample says, and every phrase its
description quotes reaches one intent. The interfaces are declared once
each, and include CanFulfillIntentRequest, which the skill answers
(``skill.name_free``): without it Alexa never asks.
"""

from __future__ import annotations

from skill.content import normalise_phrase
from skill.model import model_path
from skill.model.matching import QUOTED, phrase_problem
from skill.model.package_files import Checker, Document, Model

LISTINGS = ("manifest", "publishingInformation", "locales")
INTERFACES = ("manifest", "apis", "custom", "interfaces")
CAN_FULFILL = "CAN_FULFILL_INTENT_REQUEST"


def check_manifest(checker: Checker, manifest: Document, models: dict[str, Model]) -> None:
    """Each listing's example phrases and quoted phrases work with its locale's model."""
    locales = manifest.data["manifest"]["publishingInformation"]["locales"]
    for locale, listing in locales.items():
        base = (*LISTINGS, locale)
        model = models.get(locale)
        if model is None:  # a broken model file has its own problems; a missing one is named here
            if not model_path(checker.package_dir, locale).is_file():
                checker.add(manifest.shown, base, f"no interaction model for {locale}")
            continue
        for index, phrase in enumerate(listing["examplePhrases"]):
            message = _example_phrase_problem(index, phrase, model)
            if message:
                checker.add(manifest.shown, (*base, "examplePhrases", index), message)
        for phrase in QUOTED.findall(listing["description"]):
            message = phrase_problem(phrase, model.matcher)
            if message:
                checker.add(manifest.shown, (*base, "description"), f'suggests "{phrase}", which {message} in {locale}')
    for locale in models:
        if locale not in locales:
            checker.add(manifest.shown, LISTINGS, f"no listing for {locale}, which has a model")
    _check_interfaces(checker, manifest)


def _check_interfaces(checker: Checker, manifest: Document) -> None:
    interfaces = manifest.data["manifest"]["apis"]["custom"].get("interfaces", [])
    declared: list[object] = []
    for index, interface in enumerate(interfaces):
        kind = interface.get("type") if isinstance(interface, dict) else None
        if not isinstance(kind, str):
            checker.add(manifest.shown, (*INTERFACES, index), 'an interface is an object with its "type"')
        elif kind in declared:
            checker.add(manifest.shown, (*INTERFACES, index), f"interface {kind} is declared twice")
        declared.append(kind)
    if CAN_FULFILL not in declared:
        message = f"no {CAN_FULFILL}: the skill answers CanFulfillIntentRequest, but Alexa asks only skills with it"
        checker.add(manifest.shown, INTERFACES, message)


def _example_phrase_problem(index: int, phrase: str, model: Model) -> str | None:
    """The first phrase opens the skill; each other one asks it a sample, word for word."""
    invocation = model.language_model["invocationName"]
    spoken = normalise_phrase(phrase)
    if index == 0:
        if spoken != normalise_phrase(f"alexa open {invocation}"):
            return f'the first example phrase must be "Alexa, open {invocation}"'
        return None
    prefix = normalise_phrase(f"alexa ask {invocation}") + " "
    if not spoken.startswith(prefix):
        return f'example phrase "{phrase}" must start "Alexa, ask {invocation}"'
    problem = phrase_problem(spoken.removeprefix(prefix), model.matcher)
    return f'example phrase "{phrase}": {problem} after "Alexa, ask {invocation}"' if problem else None
