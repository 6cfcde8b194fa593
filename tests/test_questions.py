"""The narrow questions people ask: direct answers, red flags, other topics, honest limits."""

from __future__ import annotations

import re

import pytest

from skill.content import SUPPORTED_LOCALES, load_content, word_count
from skill.simulator import request_builder
from skill.simulator.session import Conversation
from tests.helpers import card, ends_session, reprompt, speech

CONTENT = load_content("en-US")
SEEK_CARE = CONTENT.variants("seek_care")
DIRECT = {key: entry for key, entry in CONTENT.answers.items() if key != "causes"}
EMERGENCY_NUMBERS = {"en-US": "9-1-1", "en-CA": "9-1-1", "en-GB": "9-9-9", "en-AU": "triple zero", "en-IN": "1-1-2"}


def slot(name: str, slot_type: str, value: str, value_id: str | None) -> dict:
    return request_builder.custom_slot(name, value, value_id, slot_type)


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.?!])\s+", text) if part]


# Direct answers ------------------------------------------------------------------


@pytest.mark.parametrize("key", DIRECT)
def test_a_direct_question_is_answered_first_and_briefly(conversation, key):
    entry = CONTENT.answers[key]
    conversation.launch()
    response = conversation.intent(entry.intent)
    said = speech(response)
    assert said.startswith(entry.text)
    assert word_count(said) <= 50
    assert card(response)["title"] == entry.title
    assert not ends_session(response) and reprompt(response).endswith("?")


@pytest.mark.parametrize("key", DIRECT)
def test_a_direct_one_shot_ends_on_the_seek_care_advice_where_it_has_one(conversation, key):
    entry = CONTENT.answers[key]
    response = conversation.intent(entry.intent)
    said = speech(response)
    assert ends_session(response)
    assert said.startswith(entry.text)
    assert any(said.endswith(wording) for wording in SEEK_CARE) == entry.seek_care


@pytest.mark.parametrize("key", [key for key, entry in DIRECT.items() if entry.offer])
def test_yes_after_a_direct_answer_takes_up_what_it_offered(conversation, key):
    conversation.launch()
    conversation.intent(CONTENT.answers[key].intent)
    offered = CONTENT.answers[key].offer or ""
    followed = speech(conversation.intent("AMAZON.YesIntent"))
    if offered.startswith("cause:"):
        assert followed.startswith(CONTENT.causes[int(offered.removeprefix("cause:"))].detail)
    else:
        assert followed.startswith(CONTENT.answers[offered].text)


def test_a_cramp_happening_now_hears_it_usually_passes_and_when_to_get_care(conversation):
    said = speech(conversation.intent("CrampNowIntent"))
    assert "in seconds" in said and "after ten minutes or longer" in said  # the article's range, whole
    assert "first aid" in said
    assert "no treatment steps" in said
    assert any(said.endswith(wording) for wording in SEEK_CARE)


# Red flags ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_red_flag_hears_the_locales_emergency_number_first(in_process, locale):
    response = Conversation(in_process, locale=locale).intent(
        "EmergencyIntent", slot("symptom", "SYMPTOM", "swollen", "SWELLING")
    )
    said = speech(response)
    assert said.startswith(f"If this could be an emergency, call {EMERGENCY_NUMBERS[locale]} now.")
    assert "can't assess symptoms" in said
    assert ends_session(response)


@pytest.mark.parametrize("symptom", [term.id for term in CONTENT.terms["symptoms"]] + [None])
def test_a_red_flag_names_no_condition(conversation, symptom):
    term = CONTENT.term("symptoms", symptom) if symptom else None
    slots = slot("symptom", "SYMPTOM", term.synonyms[0], term.id) if term else {}
    said = speech(conversation.intent("EmergencyIntent", slots)).lower()
    for word in ("clot", "heart attack", "stroke", "thrombosis", "fracture", "infection"):
        assert word not in said


@pytest.mark.parametrize("said", ["swelling", "numb", "chest pain", "a blood clot"])
def test_a_symptom_heard_where_a_cause_was_expected_still_gets_the_emergency_answer(conversation, said):
    response = conversation.intent("CauseDetailIntent", {"cause": {"name": "cause", "value": said}})
    assert speech(response).startswith("If this could be an emergency")


# Other health topics ------------------------------------------------------------------


@pytest.mark.parametrize("topic", CONTENT.terms["other_topics"], ids=lambda term: term.id)
def test_another_health_topic_is_named_and_not_answered_as_leg_cramps(conversation, topic):
    response = conversation.intent("OtherTopicIntent", slot("topic", "OTHER_HEALTH_TOPIC", topic.synonyms[0], topic.id))
    said = speech(response)
    assert said.startswith(f"I can only help with leg cramps, not {topic.name}.")
    assert card(response) is None
    assert not ends_session(response)


def test_another_topic_that_did_not_resolve_is_still_turned_away_plainly(conversation):
    response = conversation.intent("OtherTopicIntent", slot("topic", "OTHER_HEALTH_TOPIC", "my elbow itch", None))
    assert speech(response).startswith("I can only help with leg cramps.")
    assert card(response) is None


# What the source does not cover ----------------------------------------------------


@pytest.mark.parametrize("topic", CONTENT.terms["uncovered_topics"], ids=lambda term: term.id)
def test_a_topic_the_source_does_not_cover_is_said_so_then_what_it_has_is_offered(conversation, topic):
    conversation.launch()
    response = conversation.intent("NotCoveredIntent", slot("topic", "UNCOVERED_TOPIC", topic.synonyms[0], topic.id))
    said = speech(response)
    assert said.startswith(f"My source doesn't cover {topic.name}.")
    assert card(response) is None
    related = CONTENT.answers[topic.related or ""]
    assert related.pitch in reprompt(response)
    assert speech(conversation.intent("AMAZON.YesIntent")).startswith(
        related.text if topic.related != "causes" else related.text.split(".")[0]
    )


def test_an_uncovered_topic_without_a_name_is_still_said_to_be_uncovered(conversation):
    response = conversation.intent("NotCoveredIntent", {})
    assert speech(response).startswith("My source doesn't cover that.")


# Nothing said twice ----------------------------------------------------------------

WALKS = {
    "the causes walked with yes": ["CausesIntent"] + ["AMAZON.YesIntent"] * 7,
    "the causes walked with next": ["CausesIntent", "AMAZON.NextIntent", "AMAZON.NextIntent", "AMAZON.NextIntent"],
    "every direct question": [entry.intent for entry in DIRECT.values()],
    "detours": ["AMAZON.HelpIntent", "AMAZON.FallbackIntent", "AMAZON.FallbackIntent", "OtherTopicIntent",
                "NotCoveredIntent", "AMAZON.YesIntent", "CausesIntent", "AMAZON.NoIntent"],
}


@pytest.mark.parametrize("walk", WALKS.values(), ids=WALKS.keys())
def test_within_a_session_no_sentence_is_said_twice(conversation, walk):
    heard: list[str] = sentences(speech(conversation.launch()))
    for intent in walk:
        heard += sentences(speech(conversation.intent(intent)))
    repeated = {sentence for sentence in heard if heard.count(sentence) > 1}
    assert repeated == set()


def test_the_seek_care_advice_ends_every_cause_in_a_new_wording(conversation):
    conversation.launch()
    advice = []
    for intent in ["CausesIntent", "AMAZON.NextIntent", "AMAZON.NextIntent", "AMAZON.NextIntent"]:
        response = conversation.intent(intent)
        told = speech(response).removesuffix(reprompt(response)).strip()
        advice.append(next(wording for wording in SEEK_CARE if told.endswith(wording)))
    assert len(set(advice)) == len(advice)


def test_a_direct_answer_gives_the_seek_care_advice_only_until_it_was_heard(conversation):
    advising = next(entry for entry in DIRECT.values() if entry.seek_care)
    conversation.launch()
    assert any(wording in speech(conversation.intent(advising.intent)) for wording in SEEK_CARE)
    conversation.intent("CausesIntent")  # the causes answer ends on the advice whatever was heard
    again = speech(conversation.intent(advising.intent))
    assert again.startswith(advising.text)
    assert not any(wording in again for wording in SEEK_CARE)


def test_asking_for_a_repeat_is_the_one_time_a_sentence_comes_again(conversation):
    conversation.launch()
    first = speech(conversation.intent("DurationIntent"))
    assert speech(conversation.intent("AMAZON.RepeatIntent")) == first


def test_an_answer_already_given_is_not_offered_again(conversation):
    offering = next(entry for entry in DIRECT.values() if entry.offer in DIRECT)
    offered = DIRECT[offering.offer]
    conversation.launch()
    conversation.intent(offered.intent)
    response = conversation.intent(offering.intent)
    assert offered.pitch not in reprompt(response)
    assert reprompt(response)  # it still asks something: the next answer along, or what else
