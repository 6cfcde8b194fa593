"""Each check of ``python -m skill validate`` fires on a broken copy of the package.

A test copies interaction_model/ (and, where it matters, skill/content/) into
a temporary folder laid out like the repository, breaks one thing, and looks
for the exact line the command would print: ``file: /json/pointer: message``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest

from skill.content import CONTENT_DIR, SUPPORTED_LOCALES
from skill.model import PACKAGE_DIR, REPO_ROOT, model_path
from skill.model.validation import spoken_text_problem, validate_package

LM = "/interactionModel/languageModel"
MODEL = "interaction_model/interactionModels/custom/{}.json"
MANIFEST = "interaction_model/skill.json"
ALL_LOCALES = ", ".join(sorted(SUPPORTED_LOCALES))
# Intent indexes in the generated models.
CAUSES, CAUSE_DETAIL, ABOUT_SPASMS, PREVENTION, SEE_DOCTOR = 0, 1, 2, 3, 4
_EN_US = json.loads(model_path(PACKAGE_DIR, "en-US").read_text())["interactionModel"]["languageModel"]
# Where a sample appended to CausesIntent, or a synonym to the second cause, lands.
APPENDED_SAMPLE = len(_EN_US["intents"][CAUSES]["samples"])
APPENDED_SYNONYM = len(_EN_US["types"][0]["values"][1]["name"]["synonyms"])
Json = dict[str, Any]


class Copy:
    """A broken-on-purpose copy of the skill package and the content."""

    def __init__(self, root: Path) -> None:
        self.package = root / "interaction_model"
        self.content = root / "skill" / "content"
        shutil.copytree(PACKAGE_DIR, self.package)
        shutil.copytree(CONTENT_DIR, self.content, ignore=shutil.ignore_patterns("*.py", "__pycache__"))

    def edit(self, path: Path, change: Callable[[Json], Any]) -> None:
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data, indent=2))

    def edit_models(self, change: Callable[[Json], Any], locales: Iterable[str] = SUPPORTED_LOCALES) -> None:
        """Change the languageModel of some locales (all by default, so they still agree)."""
        for locale in locales:
            self.edit(model_path(self.package, locale), lambda data: change(data["interactionModel"]["languageModel"]))

    def edit_manifest(self, change: Callable[[Json], Any]) -> None:
        self.edit(self.package / "skill.json", lambda data: change(data["manifest"]))

    def edit_listings(self, change: Callable[[Json], Any]) -> None:
        self.edit_manifest(lambda m: [change(listing) for listing in m["publishingInformation"]["locales"].values()])

    def edit_content(self, name: str, change: Callable[[Json], Any]) -> None:
        self.edit(self.content / name, change)

    def messages(self, handled_intents: Iterable[str] | None = None) -> list[str]:
        return [
            str(problem)
            for problem in validate_package(self.package, content_dir=self.content, handled_intents=handled_intents)
        ]


@pytest.fixture
def copy(tmp_path: Path) -> Copy:
    return Copy(tmp_path)


def intent(lm: Json, index: int) -> Json:
    return lm["intents"][index]


def in_every_locale(line: str) -> list[str]:
    """The same problem, printed once for each locale's model file."""
    return [line.format(file=MODEL.format(locale)) for locale in sorted(SUPPORTED_LOCALES)]


def test_an_untouched_copy_is_clean(copy):
    assert copy.messages() == []


# --- files and schemas -------------------------------------------------------


def test_a_missing_locale_model_is_named(copy):
    model_path(copy.package, "en-IN").unlink()
    assert copy.messages() == [
        f"{MODEL.format('en-IN')}: file is missing: the skill answers en-IN",
        f"{MANIFEST}: /manifest/publishingInformation/locales/en-IN: no interaction model for en-IN",
    ]


def test_invalid_json_names_line_and_column(copy):
    model_path(copy.package, "en-AU").write_text('{"interactionModel": ')
    assert f"{MODEL.format('en-AU')}: invalid JSON at line 1 column 22: Expecting value" in copy.messages()


def test_the_model_schema_names_the_field(copy):
    copy.edit_models(lambda lm: intent(lm, PREVENTION).pop("samples"), ["en-GB"])
    assert copy.messages() == [f"{MODEL.format('en-GB')}: {LM}/intents/3: 'samples' is a required property"]


def test_the_model_schema_refuses_names_alexa_refuses(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES).update(name="Causes2Intent"))
    pattern = "'^(AMAZON\\\\.)?[A-Za-z_]+$'"
    expected = in_every_locale(f"{{file}}: {LM}/intents/0/name: 'Causes2Intent' does not match {pattern}")
    assert [m for m in copy.messages() if "/intents/0/name" in m] == expected


def test_the_manifest_schema_names_the_field(copy):
    copy.edit_manifest(lambda m: m["privacyAndCompliance"].update(allowsPurchases="no"))
    assert copy.messages() == [
        f"{MANIFEST}: /manifest/privacyAndCompliance/allowsPurchases: 'no' is not of type 'boolean'"
    ]


def test_the_manifest_schema_limits_example_phrases_to_three(copy):
    copy.edit_listings(lambda listing: listing["examplePhrases"].append("Alexa, ask leg cramp guide what is a cramp"))
    assert f"{MANIFEST}: /manifest/publishingInformation/locales/en-US/examplePhrases: " in "\n".join(copy.messages())
    assert any(m.endswith("is too long") for m in copy.messages())


def test_the_manifest_schema_refuses_a_placeholder_arn(copy):
    copy.edit_manifest(lambda m: m["apis"]["custom"].update(endpoint={"uri": "TOBEREPLACED"}))
    assert copy.messages() == [
        f"{MANIFEST}: /manifest/apis/custom/endpoint: "
        "{'uri': 'TOBEREPLACED'} is not valid under any of the given schemas"
    ]


# --- invocation name ---------------------------------------------------------


def invocation_messages(copy: Copy, name: str) -> list[str]:
    copy.edit_models(lambda lm: lm.update(invocationName=name), ["en-US"])
    where = f"{MODEL.format('en-US')}: {LM}/invocationName: "
    return [m.removeprefix(where) for m in copy.messages() if m.startswith(where) and "differs" not in m]


@pytest.mark.parametrize(
    "name, message",
    [
        ("cramps", 'invocation name "cramps" must have at least two words'),
        ("open leg cramps", 'invocation name "open leg cramps" contains the launch word "open"'),
        ("guide to leg cramps", 'invocation name "guide to leg cramps" contains the connecting word "to"'),
        ("alexa leg cramps", 'invocation name "alexa leg cramps" contains the wake word "alexa"'),
        ("leg cramp skill", 'invocation name "leg cramp skill" contains "skill", which Alexa does not allow'),
        ("leg cramp app", 'invocation name "leg cramp app" contains "app", which Alexa does not allow'),
        ("leg  cramps", 'invocation name "leg  cramps" must be words separated by single spaces'),
        (
            "Leg Cramps",
            'invocation name "Leg Cramps": "Leg" is not lower-case letters '
            "(apostrophes only for possessives, periods only in abbreviations)",
        ),
        (
            "leg cramps 2",
            'invocation name "leg cramps 2": "2" is not lower-case letters '
            "(apostrophes only for possessives, periods only in abbreviations)",
        ),
    ],
)
def test_invocation_name_rules(copy, name, message):
    assert message in invocation_messages(copy, name)


@pytest.mark.parametrize("name", ["leg cramp guide", "sam's leg guide", "the runners' guide", "a.b.c. leg guide"])
def test_invocation_names_alexa_accepts(copy, name):
    assert invocation_messages(copy, name) == []


# --- samples -----------------------------------------------------------------


def test_a_sample_in_two_intents(copy):
    copy.edit_models(lambda lm: intent(lm, PREVENTION)["samples"].append("why do my calves cramp"))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}/intents/3/samples/26: sample "why do my calves cramp" is also in CausesIntent'
    )


def test_a_suggested_phrase_that_two_intents_say(copy):
    copy.edit_models(lambda lm: intent(lm, PREVENTION)["samples"].append("what is a leg spasm"))
    assert (
        'skill/content/en.json: /messages/help/text: suggests "what is a leg spasm", which samples of several '
        f"intents match (AboutSpasmsIntent, PreventionIntent) in {ALL_LOCALES}"
    ) in copy.messages()


def test_a_sample_that_another_intents_slot_sample_also_says(copy):
    copy.edit_models(lambda lm: intent(lm, ABOUT_SPASMS)["samples"].append("tell me about sweating"))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}/intents/2/samples/30: sample "tell me about sweating" '
        'is also said by "tell me about {{cause}}" of CauseDetailIntent'
    )


def test_a_duplicate_sample(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].append("What causes leg cramps"))
    messages = copy.messages()
    assert f'{MODEL.format("en-CA")}: {LM}/intents/0/samples/{APPENDED_SAMPLE}: duplicate sample "What causes leg cramps"' in messages


def test_a_slot_the_intent_does_not_declare(copy):
    copy.edit_models(lambda lm: intent(lm, ABOUT_SPASMS)["samples"].append("what is a {muscle} cramp"))
    assert copy.messages() == in_every_locale(
        f"{{file}}: {LM}/intents/2/samples/30: {{{{muscle}}}} is not a slot of AboutSpasmsIntent"
    )


def test_a_slot_type_neither_declared_nor_built_in(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSE_DETAIL)["slots"][0].update(type="CAUSE"))
    expected = in_every_locale(
        f'{{file}}: {LM}/intents/1/slots/0/type: slot type "CAUSE" is neither declared in types nor built in (AMAZON.*)'
    )
    assert [m for m in copy.messages() if "/slots/0/type" in m] == expected


@pytest.mark.parametrize(
    "sample, message",
    [
        ("why do my legs cramp?", 'sample "why do my legs cramp?" has characters Alexa rejects: ?'),
        ("why do legs cramp at 3 am", 'sample "why do legs cramp at 3 am" has characters Alexa rejects: 3'),
        ("why do legs cramp, doctor", 'sample "why do legs cramp, doctor" has characters Alexa rejects: ,'),
        ("Why Do Legs Cramp", 'sample "Why Do Legs Cramp" must be lower-case'),
        (
            "why  do legs cramp",
            'sample "why  do legs cramp" must be words separated by single spaces, '
            "with apostrophes only inside words and {slot} references",
        ),
    ],
)
def test_samples_with_characters_alexa_rejects(copy, sample, message):
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].append(sample))
    assert f"{MODEL.format('en-US')}: {LM}/intents/0/samples/{APPENDED_SAMPLE}: {message}" in copy.messages()


@pytest.mark.parametrize("text", ["what's a cramp", "why do my calves' muscles cramp", "tell me about {cause}"])
def test_samples_alexa_accepts(text):
    assert spoken_text_problem(text, "sample", slots_allowed=True) is None


# --- slot values -------------------------------------------------------------


def test_a_synonym_of_two_values(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][0]["name"]["synonyms"].append("sweat"))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}/types/0/values/2/name/synonyms/8: duplicate synonym "sweat" '
        "(also a name or synonym of NERVE_COMPRESSION)"
    )


def test_a_slot_value_with_characters_alexa_rejects(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][1]["name"]["synonyms"].append("unfit!"))
    assert (
        f'{MODEL.format("en-US")}: {LM}/types/0/values/1/name/synonyms/{APPENDED_SYNONYM}: '
        'slot value "unfit!" has characters Alexa rejects: !'
        in copy.messages()
    )


def test_a_slot_value_id_the_content_does_not_know(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][2].update(id="ELECTROLYTES"))
    assert copy.messages() == [
        line
        for locale in sorted(SUPPORTED_LOCALES)
        for line in (
            f'{MODEL.format(locale)}: {LM}/types/0/values/2/id: slot value id "ELECTROLYTES" is not a cause of the '
            "content (NERVE_COMPRESSION, POOR_CONDITIONING, ELECTROLYTE_IMBALANCE)",
            f"{MODEL.format(locale)}: {LM}/types/0/values: no value for the content's cause \"ELECTROLYTE_IMBALANCE\"",
        )
    ]


def test_a_duplicate_value_id(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][1].update(id="NERVE_COMPRESSION"))
    expected = f'{MODEL.format("en-US")}: {LM}/types/0/values/1/id: duplicate value id "NERVE_COMPRESSION"'
    assert expected in copy.messages()


# --- intents and handlers ----------------------------------------------------


def test_an_intent_without_a_handler(copy):
    copy.edit_models(lambda lm: lm["intents"].append({"name": "WeatherIntent", "samples": ["what's the weather"]}))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}/intents/16/name: intent "WeatherIntent" has no handler in skill.handlers.INTENT_ANSWERS'
    )


def test_a_handler_without_an_intent(copy):
    copy.edit_models(lambda lm: lm["intents"].pop(9))  # AMAZON.NavigateHomeIntent
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}/intents: no intent "AMAZON.NavigateHomeIntent", which skill.handlers.INTENT_ANSWERS handles'
    )


def test_handlers_can_be_given(copy):
    handled = ["CausesIntent", "CauseDetailIntent", "AboutSpasmsIntent", "PreventionIntent", "SeeDoctorIntent"]
    messages = copy.messages(handled_intents=handled)
    help_intent = f'{LM}/intents/5/name: intent "AMAZON.HelpIntent" has no handler in skill.handlers.INTENT_ANSWERS'
    assert f'{MODEL.format("en-US")}: {help_intent}' in messages


# --- locales -----------------------------------------------------------------


def test_a_locale_missing_a_sample(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].remove("why do my thighs cramp"), ["en-GB"])
    assert copy.messages() == [
        f'{MODEL.format("en-GB")}: {LM}/intents/0/samples: sample "why do my thighs cramp" of en-US is missing'
    ]


def test_a_locale_with_an_extra_sample(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].append("why do my feet cramp"), ["en-AU"])
    assert copy.messages() == [
        f'{MODEL.format("en-AU")}: {LM}/intents/0/samples/{APPENDED_SAMPLE}: sample "why do my feet cramp" is not in en-US'
    ]


def test_a_locale_with_other_synonyms(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][1]["name"]["synonyms"].pop(), ["en-CA"])
    assert copy.messages() == [
        f"{MODEL.format('en-CA')}: {LM}/types/0/values: values of slot type LEG_CRAMP_CAUSE differ from en-US"
    ]


def test_a_locale_missing_an_intent(copy):
    copy.edit_models(lambda lm: lm["intents"].pop(SEE_DOCTOR), ["en-IN"])
    assert f'{MODEL.format("en-IN")}: {LM}/intents: intent "SeeDoctorIntent" of en-US is missing' in copy.messages()


def test_a_locale_with_another_invocation_name(copy):
    copy.edit_models(lambda lm: lm.update(invocationName="cramp guide"), ["en-GB"])
    expected = f'{MODEL.format("en-GB")}: {LM}/invocationName: invocation name differs from en-US ("leg cramp guide")'
    assert expected in copy.messages()


# --- manifest ----------------------------------------------------------------


def set_phrase(listing: Json, index: int, phrase: str) -> None:
    listing["examplePhrases"][index] = phrase


def test_an_example_phrase_the_model_does_not_say(copy):
    copy.edit_listings(lambda listing: set_phrase(listing, 1, "Alexa, ask leg cramp guide why is the sky blue"))
    assert [m for m in copy.messages() if "en-US" in m] == [
        f'{MANIFEST}: /manifest/publishingInformation/locales/en-US/examplePhrases/1: example phrase "Alexa, ask leg '
        'cramp guide why is the sky blue": no sample matches after "Alexa, ask leg cramp guide"'
    ]


def test_an_example_phrase_two_intents_say(copy):
    copy.edit_models(lambda lm: intent(lm, SEE_DOCTOR)["samples"].append("how can i prevent leg cramps"), ["en-US"])
    assert (
        f'{MANIFEST}: /manifest/publishingInformation/locales/en-US/examplePhrases/2: example phrase "Alexa, ask leg '
        'cramp guide how can I prevent leg cramps": samples of several intents match (PreventionIntent, '
        'SeeDoctorIntent) after "Alexa, ask leg cramp guide"'
    ) in copy.messages()


def test_an_example_phrase_that_does_not_ask_the_skill(copy):
    copy.edit_listings(lambda listing: set_phrase(listing, 2, "Alexa, why do my legs cramp"))
    assert (
        f'{MANIFEST}: /manifest/publishingInformation/locales/en-GB/examplePhrases/2: example phrase "Alexa, why do my '
        'legs cramp" must start "Alexa, ask leg cramp guide"'
    ) in copy.messages()


def test_the_first_example_phrase_opens_the_skill(copy):
    copy.edit_listings(lambda listing: set_phrase(listing, 0, "Alexa, launch leg cramp guide"))
    assert (
        f"{MANIFEST}: /manifest/publishingInformation/locales/en-IN/examplePhrases/0: "
        'the first example phrase must be "Alexa, open leg cramp guide"'
    ) in copy.messages()


def test_a_description_suggesting_a_phrase_the_model_lacks(copy):
    copy.edit_listings(lambda listing: listing.update(description='Ask "why is the sky blue". Not medical advice.'))
    assert (
        f'{MANIFEST}: /manifest/publishingInformation/locales/en-AU/description: suggests "why is the sky blue", '
        "which no sample matches in en-AU"
    ) in copy.messages()


def test_a_model_without_a_listing(copy):
    copy.edit_manifest(lambda m: m["publishingInformation"]["locales"].pop("en-CA"))
    assert copy.messages() == [
        f"{MANIFEST}: /manifest/publishingInformation/locales: no listing for en-CA, which has a model"
    ]


# --- the content -------------------------------------------------------------


def set_text(key: str, text: str) -> Callable[[Json], None]:
    return lambda data: data["messages"][key].update(text=text)


def test_a_content_phrase_no_sample_matches(copy):
    copy.edit_content("en.json", set_text("help", 'You can ask "why is the sky blue". What would you like to know?'))
    assert copy.messages() == [
        'skill/content/en.json: /messages/help/text: suggests "why is the sky blue", '
        f"which no sample matches in {ALL_LOCALES}"
    ]


def test_a_content_phrase_whose_sample_was_removed(copy):
    copy.edit_models(lambda lm: intent(lm, ABOUT_SPASMS)["samples"].remove("what is a leg spasm"))
    assert copy.messages() == [
        'skill/content/en.json: /messages/help/text: suggests "what is a leg spasm", '
        f"which no sample matches in {ALL_LOCALES}"
    ]


def test_a_content_phrase_in_a_locale_override_names_the_override(copy):
    (copy.content / "en-US.json").write_text('{"messages": {"about_spasms": {"text": "Say it."}}}')
    copy.edit_content("en-US.json", set_text("about_spasms", 'Say "tell me about sweat glands".'))
    assert copy.messages() == [
        'skill/content/en-US.json: /messages/about_spasms/text: suggests "tell me about sweat glands", '
        "which no sample matches in en-US"
    ]


def test_a_content_phrase_with_a_cause_is_said_with_each_cause(copy):
    copy.edit_content("en.json", set_text("offer_first_cause", 'Say "more about {cause}".'))
    assert copy.messages() == []
    copy.edit_content("en.json", set_text("offer_first_cause", 'Say "even more about {cause}".'))
    assert (
        f'skill/content/en.json: /messages/offer_first_cause/text: suggests "even more about nerve compression", '
        f"which no sample matches in {ALL_LOCALES}"
    ) in copy.messages()


def test_content_problems_are_reported_and_skip_the_content_lints(copy):
    copy.edit_content("en.json", lambda d: d["causes"][0].pop("synonyms"))
    assert copy.messages() == ["skill/content/en.json: causes[0]: 'synonyms' is a required property"]


# --- the command line on a broken copy ---------------------------------------


def test_validate_prints_each_problem_and_exits_1(copy):
    copy.edit_models(lambda lm: intent(lm, PREVENTION)["samples"].append("why do my thighs cramp"), ["en-GB"])
    result = subprocess.run(
        [sys.executable, "-m", "skill", "validate", "--package", str(copy.package)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f'{MODEL.format("en-GB")}: {LM}/intents/3/samples/26: sample "why do my thighs cramp" is also in CausesIntent',
        f'{MODEL.format("en-GB")}: {LM}/intents/3/samples/26: sample "why do my thighs cramp" is not in en-US',
    ]
    assert result.stderr == ""
