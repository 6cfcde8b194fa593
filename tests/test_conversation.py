"""The conversation's flow: launch, the causes, yes and no, next and previous, built-ins."""

from __future__ import annotations

import pytest

from skill.content import load_content
from skill.simulator import request_builder
from skill.simulator.session import Conversation
from tests.helpers import card, ends_session, reprompt, speech

CONTENT = load_content("en-US")
SEEK_CARE = CONTENT.variants("seek_care")
CAUSE_IDS = [cause.id for cause in CONTENT.causes]


def cause_slot(value: str, value_id: str | None) -> dict:
    return request_builder.custom_slot("cause", value, value_id, "LEG_CRAMP_CAUSE")


def position_slot(value: str, value_id: str | None) -> dict:
    return request_builder.custom_slot("position", value, value_id, "LIST_POSITION")


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


def ends_with_seek_care(said: str) -> bool:
    return any(said.endswith(wording) for wording in SEEK_CARE)


def question_of(response: dict) -> str:
    """The question the answer ends on, which is also its reprompt."""
    assert speech(response).endswith(reprompt(response))
    return reprompt(response)


# Launch ---------------------------------------------------------------------


def test_launch_says_what_the_skill_is_and_what_to_say_in_one_breath(conversation):
    response = conversation.launch()
    said = speech(response)
    assert said.startswith("Welcome to Leg Cramp Guide")
    assert "not medical advice" in said
    assert '"why do my legs cramp"' in said
    assert len(said.split()) <= 30
    asks_with_reprompt(response)


# Causes -----------------------------------------------------------------------


def test_causes_one_shot_lists_each_cause_and_ends_on_the_seek_care_advice(conversation):
    response = one_shot(conversation, "CausesIntent")
    said = speech(response)
    for cause in CONTENT.causes:
        assert cause.summary in said
    assert ends_with_seek_care(said)
    assert ends_session(response)
    assert reprompt(response) == ""


def test_causes_in_conversation_are_short_and_offer_the_first_cause(conversation):
    response = open_conversation(conversation).intent("CausesIntent")
    said = speech(response)
    assert len(said.split()) <= 60
    assert "nerve compression" in question_of(response)
    assert ends_with_seek_care(said.removesuffix(question_of(response)).strip())
    asks_with_reprompt(response)


def test_causes_card_carries_the_summaries_without_the_question(conversation):
    response = open_conversation(conversation).intent("CausesIntent")
    assert card(response)["title"] == "Why Legs Cramp"
    assert ends_with_seek_care(card(response)["content"])
    assert "?" not in card(response)["content"]


def test_causes_are_told_in_article_order(conversation):
    said = speech(one_shot(conversation, "CausesIntent"))
    positions = [said.index(name) for name in ("Nerve compression", "Poor conditioning", "electrolyte imbalance")]
    assert positions == sorted(positions)


# Cause detail -------------------------------------------------------------------


@pytest.mark.parametrize("cause_id", CAUSE_IDS)
def test_a_cause_detail_names_its_cause_first_and_ends_on_the_advice(conversation, cause_id):
    cause = CONTENT.causes[CONTENT.cause_index(cause_id)]
    response = one_shot(conversation, "CauseDetailIntent", cause_slot(cause.name, cause_id))
    said = speech(response)
    first_sentence = said.split(". ")[0].lower()
    assert cause.name in first_sentence
    assert said.startswith(cause.detail)
    assert ends_with_seek_care(said)
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
    "slots",
    [
        {"cause": {"name": "cause", "value": "cheese"}},
        request_builder.custom_slot("cause", "cheese", None, "LEG_CRAMP_CAUSE"),
    ],
    ids=["unknown words", "ER_SUCCESS_NO_MATCH"],
)
def test_a_cause_the_skill_does_not_know_is_said_to_be_unknown(conversation, slots):
    response = conversation.intent("CauseDetailIntent", slots)
    said = speech(response)
    assert said.startswith("I don't have information about that cause.")
    for cause in CONTENT.causes:
        assert cause.name in said
    asks_with_reprompt(response)


@pytest.mark.parametrize("slots", [{}, {"cause": {"name": "cause"}}], ids=["no slot", "empty slot"])
def test_tell_me_more_with_nothing_said_yet_asks_which_cause(conversation, slots):
    response = conversation.intent("CauseDetailIntent", slots)
    assert speech(response).startswith(CONTENT.text("which_cause"))
    asks_with_reprompt(response)


def test_answering_which_cause_gives_its_detail(conversation):
    conversation.intent("CauseDetailIntent", {})
    response = conversation.intent("CauseDetailIntent", cause_slot("magnesium", "ELECTROLYTE_IMBALANCE"))
    assert speech(response).startswith(CONTENT.causes[2].detail)
    asks_with_reprompt(response)


# Tell me more, the second one ------------------------------------------------------


def test_tell_me_more_goes_deeper_then_says_when_nothing_is_left(conversation):
    open_conversation(conversation).intent("CausesIntent")
    detail = conversation.intent("CauseDetailIntent", {})  # "tell me more" about the offered cause
    assert speech(detail).startswith(CONTENT.causes[0].detail)
    deeper = conversation.intent("CauseDetailIntent", {})
    assert speech(deeper).startswith(CONTENT.causes[0].more)
    assert CONTENT.causes[1].name in question_of(deeper)
    nothing_left = conversation.intent("CauseDetailIntent", {})
    assert speech(nothing_left).startswith("That's all my source says about nerve compression.")
    assert CONTENT.causes[1].name in question_of(nothing_left)
    # Still nothing new: it never moves on to another cause by itself.
    assert not speech(conversation.intent("CauseDetailIntent", {})).startswith(CONTENT.causes[1].detail)


@pytest.mark.parametrize(
    "said, value_id, index",
    [("second one", "SECOND", 1), ("last one", "LAST", 2), ("first", "FIRST", 0), ("third", "THIRD", 2)],
)
def test_an_item_of_the_list_just_heard(conversation, said, value_id, index):
    open_conversation(conversation).intent("CausesIntent")
    response = conversation.intent("ListItemIntent", position_slot(said, value_id))
    assert speech(response).startswith(CONTENT.causes[index].detail)


def test_an_item_of_the_causes_named_by_which_cause(conversation):
    open_conversation(conversation).intent("CauseDetailIntent", {})
    response = conversation.intent("ListItemIntent", position_slot("the last one", "LAST"))
    assert speech(response).startswith(CONTENT.causes[2].detail)


def test_an_item_with_no_list_heard_reads_the_list_first(conversation):
    response = open_conversation(conversation).intent("ListItemIntent", position_slot("second one", "SECOND"))
    assert speech(response).startswith("I haven't read you a list yet.")
    asks_with_reprompt(response)
    assert speech(conversation.intent("ListItemIntent", position_slot("second", "SECOND"))).startswith(
        CONTENT.causes[1].detail
    )


# Yes, no, next, previous -----------------------------------------------------------


def test_yes_walks_the_causes_each_named_and_deeper_on_request(conversation):
    open_conversation(conversation).intent("CausesIntent")
    for index, cause in enumerate(CONTENT.causes):
        detail = conversation.intent("AMAZON.YesIntent")
        assert speech(detail).startswith(cause.detail)
        assert cause.name in question_of(detail)
        deeper = conversation.intent("AMAZON.YesIntent")
        assert speech(deeper).startswith(cause.more)
        if index + 1 < len(CONTENT.causes):
            assert CONTENT.causes[index + 1].name in question_of(deeper)
    prevention = conversation.intent("AMAZON.YesIntent")
    assert speech(prevention).startswith(CONTENT.answers["prevention"].text)


def test_yes_with_nothing_offered_asks_what_next(conversation):
    response = open_conversation(conversation).intent("AMAZON.YesIntent")
    assert speech(response) in CONTENT.variants("ask_anything")
    asks_with_reprompt(response)


def test_no_declines_then_a_second_no_says_goodbye(conversation):
    open_conversation(conversation).intent("CausesIntent")
    declined = conversation.intent("AMAZON.NoIntent")
    assert speech(declined) in CONTENT.variants("offer_anything_else")
    asks_with_reprompt(declined)
    farewell = conversation.intent("AMAZON.NoIntent")
    assert speech(farewell) in CONTENT.variants("goodbye")
    assert ends_session(farewell)


def test_next_walks_the_causes_in_order_then_offers_prevention_at_the_end(conversation):
    open_conversation(conversation)
    for cause in CONTENT.causes:
        assert speech(conversation.intent("AMAZON.NextIntent")).startswith(cause.detail)
    end = conversation.intent("AMAZON.NextIntent")
    assert speech(end).startswith(CONTENT.text("last_cause_reached"))
    asks_with_reprompt(end)
    assert speech(conversation.intent("AMAZON.YesIntent")).startswith(CONTENT.answers["prevention"].text)


def test_previous_walks_back_then_stops_at_the_first(conversation):
    open_conversation(conversation).intent("CauseDetailIntent", cause_slot("potassium", "ELECTROLYTE_IMBALANCE"))
    assert speech(conversation.intent("AMAZON.PreviousIntent")).startswith(CONTENT.causes[1].detail)
    assert speech(conversation.intent("AMAZON.PreviousIntent")).startswith(CONTENT.causes[0].detail)
    first = conversation.intent("AMAZON.PreviousIntent")
    assert speech(first).startswith(CONTENT.text("first_cause_reached"))
    assert speech(conversation.intent("AMAZON.YesIntent")).startswith(CONTENT.causes[0].detail)


# Built-ins ---------------------------------------------------------------------------


def test_help_names_phrases_and_keeps_listening(conversation):
    response = open_conversation(conversation).intent("AMAZON.HelpIntent")
    said = speech(response)
    for phrase in ("why do my legs cramp", "what is a charley horse"):
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


def test_a_second_fallback_is_worded_differently(conversation):
    open_conversation(conversation)
    first = speech(conversation.intent("AMAZON.FallbackIntent"))
    second = speech(conversation.intent("AMAZON.FallbackIntent"))
    assert first != second
    assert '"why do my legs cramp"' in second


@pytest.mark.parametrize("intent", ["AMAZON.FallbackIntent", "TotallyUnknownIntent", "AMAZON.HelpIntent"])
@pytest.mark.parametrize(
    ("before", "accepted_title"),
    [
        ("CausesIntent", "Nerve Compression"),  # offers the first cause
        ("DurationIntent", None),  # offers another answer
    ],
)
def test_not_understood_or_help_asks_the_pending_question_again_in_other_words(
    conversation, intent, before, accepted_title
):
    open_conversation(conversation)
    offered = question_of(conversation.intent(before))
    response = conversation.intent(intent)
    asked_again = question_of(response)
    assert asked_again != offered  # the same offer, not the same sentence
    said = speech(response)
    if intent == "AMAZON.HelpIntent":
        assert '"why do my legs cramp"' in said
    else:
        assert said.startswith(tuple(CONTENT.variants("fallback_offer")))
        assert len(said.split()) <= 15  # a short apology and the question: the answer was just heard
    accepted = conversation.intent("AMAZON.YesIntent")  # "yes" still means what it meant
    expected = accepted_title or CONTENT.answers[CONTENT.answers["duration"].offer].title
    assert card(accepted)["title"] == expected


def test_not_understood_after_a_cause_keeps_what_tell_me_more_is_about(conversation):
    open_conversation(conversation)
    conversation.intent("CauseDetailIntent", cause_slot("nerves", "NERVE_COMPRESSION"))
    conversation.intent("AMAZON.FallbackIntent")
    more = conversation.intent("CauseDetailIntent")  # "tell me more"
    assert card(more)["title"] == "Nerve Compression"
    assert speech(more).startswith(CONTENT.causes[0].more)


def sentences(text: str) -> set[str]:
    return {sentence.strip() for sentence in text.replace("?", ".").split(".") if sentence.strip()}


@pytest.mark.parametrize(
    ("intent", "slots"),
    [("DurationIntent", None), ("CauseDetailIntent", cause_slot("potassium", "ELECTROLYTE_IMBALANCE"))],
)
def test_the_answer_just_given_asked_for_again_is_not_said_twice(conversation, intent, slots):
    open_conversation(conversation)
    first = conversation.intent(intent, slots)
    again = conversation.intent(intent, slots)  # "is magnesium good for cramps" after "what about potassium"
    assert speech(again).startswith(tuple(CONTENT.variants("just_said")))
    assert not sentences(speech(first)) & sentences(speech(again).removesuffix(question_of(again)))
    assert question_of(again) != question_of(first)  # the same offer, in other words
    assert speech(conversation.intent("AMAZON.RepeatIntent")) == speech(first)  # a repeat still repeats it
    assert card(conversation.intent("AMAZON.YesIntent"))  # and yes takes up the offer


def test_an_answer_asked_for_again_later_is_given_again(conversation):
    open_conversation(conversation)
    first = speech(conversation.intent("DurationIntent"))
    conversation.intent("PainIntent")
    assert speech(conversation.intent("DurationIntent")).startswith(first.split(".")[0])


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_say_goodbye_and_end(conversation, intent):
    response = open_conversation(conversation).intent(intent)
    assert speech(response) in CONTENT.variants("goodbye")
    assert ends_session(response)
    assert reprompt(response) == ""
    assert not conversation.is_open


def test_session_ended_request_gets_no_speech(conversation):
    open_conversation(conversation)
    response = conversation.end()
    assert "outputSpeech" not in response["response"]
    assert "reprompt" not in response["response"]


def test_repeat_says_the_last_answer_again_and_keeps_its_offer(conversation):
    open_conversation(conversation)
    original = conversation.intent("AboutSpasmsIntent")
    repeated = conversation.intent("AMAZON.RepeatIntent")
    assert speech(repeated) == speech(original)
    assert reprompt(repeated) == reprompt(original)
    # The offer survives the repeat: yes still takes up what was offered.
    assert speech(conversation.intent("AMAZON.YesIntent")).startswith(CONTENT.answers["muscles"].text)


def test_repeat_with_nothing_said_yet(conversation):
    response = one_shot(conversation, "AMAZON.RepeatIntent")
    assert speech(response).startswith(CONTENT.text("nothing_to_repeat"))
    asks_with_reprompt(response)


@pytest.mark.parametrize("intent", ["AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent"])
def test_start_over_returns_to_the_welcome_and_forgets_the_place(conversation, intent):
    open_conversation(conversation).intent("AMAZON.NextIntent")
    conversation.intent("AMAZON.NextIntent")
    response = conversation.intent(intent)
    assert speech(response).startswith(CONTENT.text("welcome"))
    asks_with_reprompt(response)
    assert speech(conversation.intent("AMAZON.NextIntent")).startswith(CONTENT.causes[0].detail)


def test_a_new_session_after_stop_starts_fresh(conversation):
    open_conversation(conversation).intent("AMAZON.NextIntent")
    conversation.intent("AMAZON.StopIntent")
    response = conversation.intent("AMAZON.NextIntent")
    assert speech(response).startswith(CONTENT.causes[0].detail)
    assert ends_session(response)  # a new session that starts with an intent is a one-shot
