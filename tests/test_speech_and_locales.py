"""SSML that Alexa accepts, brief answers, and every English locale."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ElementTree

import pytest

from skill import answers, handlers
from skill.content import CONTENT_DIR, SUPPORTED_LOCALES, Content, load_content, merged_data, word_count
from skill.simulator import request_builder
from skill.simulator.session import Conversation
from skill.speech import MAX_SPEECH_CHARS, ssml_to_text, to_ssml
from tests.helpers import card, speech

# Every intent of the model (it has exactly the handled ones).
EVERY_INTENT = sorted(handlers.INTENT_ANSWERS)
# One breath at a time (issue 11, point 6): words a listener hears before they can reply.
MAX_WELCOME_WORDS, MAX_CAUSES_WORDS, MAX_ANSWER_WORDS, MAX_SUMMARY_WORDS = 30, 60, 50, 15


def longest_wording(wordings: list[str], heard: dict[str, int]) -> str:
    return max(wordings, key=word_count)


def heard(answer: answers.Answer) -> int:
    return word_count(f"{answer.text} {answer.question or ''}")


def every_other_answer(content: Content) -> list[answers.Answer]:
    """Every answer but the welcome and the causes, each message in its longest wording."""

    def lines() -> answers.Lines:
        return answers.Lines(content, pick=longest_wording)

    causes = range(len(content.causes))
    return [
        *(answers.cause_detail(lines(), index) for index in causes),
        *(answers.cause_more(lines(), index) for index in causes),
        *(answers.said_all(lines(), index) for index in causes),
        answers.next_cause(lines(), len(content.causes) - 1),
        answers.previous_cause(lines(), 0),
        *(answers.topic(lines(), key) for key in content.answers if key != "causes"),
        answers.emergency(lines()),
        answers.goodbye(lines()),
        *(answers.other_topic(lines(), term) for term in [*content.terms["other_topics"], None]),
        *(answers.not_covered(lines(), term) for term in [*content.terms["uncovered_topics"], None]),
        answers.list_item(lines(), None, None),
        answers.decline_offer(lines(), "answer:causes"),
        *(
            answers.prompt(lines(), key)
            for key in ("help", "fallback", "which_cause", "unknown_cause", "no_list", "nothing_to_repeat", "error")
        ),
    ]


def test_to_ssml_escapes_what_xml_reserves():
    ssml = to_ssml('Salt & "minerals" <calcium> > none')
    assert ssml == '<speak>Salt &amp; "minerals" &lt;calcium&gt; &gt; none</speak>'
    assert ElementTree.fromstring(ssml).text == 'Salt & "minerals" <calcium> > none'
    assert ssml_to_text(ssml) == 'Salt & "minerals" <calcium> > none'


def test_reserved_characters_in_content_reach_alexa_escaped(monkeypatch, in_process):
    data = merged_data("en-US")
    data["messages"]["welcome"]["text"] = "Cramps & spasms <explained>. What would you like to know?"
    monkeypatch.setattr(handlers, "load_content", lambda locale: Content(data, "en-US"))
    response = Conversation(in_process).launch()
    ssml = response["response"]["outputSpeech"]["ssml"]
    assert "Cramps &amp; spasms &lt;explained&gt;." in ssml
    assert ElementTree.fromstring(ssml).text.startswith("Cramps & spasms <explained>.")


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("intent", EVERY_INTENT)
def test_every_response_is_well_formed_ssml_in_every_locale(in_process, locale, intent):
    conversation = Conversation(in_process, locale=locale)
    conversation.launch()
    response = conversation.intent(intent)
    for part in (response["response"], response["response"].get("reprompt") or {}):
        if "outputSpeech" in part:
            ssml = part["outputSpeech"]["ssml"]
            assert ElementTree.fromstring(ssml).tag == "speak"
            assert len(ssml) < MAX_SPEECH_CHARS


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_word_limits_hold_in_every_locale(locale):
    content = load_content(locale)
    for cause in content.causes:
        assert word_count(cause.summary) <= MAX_SUMMARY_WORDS, cause.id
    assert heard(answers.causes(answers.Lines(content, pick=longest_wording))) <= MAX_CAUSES_WORDS
    assert heard(answers.welcome(answers.Lines(content, pick=longest_wording))) <= MAX_WELCOME_WORDS
    for answer in every_other_answer(content):
        assert heard(answer) <= MAX_ANSWER_WORDS, answer.text


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_what_the_welcome_and_the_causes_say_in_a_conversation_is_within_the_limits(in_process, locale):
    conversation = Conversation(in_process, locale=locale)
    welcome = conversation.launch()
    assert word_count(speech(welcome)) <= MAX_WELCOME_WORDS
    assert "not medical advice" in speech(welcome)
    assert word_count(speech(conversation.intent("CausesIntent"))) <= MAX_CAUSES_WORDS


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_cause_detail_names_its_cause_in_its_first_sentence(locale):
    content = load_content(locale)
    for index, cause in enumerate(content.causes):
        detail = answers.cause_detail(answers.Lines(content), index).text
        first_sentence = detail.split(". ")[0]
        assert cause.name in first_sentence.lower(), detail


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_supported_locale_is_answered_with_its_own_content(in_process, locale):
    response = Conversation(in_process, locale=locale).intent("AboutSpasmsIntent")
    assert speech(response) == load_content(locale).answers["about_spasms"].text


# Issue 11, point 3: each locale's emergency number, as Alexa reads it.
EMERGENCY_NUMBERS = {"en-US": "9-1-1", "en-CA": "9-1-1", "en-GB": "9-9-9", "en-AU": "triple zero", "en-IN": "1-1-2"}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_locale_names_its_own_emergency_number(in_process, locale):
    response = Conversation(in_process, locale=locale).intent("EmergencyIntent")
    number = EMERGENCY_NUMBERS[locale]
    assert number in speech(response)
    assert [other for other in set(EMERGENCY_NUMBERS.values()) - {number} if other in speech(response)] == []


def test_a_locale_override_changes_only_what_it_names(tmp_path):
    shutil.copy(CONTENT_DIR / "en.json", tmp_path / "en.json")
    (tmp_path / "en-GB.json").write_text(json.dumps({"messages": {"goodbye": {"text": "Cheerio, take care."}}}))
    gb = Content(merged_data("en-GB", tmp_path), "en-GB")
    us = Content(merged_data("en-US", tmp_path), "en-US")
    assert (gb.text("goodbye"), us.text("goodbye")) == ("Cheerio, take care.", load_content("en-US").text("goodbye"))
    assert gb.text("help") == us.text("help")


@pytest.mark.parametrize("locale", ["fr-FR", "de-DE", "xx", None])
def test_an_unknown_locale_falls_back_to_english(in_process, locale):
    envelope = request_builder.envelope(request_builder.intent_request("CausesIntent"))
    del envelope["request"]["locale"]
    if locale:
        envelope["request"]["locale"] = locale
    response = in_process(envelope)
    assert speech(response).startswith(load_content("en-US").answers["causes"].text)
    assert card(response)["title"] == "Why Legs Cramp"


def test_content_files_are_read_once_per_process(monkeypatch):
    load_content("en-GB")
    monkeypatch.setattr("pathlib.Path.read_text", lambda *a, **k: pytest.fail("content re-read"))
    assert load_content("en-GB").skill_name == "Leg Cramp Guide"
    assert load_content("pt-BR") is load_content("en-US")


def test_every_content_entry_names_an_article_section():
    data = json.loads((CONTENT_DIR / "en.json").read_text())
    for cause in data["causes"]:
        assert cause["section"], cause["id"]
    assert data["answers"]
    for key, answer in data["answers"].items():
        assert answer["section"], key
    # The seek-care advice ends answers and retells the article's first section.
    assert data["messages"]["seek_care"]["section"]
