"""Every intent and built-in, one-shot and in a conversation, as a listener hears it."""

from __future__ import annotations

import pytest

from skill.content import load_content
from skill.simulator import envelopes
from skill.simulator.session import Conversation
from tests.helpers import card, ends_session, reprompt, speech

CONTENT = load_content("en-US")
SEEK_CARE = CONTENT.text("seek_care")
CAUSE_IDS = [cause.id for cause in CONTENT.causes]


def cause_slot(value: str, value_id: str | None) -> dict:
    return envelopes.custom_slot("cause", value, value_id, "LEG_CRAMP_CAUSE")


def open_conversation(conversation: Conversation) -> Conversation:
    conversation.launch()
    assert conversation.is_open
    return conversation


def one_shot(conversation: Conversation, intent: str, slots: dict | None = None) -> dict:
    """"Alexa, ask leg cramp guide ...": an intent that opens a new session."""
    assert not conversation.is_open
    return conversation.intent(intent, slots)


def asks_with_reprompt(response: dict) -> None:
    assert not ends_session(response)
    assert speech(response).endswith("?")
    assert reprompt(response)


# Launch ---------------------------------------------------------------------


def test_launch_says_what_the_skill_is_and_what_to_say(conversation):
    response = conversation.launch()
    said = speech(response)
    assert "Leg Cramp Guide" in said
    assert "not medical advice" in said
    assert '"why do my legs cramp"' in said
    assert len(said.split()) <= 40
    asks_with_reprompt(response)


# Causes -----------------------------------------------------------------------


def test_causes_one_shot_ends_on_the_seek_care_advice(conversation):
    response = one_shot(conversation, "CausesIntent")
    said = speech(response)
    for cause in CONTENT.causes:
        assert cause.summary in said
    assert said.endswith(SEEK_CARE)
    assert ends_session(response)
    assert reprompt(response) == ""


def test_causes_in_conversation_follow_the_advice_with_one_question(conversation):
    response = open_conversation(conversation).intent("CausesIntent")
    said = speech(response)
    question = said[said.index(SEEK_CARE) + len(SEEK_CARE):].strip()
    assert question == "Would you like more about nerve compression?"
    assert reprompt(response) == question
    asks_with_reprompt(response)


def test_causes_card_carries_the_summaries_without_the_question(conversation):
    response = open_conversation(conversation).intent("CausesIntent")
    assert card(response)["title"] == "Why Legs Cramp"
    assert card(response)["content"].endswith(SEEK_CARE)
    assert "?" not in card(response)["content"]


def test_causes_are_told_in_article_order(conversation):
    said = speech(one_shot(conversation, "CausesIntent"))
    positions = [said.index(name) for name in ("nerve compression", "poor conditioning", "electrolyte imbalance")]
    assert positions == sorted(positions)


# Cause detail -------------------------------------------------------------------


@pytest.mark.parametrize("cause_id", CAUSE_IDS)
def test_cause_detail_one_shot(conversation, cause_id):
    cause = CONTENT.causes[CONTENT.cause_index(cause_id)]
    response = one_shot(conversation, "CauseDetailIntent", cause_slot(cause.name, cause_id))
    said = speech(response)
    assert said.startswith(cause.detail)
    assert cause.prevention in said
    assert said.endswith(SEEK_CARE)
    assert ends_session(response)
    assert card(response)["title"] == cause.title


@pytest.mark.parametrize(
    "cause_id, synonym",
    [(cause.id, synonym) for cause in CONTENT.causes for synonym in cause.synonyms],
)
def test_every_synonym_reaches_its_cause(in_process, cause_id, synonym):
    cause = CONTENT.causes[CONTENT.cause_index(cause_id)]
    # As Alexa sends it (entity resolution), and bare (a hand-made request).
    for slots in (cause_slot(synonym, cause_id), {"cause": {"name": "cause", "value": synonym}}):
        response = Conversation(in_process).intent("CauseDetailIntent", slots)
        assert speech(response).startswith(cause.detail), synonym


@pytest.mark.parametrize(
    "slots, message",
    [
        ({}, "which_cause"),
        ({"cause": {"name": "cause"}}, "which_cause"),
        ({"cause": {"name": "cause", "value": "cheese"}}, "unknown_cause"),
        (envelopes.custom_slot("cause", "statins", None, "LEG_CRAMP_CAUSE"), "unknown_cause"),
    ],
    ids=["no slot", "empty slot", "unknown words", "ER_SUCCESS_NO_MATCH"],
)
def test_unknown_or_missing_cause_asks_which_one(conversation, slots, message):
    response = conversation.intent("CauseDetailIntent", slots)
    said = speech(response)
    assert said == CONTENT.text(message)
    for cause in CONTENT.causes:
        assert cause.name in said
    asks_with_reprompt(response)


def test_a_cause_the_skill_does_not_know_is_not_answered_with_silence(conversation):
    said = speech(conversation.intent("CauseDetailIntent", envelopes.custom_slot("cause", "statins", None, "LEG_CRAMP_CAUSE")))
    assert said.startswith("I don't have information about that.")


def test_tell_me_more_takes_up_the_offered_cause(conversation):
    open_conversation(conversation).intent("CausesIntent")
    first = conversation.intent("CauseDetailIntent", {})  # "tell me more"
    assert speech(first).startswith(CONTENT.causes[0].detail)
    second = conversation.intent("CauseDetailIntent", {})  # offered next: poor conditioning
    assert speech(second).startswith(CONTENT.causes[1].detail)


def test_answering_which_cause_gives_its_detail(conversation):
    conversation.intent("CauseDetailIntent", {})
    response = conversation.intent("CauseDetailIntent", cause_slot("magnesium", "ELECTROLYTE_IMBALANCE"))
    assert speech(response).startswith(CONTENT.causes[2].detail)
    asks_with_reprompt(response)


# Other topics -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "intent, key, must_mention",
    [
        ("AboutSpasmsIntent", "about_spasms", ["calf", "hamstring", "quadriceps", "ten minutes"]),
        ("PreventionIntent", "prevention", ["exercise", "Balanced meals", "blood levels"]),
        ("SeeDoctorIntent", "see_doctor", ["long time", "spine"]),
    ],
)
def test_topic_one_shot_answers_and_ends(conversation, intent, key, must_mention):
    response = one_shot(conversation, intent)
    said = speech(response)
    assert said == CONTENT.text(key)
    for words in must_mention:
        assert words in said
    assert ends_session(response)
    assert card(response)["title"] == CONTENT.title(key)


@pytest.mark.parametrize("intent", ["AboutSpasmsIntent", "PreventionIntent", "SeeDoctorIntent"])
def test_topic_in_conversation_offers_more(conversation, intent):
    response = open_conversation(conversation).intent(intent)
    asks_with_reprompt(response)
    assert card(response)["content"] in speech(response)


# Built-ins ---------------------------------------------------------------------------


def test_help_names_phrases_and_keeps_listening(conversation):
    response = open_conversation(conversation).intent("AMAZON.HelpIntent")
    said = speech(response)
    for phrase in ("why do my legs cramp", "how can I prevent leg cramps", "when should I see a doctor"):
        assert f'"{phrase}"' in said
    asks_with_reprompt(response)


def test_help_as_a_one_shot_still_asks(conversation):
    asks_with_reprompt(one_shot(conversation, "AMAZON.HelpIntent"))


@pytest.mark.parametrize("intent", ["AMAZON.FallbackIntent", "TotallyUnknownIntent"])
def test_fallback_says_what_the_skill_can_do(conversation, intent):
    response = open_conversation(conversation).intent(intent)
    said = speech(response)
    assert said.startswith("Sorry")
    assert "what causes leg cramps" in said
    asks_with_reprompt(response)


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_say_goodbye_and_end(conversation, intent):
    response = open_conversation(conversation).intent(intent)
    assert speech(response) == CONTENT.text("goodbye")
    assert ends_session(response)
    assert reprompt(response) == ""
    assert not conversation.is_open


def test_session_ended_request_gets_no_speech(conversation):
    open_conversation(conversation)
    response = conversation.end()
    assert "outputSpeech" not in response["response"]
    assert "reprompt" not in response["response"]


def test_yes_accepts_the_offer_and_walks_on(conversation):
    open_conversation(conversation).intent("CausesIntent")
    first = conversation.intent("AMAZON.YesIntent")
    assert speech(first).startswith(CONTENT.causes[0].detail)
    assert speech(first).endswith("Would you like to hear the next cause, poor conditioning?")
    second = conversation.intent("AMAZON.YesIntent")
    assert speech(second).startswith(CONTENT.causes[1].detail)
    third = conversation.intent("AMAZON.YesIntent")
    assert speech(third).endswith(CONTENT.text("offer_prevention"))
    prevention = conversation.intent("AMAZON.YesIntent")
    assert speech(prevention).startswith(CONTENT.text("prevention"))


def test_yes_with_nothing_offered_asks_what_next(conversation):
    response = open_conversation(conversation).intent("AMAZON.YesIntent")
    assert speech(response) == CONTENT.text("ask_anything")
    asks_with_reprompt(response)


def test_no_declines_then_a_second_no_says_goodbye(conversation):
    open_conversation(conversation).intent("CausesIntent")
    declined = conversation.intent("AMAZON.NoIntent")
    assert speech(declined) == CONTENT.text("offer_anything_else")
    asks_with_reprompt(declined)
    farewell = conversation.intent("AMAZON.NoIntent")
    assert speech(farewell) == CONTENT.text("goodbye")
    assert ends_session(farewell)


def test_next_walks_the_causes_in_order_then_stops_at_the_end(conversation):
    open_conversation(conversation)
    for cause in CONTENT.causes:
        assert speech(conversation.intent("AMAZON.NextIntent")).startswith(cause.detail)
    end = conversation.intent("AMAZON.NextIntent")
    assert speech(end) == CONTENT.text("last_cause_reached")
    asks_with_reprompt(end)
    assert speech(conversation.intent("AMAZON.YesIntent")) == CONTENT.text("ask_anything")


def test_previous_walks_back_then_stops_at_the_first(conversation):
    open_conversation(conversation).intent("CauseDetailIntent", cause_slot("potassium", "ELECTROLYTE_IMBALANCE"))
    assert speech(conversation.intent("AMAZON.PreviousIntent")).startswith(CONTENT.causes[1].detail)
    assert speech(conversation.intent("AMAZON.PreviousIntent")).startswith(CONTENT.causes[0].detail)
    first = conversation.intent("AMAZON.PreviousIntent")
    assert speech(first) == CONTENT.text("first_cause_reached", cause=CONTENT.causes[0].name)
    assert speech(conversation.intent("AMAZON.YesIntent")).startswith(CONTENT.causes[0].detail)


def test_repeat_says_the_last_answer_again(conversation):
    open_conversation(conversation)
    original = conversation.intent("AboutSpasmsIntent")
    repeated = conversation.intent("AMAZON.RepeatIntent")
    assert speech(repeated) == speech(original)
    assert reprompt(repeated) == reprompt(original)
    # The offer survives the repeat: yes still means "tell me the causes".
    assert speech(conversation.intent("AMAZON.YesIntent")).startswith(CONTENT.text("causes_intro"))


def test_repeat_with_nothing_said_yet(conversation):
    response = one_shot(conversation, "AMAZON.RepeatIntent")
    assert speech(response) == CONTENT.text("nothing_to_repeat")
    asks_with_reprompt(response)


@pytest.mark.parametrize("intent", ["AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent"])
def test_start_over_returns_to_the_welcome_and_forgets_the_place(conversation, intent):
    open_conversation(conversation).intent("AMAZON.NextIntent")
    conversation.intent("AMAZON.NextIntent")
    response = conversation.intent(intent)
    assert speech(response) == CONTENT.text("welcome")
    asks_with_reprompt(response)
    assert speech(conversation.intent("AMAZON.NextIntent")).startswith(CONTENT.causes[0].detail)


def test_a_new_session_after_stop_starts_fresh(conversation):
    open_conversation(conversation).intent("AMAZON.NextIntent")
    conversation.intent("AMAZON.StopIntent")
    response = conversation.intent("AMAZON.NextIntent")
    assert speech(response).startswith(CONTENT.causes[0].detail)
    assert ends_session(response)  # a new session that starts with an intent is a one-shot


# Every answer's shape -----------------------------------------------------------------

ALL_INTENTS = [
    ("CausesIntent", None),
    ("CauseDetailIntent", cause_slot("sweating", "ELECTROLYTE_IMBALANCE")),
    ("CauseDetailIntent", None),
    ("AboutSpasmsIntent", None),
    ("PreventionIntent", None),
    ("SeeDoctorIntent", None),
    ("AMAZON.HelpIntent", None),
    ("AMAZON.FallbackIntent", None),
    ("AMAZON.YesIntent", None),
    ("AMAZON.NoIntent", None),
    ("AMAZON.RepeatIntent", None),
    ("AMAZON.NextIntent", None),
    ("AMAZON.PreviousIntent", None),
    ("AMAZON.StartOverIntent", None),
    ("AMAZON.NavigateHomeIntent", None),
    ("AMAZON.StopIntent", None),
    ("AMAZON.CancelIntent", None),
]


@pytest.mark.parametrize("one_shot_request", [True, False], ids=["one-shot", "conversation"])
@pytest.mark.parametrize("intent, slots", ALL_INTENTS, ids=[f"{i}-{bool(s)}" for i, s in ALL_INTENTS])
def test_every_answer_asks_and_reprompts_or_ends(conversation, intent, slots, one_shot_request):
    if not one_shot_request:
        open_conversation(conversation)
    response = conversation.intent(intent, slots)
    said = speech(response)
    assert said
    assert len(said.split()) <= 120
    if ends_session(response):
        assert reprompt(response) == ""
    else:
        asks_with_reprompt(response)
    if card(response):
        assert card(response)["content"] in said
        assert len(card(response)["title"]) + len(card(response)["content"]) <= 8000
