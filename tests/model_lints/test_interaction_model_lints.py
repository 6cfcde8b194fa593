"""Each lint of an interaction model fires on a broken copy: invocation name, samples, slot
values, handlers, and the locales agreeing."""

from __future__ import annotations

import pytest

from skill.content import SUPPORTED_LOCALES
from skill.model import CAUSE_TYPE
from skill.model.model_lints import spoken_text_problem
from tests.model_lints.broken_copy import (
    ALL_LOCALES,
    LM,
    MODEL,
    Copy,
    Json,
    appended_synonym,
    in_every_locale,
    intent,
    intent_index,
    sample_field,
    says_nothing,
    synonym_index,
    synonyms,
    type_index,
    value_index,
)

CAUSES, CAUSE_DETAIL, ABOUT_SPASMS = "CausesIntent", "CauseDetailIntent", "AboutSpasmsIntent"
PREVENTION, SEE_DOCTOR = "PreventionIntent", "SeeDoctorIntent"

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
        f'{{file}}: {sample_field(PREVENTION)}: sample "why do my calves cramp" is also in CausesIntent'
    )


def test_a_suggested_phrase_that_two_intents_say(copy):
    # The help message suggests "what is a charley horse".
    copy.edit_models(lambda lm: intent(lm, PREVENTION)["samples"].append("what is a charley horse"))
    assert (
        'skill/content/en.json: messages.help.text: suggests "what is a charley horse", which samples of several '
        f"intents match (AboutSpasmsIntent, PreventionIntent) in {ALL_LOCALES}"
    ) in copy.messages()


def test_a_sample_that_another_intents_slot_sample_also_says(copy):
    # "potassium" is a synonym of the cause ELECTROLYTE_IMBALANCE.
    copy.edit_models(lambda lm: intent(lm, ABOUT_SPASMS)["samples"].append("tell me about potassium"))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {sample_field(ABOUT_SPASMS)}: sample "tell me about potassium" '
        'is also said by "tell me about {{cause}}" of CauseDetailIntent'
    )


def test_a_duplicate_sample(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].append("What causes leg cramps"))
    messages = copy.messages()
    where = f"{MODEL.format('en-CA')}: {sample_field(CAUSES)}"
    assert f'{where}: duplicate sample "What causes leg cramps"' in messages


def test_a_slot_the_intent_does_not_declare(copy):
    copy.edit_models(lambda lm: intent(lm, ABOUT_SPASMS)["samples"].append("what is a {muscle} cramp"))
    assert copy.messages() == in_every_locale(
        f"{{file}}: {sample_field(ABOUT_SPASMS)}: {{{{muscle}}}} is not a slot of AboutSpasmsIntent"
    )


def test_a_slot_type_neither_declared_nor_built_in(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSE_DETAIL)["slots"][0].update(type="CAUSE"))
    expected = in_every_locale(
        f"{{file}}: {LM}.intents[{intent_index(CAUSE_DETAIL)}].slots[0].type: "
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
    assert f"{MODEL.format('en-US')}: {sample_field(CAUSES)}: {message}" in copy.messages()


@pytest.mark.parametrize("text", ["what's a cramp", "why do my calves' muscles cramp", "tell me about {cause}"])
def test_samples_alexa_accepts(text):
    assert spoken_text_problem(text, "sample", slots_allowed=True) is None


# --- slot values -------------------------------------------------------------


def value_field(value_id: str, type_name: str = CAUSE_TYPE) -> str:
    return f"{LM}.types[{type_index(type_name)}].values[{value_index(type_name, value_id)}]"


def test_a_synonym_of_two_values(copy):
    # "potassium" is already a synonym of ELECTROLYTE_IMBALANCE, which comes after NERVE_COMPRESSION.
    copy.edit_models(lambda lm: synonyms(lm, CAUSE_TYPE, "NERVE_COMPRESSION").append("potassium"))
    where = f"{value_field('ELECTROLYTE_IMBALANCE')}.name.synonyms"
    index = synonym_index(CAUSE_TYPE, "ELECTROLYTE_IMBALANCE", "potassium")
    assert copy.messages() == in_every_locale(
        f'{{file}}: {where}[{index}]: duplicate synonym "potassium" (also a name or synonym of NERVE_COMPRESSION)'
    )


def test_a_synonym_of_two_values_of_another_slot_type(copy):
    # Every slot type is checked, not only the causes: "numb" means NUMBNESS.
    copy.edit_models(lambda lm: synonyms(lm, "SYMPTOM", "SWELLING").append("numb"))
    where = f"{value_field('NUMBNESS', 'SYMPTOM')}.name.synonyms[{synonym_index('SYMPTOM', 'NUMBNESS', 'numb')}]"
    assert copy.messages() == in_every_locale(
        f'{{file}}: {where}: duplicate synonym "numb" (also a name or synonym of SWELLING)'
    )


def test_a_slot_value_with_characters_alexa_rejects(copy):
    copy.edit_models(lambda lm: synonyms(lm, CAUSE_TYPE, "POOR_CONDITIONING").append("unfit!"))
    where = f"{value_field('POOR_CONDITIONING')}.name.synonyms[{appended_synonym(CAUSE_TYPE, 'POOR_CONDITIONING')}]"
    assert f'{MODEL.format("en-US")}: {where}: slot value "unfit!" has characters Alexa rejects: !' in copy.messages()


def cause_value(lm: Json, value_id: str) -> Json:
    cause_type = next(slot_type for slot_type in lm["types"] if slot_type["name"] == CAUSE_TYPE)
    value: Json = next(value for value in cause_type["values"] if value["id"] == value_id)
    return value


def test_a_slot_value_id_the_content_does_not_know(copy):
    copy.edit_models(lambda lm: cause_value(lm, "ELECTROLYTE_IMBALANCE").update(id="ELECTROLYTES"))
    where = value_field("ELECTROLYTE_IMBALANCE")
    assert copy.messages() == [
        line
        for locale in sorted(SUPPORTED_LOCALES)
        for line in (
            f'{MODEL.format(locale)}: {where}.id: slot value id "ELECTROLYTES" is not a cause of the '
            "content (NERVE_COMPRESSION, POOR_CONDITIONING, ELECTROLYTE_IMBALANCE)",
            f"{MODEL.format(locale)}: {LM}.types[{type_index(CAUSE_TYPE)}].values: "
            'no value for the content\'s cause "ELECTROLYTE_IMBALANCE"',
        )
    ]


def test_a_duplicate_value_id(copy):
    copy.edit_models(lambda lm: cause_value(lm, "POOR_CONDITIONING").update(id="NERVE_COMPRESSION"))
    expected = f'{MODEL.format("en-US")}: {value_field("POOR_CONDITIONING")}.id: duplicate value id "NERVE_COMPRESSION"'
    assert expected in copy.messages()


# --- intents and handlers ----------------------------------------------------


def test_an_intent_without_a_handler(copy):
    copy.edit_models(lambda lm: lm["intents"].append({"name": "WeatherIntent", "samples": ["what's the weather"]}))
    appended = len(copy.language_model("en-US")["intents"]) - 1
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}.intents[{appended}].name: intent "WeatherIntent" has no handler in '
        "skill.handlers.INTENT_ANSWERS"
    )


def test_a_handler_without_an_intent(copy):
    copy.edit_models(lambda lm: lm["intents"].remove(intent(lm, "AMAZON.NavigateHomeIntent")))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}.intents: no intent "AMAZON.NavigateHomeIntent", which skill.handlers.INTENT_ANSWERS handles'
    )


def test_a_direct_answers_intent_is_a_handled_intent(copy):
    # The content names each direct answer's intent; its handler comes from there.
    # (PainIntent has no name-free ingress point, which would dangle too.)
    copy.edit_models(lambda lm: lm["intents"].remove(intent(lm, "PainIntent")))
    assert copy.messages() == in_every_locale(
        f'{{file}}: {LM}.intents: no intent "PainIntent", which skill.handlers.INTENT_ANSWERS handles'
    )


def test_without_handled_intents_there_is_no_handler_lint(copy):
    copy.edit_models(lambda lm: lm["intents"].append({"name": "WeatherIntent", "samples": ["what's the weather"]}))
    assert copy.messages(handled_intents=None) == []


def test_handlers_can_be_given(copy):
    handled = [CAUSES, CAUSE_DETAIL, ABOUT_SPASMS, PREVENTION, SEE_DOCTOR]
    messages = copy.messages(handled_intents=handled)
    for name in ("AMAZON.HelpIntent", "DurationIntent"):
        where = f"{MODEL.format('en-US')}: {LM}.intents[{intent_index(name)}].name"
        assert f'{where}: intent "{name}" has no handler in skill.handlers.INTENT_ANSWERS' in messages
    assert not any(f'"{name}" has no handler' in message for name in handled for message in messages)


# --- locales -----------------------------------------------------------------


def test_a_locale_missing_a_sample(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].remove("why do my thighs cramp"), ["en-GB"])
    assert copy.messages() == [
        f'{MODEL.format("en-GB")}: {LM}.intents[{intent_index(CAUSES)}].samples: '
        'sample "why do my thighs cramp" of en-US is missing'
    ]


def test_a_locale_with_an_extra_sample(copy):
    extra = "why do my legs cramp up so badly"
    assert says_nothing(extra), "pick an example no sample says yet"
    copy.edit_models(lambda lm: intent(lm, CAUSES)["samples"].append(extra), ["en-AU"])
    assert copy.messages() == [f'{MODEL.format("en-AU")}: {sample_field(CAUSES)}: sample "{extra}" is not in en-US']


def test_a_locale_with_other_synonyms(copy):
    copy.edit_models(lambda lm: synonyms(lm, CAUSE_TYPE, "POOR_CONDITIONING").pop(), ["en-CA"])
    assert copy.messages() == [
        f"{MODEL.format('en-CA')}: {LM}.types[{type_index(CAUSE_TYPE)}].values: "
        "values of slot type LEG_CRAMP_CAUSE differ from en-US"
    ]


def test_a_locale_missing_an_intent(copy):
    copy.edit_models(lambda lm: lm["intents"].remove(intent(lm, SEE_DOCTOR)), ["en-IN"])
    assert f'{MODEL.format("en-IN")}: {LM}.intents: intent "SeeDoctorIntent" of en-US is missing' in copy.messages()


def test_a_locale_with_another_invocation_name(copy):
    copy.edit_models(lambda lm: lm.update(invocationName="cramp guide"), ["en-GB"])
    expected = f'{MODEL.format("en-GB")}: {LM}.invocationName: invocation name differs from en-US ("leg cramp guide")'
    assert expected in copy.messages()
