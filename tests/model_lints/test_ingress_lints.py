"""Each lint of the name-free ingress points and of the manifest's interfaces fires on a broken
copy, with the exact line ``python -m skill validate`` prints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.content import SUPPORTED_LOCALES, load_content
from skill.model import model_path
from skill.model.build import build_model, load_source
from tests.model_lints.broken_copy import MANIFEST, MODEL, Copy, Json, in_every_locale

POINTS = "interactionModel._nameFreeInteraction.ingressPoints"
INTERFACES = "manifest.apis.custom.interfaces"


def edit_ingress(copy: Copy, change: Callable[[list[Json]], Any], locales: tuple[str, ...] = SUPPORTED_LOCALES) -> None:
    for locale in locales:
        copy.edit(model_path(copy.package, locale),
                  lambda data: change(data["interactionModel"]["_nameFreeInteraction"]["ingressPoints"]))


def point(points: list[Json], name: str | None) -> tuple[int, Json]:
    """An ingress point by intent name (None: the launch point), with its index."""
    return next((i, p) for i, p in enumerate(points) if p.get("name") == name)


def load_points() -> list[Json]:
    """The ingress points as the build writes them (the locales agree)."""
    points: list[Json] = build_model(load_source(), load_content("en-US"))["interactionModel"][
        "_nameFreeInteraction"]["ingressPoints"]
    return points


def index_of(name: str | None) -> int:
    return point(load_points(), name)[0]


def phrases(points: list[Json], name: str | None) -> list[Json]:
    result: list[Json] = point(points, name)[1]["sampleUtterances"]
    return result


def test_the_generated_ingress_points_pass(copy: Copy) -> None:
    assert copy.messages() == []


def test_more_than_five_phrases(copy: Copy) -> None:
    edit_ingress(copy, lambda points: phrases(points, "PreventionIntent").append(
        {"format": "RAW_TEXT", "value": "how do i prevent leg cramps"}))
    where = f"{POINTS}[{index_of('PreventionIntent')}].sampleUtterances"
    assert in_every_locale(f"{{file}}: {where}: 6 phrases for PreventionIntent; the toolkit takes at most 5") \
        == copy.messages()


@pytest.mark.parametrize(
    "phrase, message",
    [
        ("tell me about {cause}", 'ingress phrase "tell me about {cause}" has a slot; ingress phrases have none'),
        ("Why do my legs cramp", 'ingress phrase "Why do my legs cramp" must be lower-case'),
        ("why do my legs cramp?", 'ingress phrase "why do my legs cramp?" has characters Alexa rejects: ?'),
        ("why do my toes cramp", 'ingress phrase "why do my toes cramp" is not a sample of CausesIntent'),
        ("how do i prevent cramps", 'ingress phrase "how do i prevent cramps" is not a sample of CausesIntent'),
    ],
)
def test_each_intent_phrase_is_a_plain_sample_of_its_intent(copy: Copy, phrase: str, message: str) -> None:
    edit_ingress(copy, lambda points: phrases(points, "CausesIntent")[0].update(value=phrase))
    where = f"{POINTS}[{index_of('CausesIntent')}].sampleUtterances[0].value"
    assert f"{MODEL.format('en-US')}: {where}: {message}" in copy.messages()


def test_a_launch_phrase_that_an_intent_says_would_not_open_the_skill(copy: Copy) -> None:
    edit_ingress(copy, lambda points: phrases(points, None)[0].update(value="why do my legs cramp"))
    where = f"{POINTS}[{index_of(None)}].sampleUtterances[0].value"
    message = 'launch phrase "why do my legs cramp" is a sample of CausesIntent, so it would not open the skill'
    assert f"{MODEL.format('en-US')}: {where}: {message}" in copy.messages()


def test_a_phrase_said_by_two_points(copy: Copy) -> None:
    edit_ingress(copy, lambda points: phrases(points, "DurationIntent").append(
        {"format": "RAW_TEXT", "value": "how long do leg cramps last"}))
    where = f"{POINTS}[{index_of('DurationIntent')}].sampleUtterances[3].value"
    assert f"{MODEL.format('en-US')}: {where}: ingress phrase \"how long do leg cramps last\" " \
        "is also a phrase of DurationIntent" in copy.messages()


@pytest.mark.parametrize(
    "change, field, message",
    [
        (lambda p: p.update(name="WeatherIntent"), "name",
         'ingress point for "WeatherIntent", which is not an intent of the model'),
        (lambda p: p.update(name="AMAZON.HelpIntent"), "name",
         "ingress points are for the skill's own intents, not AMAZON.HelpIntent"),
        (lambda p: p.update(name="CausesIntent"), "name", "a second ingress point for CausesIntent; put all its "
         "phrases in one"),
        (lambda p: p.pop("name"), "", "an INTENT ingress point needs the name of its intent"),
    ],
    ids=["unknown", "built-in", "twice", "unnamed"],
)
def test_an_intent_point_names_one_custom_intent_once(copy: Copy, change: Any, field: str, message: str) -> None:
    edit_ingress(copy, lambda points: change(point(points, "SeeDoctorIntent")[1]))
    where = f"{POINTS}[{index_of('SeeDoctorIntent')}]" + (f".{field}" if field else "")
    assert f"{MODEL.format('en-US')}: {where}: {message}" in copy.messages()


def test_one_launch_point_without_a_name(copy: Copy) -> None:
    def change(points: list[Json]) -> None:
        point(points, None)[1]["name"] = "CausesIntent"
        points.append({"type": "LAUNCH", "sampleUtterances": [{"format": "RAW_TEXT", "value": "leg cramp time"}]})

    edit_ingress(copy, change)
    messages = copy.messages()
    launch = f"{MODEL.format('en-US')}: {POINTS}[{index_of(None)}].name: "
    assert launch + 'a LAUNCH ingress point names no intent (it has "CausesIntent")' in messages
    second = f"{MODEL.format('en-US')}: {POINTS}[{len(load_points())}]: "
    assert second + "a second LAUNCH ingress point; put all launch phrases in one" in messages


def test_the_schema_refuses_what_the_toolkit_does_not_take(copy: Copy) -> None:
    edit_ingress(copy, lambda points: phrases(points, "CausesIntent")[0].update(format="SSML"), ("en-GB",))
    where = f"{POINTS}[{index_of('CausesIntent')}].sampleUtterances[0].format"
    assert f"{MODEL.format('en-GB')}: {where}: 'RAW_TEXT' was expected" in copy.messages()


def test_every_locale_has_the_same_ingress_points(copy: Copy) -> None:
    edit_ingress(copy, lambda points: points.pop(), ("en-IN",))
    assert f"{MODEL.format('en-IN')}: interactionModel._nameFreeInteraction: name-free ingress points differ " \
        "from en-US" in copy.messages()

    copy.edit(model_path(copy.package, "en-CA"), lambda data: data["interactionModel"].pop("_nameFreeInteraction"))
    assert f"{MODEL.format('en-CA')}: interactionModel._nameFreeInteraction: name-free ingress points differ " \
        "from en-US" in copy.messages()


# --- the manifest's interfaces -----------------------------------------------------------


def test_the_manifest_must_declare_can_fulfill(copy: Copy) -> None:
    copy.edit_manifest(lambda m: m["apis"]["custom"].pop("interfaces"))
    assert copy.messages() == [
        f"{MANIFEST}: {INTERFACES}: no CAN_FULFILL_INTENT_REQUEST: the skill answers CanFulfillIntentRequest, "
        "but Alexa asks only skills with it"
    ]


def test_an_interface_declared_twice_or_without_a_type(copy: Copy) -> None:
    declared: list[int] = []

    def add_a_copy_and_a_broken_one(manifest: dict) -> None:
        interfaces = manifest["apis"]["custom"]["interfaces"]
        declared.append(len(interfaces))
        interfaces.extend([{"type": "CAN_FULFILL_INTENT_REQUEST"}, {"name": "x"}])

    copy.edit_manifest(add_a_copy_and_a_broken_one)
    first_added = declared[0]
    assert copy.messages() == [
        f"{MANIFEST}: {INTERFACES}[{first_added}]: interface CAN_FULFILL_INTENT_REQUEST is declared twice",
        f'{MANIFEST}: {INTERFACES}[{first_added + 1}]: an interface is an object with its "type"',
    ]
