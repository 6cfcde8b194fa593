"""SSML that Alexa accepts, brief answers, and every English locale."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ElementTree

import pytest

from skill import answers, handlers
from skill.content import CONTENT_DIR, SUPPORTED_LOCALES, Content, load_content, merged_data, word_count
from skill.simulator import envelopes
from skill.simulator.session import Conversation
from skill.speech import MAX_SPEECH_CHARS, ssml_to_text, to_ssml
from tests.helpers import card, speech

EVERY_INTENT = [
    "CausesIntent", "CauseDetailIntent", "AboutSpasmsIntent", "PreventionIntent", "SeeDoctorIntent",
    "AMAZON.HelpIntent", "AMAZON.FallbackIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
    "AMAZON.RepeatIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent",
    "AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent", "AMAZON.StopIntent",
]


def all_answers(content: Content) -> list[answers.Answer]:
    return [
        answers.causes(content),
        *(answers.cause_detail(content, index) for index in range(len(content.causes))),
        answers.about_spasms(content),
        answers.prevention(content),
        answers.see_doctor(content),
        *(answers.prompt(content, key, cause="x") for key in content.message_keys()),
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
        assert word_count(cause.summary) <= 30, cause.id
    causes = answers.causes(content)
    assert word_count(f"{causes.text} {causes.question}") <= 80
    assert word_count(content.text("welcome")) <= 40
    for answer in all_answers(content):
        assert word_count(f"{answer.text} {answer.question or ''}") <= 120, answer.text


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_supported_locale_is_answered_with_its_own_content(in_process, locale):
    response = Conversation(in_process, locale=locale).intent("AboutSpasmsIntent")
    assert speech(response) == load_content(locale).text("about_spasms")


def test_a_locale_override_changes_only_what_it_names(tmp_path):
    shutil.copy(CONTENT_DIR / "en.json", tmp_path / "en.json")
    (tmp_path / "en-GB.json").write_text(json.dumps({"messages": {"goodbye": {"text": "Cheerio, take care."}}}))
    gb = Content(merged_data("en-GB", tmp_path), "en-GB")
    us = Content(merged_data("en-US", tmp_path), "en-US")
    assert (gb.text("goodbye"), us.text("goodbye")) == ("Cheerio, take care.", load_content("en-US").text("goodbye"))
    assert gb.text("help") == us.text("help")


@pytest.mark.parametrize("locale", ["fr-FR", "de-DE", "xx", None])
def test_an_unknown_locale_falls_back_to_english(in_process, locale):
    envelope = envelopes.envelope(envelopes.intent_request("CausesIntent"))
    del envelope["request"]["locale"]
    if locale:
        envelope["request"]["locale"] = locale
    response = in_process(envelope)
    assert speech(response).startswith(load_content("en-US").text("causes_intro"))
    assert card(response)["title"] == "Why Legs Cramp"


def test_content_files_are_read_once_per_process(monkeypatch):
    load_content("en-GB")
    monkeypatch.setattr("pathlib.Path.read_text", lambda *a, **k: pytest.fail("content re-read"))
    assert load_content("en-GB").skill_name == "Leg Cramp Guide"
    assert load_content("pt-BR") is load_content("en-US")


def test_every_content_entry_names_an_article_section():
    data = json.loads((CONTENT_DIR / "en.json").read_text())
    for cause in data["causes"]:
        assert cause["section"]
    informational = [m for m in data["messages"].values() if "title" in m]
    assert informational and all("section" in message for message in informational)
