"""Each lint of an interaction model fires on a broken copy: invocation name, samples, slot
values, handlers, and the locales agreeing."""

from __future__ import annotations

import pytest

from skill.content import SUPPORTED_LOCALES
from skill.model.model_lints import spoken_text_problem
from tests.model_lints.broken_copy import (
    ABOUT_SPASMS,
    ALL_LOCALES,
    APPENDED_SAMPLE,
    APPENDED_SYNONYM,
    CAUSE_DETAIL,
    CAUSES,
    LM,
    MODEL,
    PREVENTION,
    SEE_DOCTOR,
    Copy,
    in_every_locale,
    intent,
)

# --- invocation name ---------------------------------------------------------


def invocation_messages(copy: Copy, name: str) -> list[str]:
    copy.edit_models(lambda lm: lm.update(invocationName=name), ["en-US"])
    where = f"{MODEL.format('en-US')}: {LM}.invocationName: "
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
        f'{{file}}: {LM}.intents[3].samples[26]: sample "why do my calves cramp" is also in CausesIntent'
    )


def test_a_suggested_phrase_that_two_intents_say(copy):
    copy.edit_models(lambda lm: intent(lm, PREVENTION)["samples"].append("what is a leg spasm"))
    assert (
        'skill/content/en.json: messages.help.text: suggests "what is a leg spasm", which samples of several '
        f"intents match (AboutSpasmsIntent, PreventionIntent) in {ALL_LOCALES}"
    ) in copy.messages()


def test_a_sample_that_another_intents_slot_sample_also_says(copy):
    copy.edit_models(lambda lm: intent(lm, ABOUT_SPASMS)["samples"].append("tell me about sweating"))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}.intents[2].samples[30]: sample "tell me about sweating" '
        'is also said by "tell me about {{cause}}" of CauseDetailIntent'
    )


def test_a_duplicate_sample(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].append("What causes leg cramps"))
    messages = copy.messages()
    where = f"{MODEL.format('en-CA')}: {LM}.intents[0].samples[{APPENDED_SAMPLE}]"
    assert f'{where}: duplicate sample "What causes leg cramps"' in messages


def test_a_slot_the_intent_does_not_declare(copy):
    copy.edit_models(lambda lm: intent(lm, ABOUT_SPASMS)["samples"].append("what is a {muscle} cramp"))
    assert copy.messages() == in_every_locale(
        f"{{file}}: {LM}.intents[2].samples[30]: {{{{muscle}}}} is not a slot of AboutSpasmsIntent"
    )


def test_a_slot_type_neither_declared_nor_built_in(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSE_DETAIL)["slots"][0].update(type="CAUSE"))
    expected = in_every_locale(
        f'{{file}}: {LM}.intents[1].slots[0].type: '
        'slot type "CAUSE" is neither declared in types nor built in (AMAZON.*)'
    )
    assert [m for m in copy.messages() if ".slots[0].type: " in m] == expected


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
    assert f"{MODEL.format('en-US')}: {LM}.intents[0].samples[{APPENDED_SAMPLE}]: {message}" in copy.messages()


@pytest.mark.parametrize("text", ["what's a cramp", "why do my calves' muscles cramp", "tell me about {cause}"])
def test_samples_alexa_accepts(text):
    assert spoken_text_problem(text, "sample", slots_allowed=True) is None


# --- slot values -------------------------------------------------------------


def test_a_synonym_of_two_values(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][0]["name"]["synonyms"].append("sweat"))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}.types[0].values[2].name.synonyms[8]: duplicate synonym "sweat" '
        "(also a name or synonym of NERVE_COMPRESSION)"
    )


def test_a_slot_value_with_characters_alexa_rejects(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][1]["name"]["synonyms"].append("unfit!"))
    assert (
        f'{MODEL.format("en-US")}: {LM}.types[0].values[1].name.synonyms[{APPENDED_SYNONYM}]: '
        'slot value "unfit!" has characters Alexa rejects: !'
        in copy.messages()
    )


def test_a_slot_value_id_the_content_does_not_know(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][2].update(id="ELECTROLYTES"))
    assert copy.messages() == [
        line
        for locale in sorted(SUPPORTED_LOCALES)
        for line in (
            f'{MODEL.format(locale)}: {LM}.types[0].values[2].id: slot value id "ELECTROLYTES" is not a cause of the '
            "content (NERVE_COMPRESSION, POOR_CONDITIONING, ELECTROLYTE_IMBALANCE)",
            f"{MODEL.format(locale)}: {LM}.types[0].values: no value for the content's cause \"ELECTROLYTE_IMBALANCE\"",
        )
    ]


def test_a_duplicate_value_id(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][1].update(id="NERVE_COMPRESSION"))
    expected = f'{MODEL.format("en-US")}: {LM}.types[0].values[1].id: duplicate value id "NERVE_COMPRESSION"'
    assert expected in copy.messages()


# --- intents and handlers ----------------------------------------------------


def test_an_intent_without_a_handler(copy):
    copy.edit_models(lambda lm: lm["intents"].append({"name": "WeatherIntent", "samples": ["what's the weather"]}))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}.intents[16].name: intent "WeatherIntent" has no handler in skill.handlers.INTENT_ANSWERS'
    )


def test_a_handler_without_an_intent(copy):
    copy.edit_models(lambda lm: lm["intents"].pop(9))  # AMAZON.NavigateHomeIntent
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}.intents: no intent "AMAZON.NavigateHomeIntent", which skill.handlers.INTENT_ANSWERS handles'
    )


def test_without_handled_intents_there_is_no_handler_lint(copy):
    copy.edit_models(lambda lm: lm["intents"].append({"name": "WeatherIntent", "samples": ["what's the weather"]}))
    assert copy.messages(handled_intents=None) == []


def test_handlers_can_be_given(copy):
    handled = ["CausesIntent", "CauseDetailIntent", "AboutSpasmsIntent", "PreventionIntent", "SeeDoctorIntent"]
    messages = copy.messages(handled_intents=handled)
    help_intent = f'{LM}.intents[5].name: intent "AMAZON.HelpIntent" has no handler in skill.handlers.INTENT_ANSWERS'
    assert f'{MODEL.format("en-US")}: {help_intent}' in messages


# --- locales -----------------------------------------------------------------


def test_a_locale_missing_a_sample(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].remove("why do my thighs cramp"), ["en-GB"])
    assert copy.messages() == [
        f'{MODEL.format("en-GB")}: {LM}.intents[0].samples: sample "why do my thighs cramp" of en-US is missing'
    ]


def test_a_locale_with_an_extra_sample(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].append("why do my feet cramp"), ["en-AU"])
    assert copy.messages() == [
        f"{MODEL.format('en-AU')}: {LM}.intents[0].samples[{APPENDED_SAMPLE}]: "
        'sample "why do my feet cramp" is not in en-US'
    ]


def test_a_locale_with_other_synonyms(copy):
    copy.edit_models(lambda lm: lm["types"][0]["values"][1]["name"]["synonyms"].pop(), ["en-CA"])
    assert copy.messages() == [
        f"{MODEL.format('en-CA')}: {LM}.types[0].values: values of slot type LEG_CRAMP_CAUSE differ from en-US"
    ]


def test_a_locale_missing_an_intent(copy):
    copy.edit_models(lambda lm: lm["intents"].pop(SEE_DOCTOR), ["en-IN"])
    assert f'{MODEL.format("en-IN")}: {LM}.intents: intent "SeeDoctorIntent" of en-US is missing' in copy.messages()


def test_a_locale_with_another_invocation_name(copy):
    copy.edit_models(lambda lm: lm.update(invocationName="cramp guide"), ["en-GB"])
    expected = f'{MODEL.format("en-GB")}: {LM}.invocationName: invocation name differs from en-US ("leg cramp guide")'
    assert expected in copy.messages()


