"""Name-free reach: the CanFulfillIntentRequest verdict for every intent and slot case, its
absence of any other effect (skill object, Lambda), the ingress points of every locale, and
the simulator's name-free path (ask --name-free, chat, dialogs, ask dialog recordings)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill import build_skill, handle_envelope, name_free
from skill.cli.main import main
from skill.content import SUPPORTED_LOCALES, load_content
from skill.handlers import INTENT_ANSWERS
from skill.model import model_path
from skill.paths import PACKAGE_DIR, REPO_ROOT
from skill.simulator import request_builder
from skill.simulator.device import VirtualDevice
from skill.simulator.name_free import NamesTheSkill, ask
from skill.simulator.replay import DialogError, load_dialog, replay
from skill.simulator.transports import in_process, through_lambda
from tests.helpers import card, speech

CAUSE_TYPE = "LEG_CRAMP_CAUSE"
USER_ID = "amzn1.ask.account.NAMEFREEUSER"
# Intents the skill must never claim without its name, and why: conversation controls (they
# mean something only inside a session), refusals, and a possible emergency.
NEVER_NAME_FREE = {
    "ListItemIntent", "EmergencyIntent", "OtherTopicIntent", "NotCoveredIntent",
    "AMAZON.HelpIntent", "AMAZON.FallbackIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.StartOverIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
    "AMAZON.RepeatIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent",
    "AboutSkillIntent",  # "are you a doctor" asks this skill, not any
}
INGRESS_INTENTS = ("CausesIntent", "CrampNowIntent", "PreventionIntent", "DurationIntent", "SeeDoctorIntent")

Send = Callable[[dict[str, Any]], dict[str, Any]]


def question(
    intent: str | None, slots: dict[str, Any] | None = None, locale: str = "en-US", session: dict | None = None
) -> dict[str, Any]:
    """A CanFulfillIntentRequest as Alexa sends it: outside a session unless one is given."""
    body = request_builder.can_fulfill_intent_request(intent or "", slots)
    if intent is None:
        del body["intent"]
    envelope = request_builder.envelope(body, session, locale)
    envelope["context"]["System"]["user"]["userId"] = USER_ID
    if session is None:
        del envelope["session"]
    return envelope


def plain(value: str, name: str = "cause") -> dict[str, Any]:
    """A slot without entity resolution, the shape of Amazon's CanFulfillIntentRequest example."""
    return {name: {"name": name, "value": value}}


def verdict(response: dict[str, Any]) -> dict[str, Any]:
    assert set(response["response"]) == {"canFulfillIntent"}, response
    result: dict[str, Any] = response["response"]["canFulfillIntent"]
    return result


@pytest.fixture(scope="module")
def skill() -> Send:
    built = build_skill()
    return lambda envelope: handle_envelope(built, envelope)


# --- the verdict, intent by intent ---------------------------------------------------


@pytest.mark.parametrize("intent", sorted(INTENT_ANSWERS))
def test_every_intent_gets_its_verdict(skill: Send, intent: str) -> None:
    slots = plain("pinched nerves") if intent == "CauseDetailIntent" else None
    expected = "NO" if intent in NEVER_NAME_FREE else "YES"
    assert verdict(skill(question(intent, slots)))["canFulfill"] == expected


def test_every_direct_answer_is_claimed_and_nothing_outside_the_list_is() -> None:
    claimed = set(name_free.name_free_intents())
    assert claimed == set(INTENT_ANSWERS) - NEVER_NAME_FREE
    answers = {entry.intent for entry in load_content("en-US").answers.values()}
    assert answers - name_free.ABOUT_ITSELF <= claimed


@pytest.mark.parametrize("intent", ["WeatherIntent", "AMAZON.SearchAction<object@WeatherForecast>", ""])
def test_an_intent_the_skill_does_not_know_is_no(skill: Send, intent: str) -> None:
    assert verdict(skill(question(intent, plain("tomorrow", "day")))) == {
        "canFulfill": "NO", "slots": {"day": {"canUnderstand": "NO", "canFulfill": "NO"}},
    }


def test_a_question_without_an_intent_is_no(skill: Send) -> None:
    assert verdict(skill(question(None)))["canFulfill"] == "NO"


# --- the cause slot, case by case ---------------------------------------------------------


def cause_verdict(skill: Send, slots: dict[str, Any], locale: str = "en-US") -> tuple[str, dict[str, Any]]:
    found = verdict(skill(question("CauseDetailIntent", slots, locale)))
    return found["canFulfill"], found["slots"]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_name_of_every_cause_is_yes_and_the_skill_then_answers_that_cause(skill: Send, locale: str) -> None:
    content = load_content(locale)
    for cause in content.causes:
        for said in (cause.name, *cause.synonyms):
            assert cause_verdict(skill, plain(said), locale) == (
                "YES", {"cause": {"canUnderstand": "YES", "canFulfill": "YES"}}), said
            # The same words, sent as the intent, get that cause's detail: the verdict read them as the skill does.
            answer = skill(request_builder.envelope(
                request_builder.intent_request("CauseDetailIntent", plain(said)), locale=locale))
            assert (card(answer) or {}).get("title") == cause.title, said


def test_alexas_entity_resolution_is_what_counts(skill: Send) -> None:
    matched = request_builder.custom_slot("cause", "my nerves", "NERVE_COMPRESSION", CAUSE_TYPE)
    assert cause_verdict(skill, matched)[0] == "YES"
    # Alexa resolved nothing: the words alone are not taken as a cause even where the content knows them.
    unmatched = request_builder.custom_slot("cause", "nerves", None, CAUSE_TYPE)
    assert cause_verdict(skill, unmatched) == ("NO", {"cause": {"canUnderstand": "NO", "canFulfill": "NO"}})
    not_ours = request_builder.custom_slot("cause", "xylophone", "XYLOPHONE", CAUSE_TYPE)
    assert cause_verdict(skill, not_ours) == ("NO", {"cause": {"canUnderstand": "NO", "canFulfill": "NO"}})


def test_case_and_punctuation_do_not_matter(skill: Send) -> None:
    assert cause_verdict(skill, plain("Pinched Nerves!"))[0] == "YES"


@pytest.mark.parametrize("said", ["swelling", "stretching", "stomach cramps"])
def test_words_the_skill_knows_as_something_else_are_understood_in_part_but_not_claimed(
    skill: Send, said: str
) -> None:
    # A symptom, a topic the source does not cover, another health topic: the skill would not answer a cause.
    assert cause_verdict(skill, plain(said)) == ("NO", {"cause": {"canUnderstand": "MAYBE", "canFulfill": "NO"}})


@pytest.mark.parametrize("said", ["xylophone", "the thing my doctor said", "xyzzy"])
def test_words_the_skill_does_not_know_are_no(skill: Send, said: str) -> None:
    assert cause_verdict(skill, plain(said)) == ("NO", {"cause": {"canUnderstand": "NO", "canFulfill": "NO"}})


def test_a_cause_left_empty_or_missing_is_no(skill: Send) -> None:
    # "Alexa, tell me more": more of what? Nothing was heard before, so nothing can be answered.
    assert cause_verdict(skill, {"cause": {"name": "cause"}}) == (
        "NO", {"cause": {"canUnderstand": "NO", "canFulfill": "NO"}})
    assert cause_verdict(skill, {}) == ("NO", {})


def test_a_slot_the_intent_does_not_have_makes_it_no(skill: Send) -> None:
    found = verdict(skill(question("CausesIntent", plain("tomorrow", "when"))))
    assert found == {"canFulfill": "NO", "slots": {"when": {"canUnderstand": "NO", "canFulfill": "NO"}}}
    extra = {**plain("nerves"), **plain("left", "side")}
    assert cause_verdict(skill, extra) == ("NO", {
        "cause": {"canUnderstand": "YES", "canFulfill": "YES"}, "side": {"canUnderstand": "NO", "canFulfill": "NO"}})


# --- no observable effect -----------------------------------------------------------------

SESSION_STATE = {"offer": "causes", "cause_index": 1, "last": {"text": "Earlier words.", "question": None}}


def in_a_session() -> dict[str, Any]:
    return {**request_builder.new_session(), "new": False, "attributes": dict(SESSION_STATE),
            "user": {"userId": USER_ID}}


def assert_only_a_verdict(response: dict[str, Any]) -> None:
    assert set(response) <= {"version", "response", "userAgent"}, "no sessionAttributes, nothing else"
    assert set(response["response"]) == {"canFulfillIntent"}, "no speech, reprompt, card, directive or end"


def assert_nothing_about_the_user(records: list[logging.LogRecord], envelope: dict[str, Any]) -> None:
    logged = "\n".join(record.getMessage() for record in records)
    private = [USER_ID, envelope["context"]["System"]["device"]["deviceId"], "pinched nerves"]
    if "session" in envelope:
        private.append(envelope["session"]["sessionId"])
    assert not [value for value in private if value in logged], logged


@pytest.mark.parametrize("session", [None, "open"])
def test_the_skill_object_answers_with_the_verdict_alone(
    skill: Send, caplog: pytest.LogCaptureFixture, session: str | None
) -> None:
    envelope = question("CauseDetailIntent", plain("pinched nerves"), session=in_a_session() if session else None)
    with caplog.at_level(logging.DEBUG):
        response = skill(envelope)
    assert_only_a_verdict(response)
    assert verdict(response)["canFulfill"] == "YES"
    assert_nothing_about_the_user(caplog.records, envelope)


def test_a_failure_while_judging_is_a_quiet_no(
    skill: Send, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(turn: Any) -> Any:
        raise RuntimeError("judging failed")

    monkeypatch.setattr(name_free, "_cause", broken)
    envelope = question("CauseDetailIntent", plain("pinched nerves"), session=in_a_session())
    with caplog.at_level(logging.DEBUG):
        response = skill(envelope)
    assert_only_a_verdict(response)  # never the spoken apology
    assert verdict(response) == {"canFulfill": "NO", "slots": {}}
    assert any(envelope["request"]["requestId"] in record.getMessage() for record in caplog.records)
    assert_nothing_about_the_user(caplog.records, envelope)


def test_through_the_lambda_handler(caplog: pytest.LogCaptureFixture) -> None:
    send = through_lambda()
    for envelope, expected in ((question("DurationIntent"), "YES"), (question("AMAZON.YesIntent"), "NO"),
                               (question("CauseDetailIntent", plain("pinched nerves"), session=in_a_session()),
                                "YES")):
        with caplog.at_level(logging.DEBUG):
            response = send(envelope)
        assert_only_a_verdict(response)
        assert verdict(response)["canFulfill"] == expected
        assert_nothing_about_the_user(caplog.records, envelope)


# --- ingress points, every locale ---------------------------------------------------------


def ingress(locale: str) -> list[dict[str, Any]]:
    data = json.loads(model_path(PACKAGE_DIR, locale).read_text(encoding="utf-8"))
    points: list[dict[str, Any]] = data["interactionModel"]["_nameFreeInteraction"]["ingressPoints"]
    return points


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_a_launch_point_and_the_main_questions(locale: str) -> None:
    points = ingress(locale)
    assert [point["type"] for point in points].count("LAUNCH") == 1
    assert [point["name"] for point in points if point["type"] == "INTENT"] == list(INGRESS_INTENTS)
    for point in points:
        assert 1 <= len(point["sampleUtterances"]) <= 5
        assert all(item["format"] == "RAW_TEXT" and "{" not in item["value"] for item in point["sampleUtterances"])


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_ingress_phrase_reaches_its_intent_and_is_answered(skill: Send, locale: str) -> None:
    device = VirtualDevice(skill, locale=locale)
    for point in ingress(locale):
        for item in point["sampleUtterances"]:
            turn = ask(device, item["value"])
            if point["type"] == "LAUNCH":
                assert turn.question is None and turn.understood_as == "LaunchRequest", item
                assert "not medical advice" in turn.speech and turn.session_open
            else:
                assert (turn.understood_as, turn.can_fulfill, turn.ingress) == (point["name"], "YES", point["name"])
                assert turn.exchange is not None and turn.speech and not turn.session_open, item


# --- the simulator --------------------------------------------------------------------------


def recording_device() -> tuple[VirtualDevice, list[dict[str, Any]]]:
    """A device on the skill in process, and the list of every envelope it sends."""
    sent: list[dict[str, Any]] = []
    skill = build_skill()

    def recording(envelope: dict[str, Any]) -> dict[str, Any]:
        sent.append(envelope)
        return handle_envelope(skill, envelope)

    return VirtualDevice(recording), sent


def test_the_question_is_asked_outside_a_session_and_a_no_sends_nothing_more() -> None:
    device, sent = recording_device()
    turn = ask(device, "why does my stomach cramp")
    assert [envelope["request"]["type"] for envelope in sent] == ["CanFulfillIntentRequest"]
    assert "session" not in sent[0]
    assert (turn.can_fulfill, turn.exchange, turn.speech) == ("NO", None, "")
    assert "Alexa sends the skill nothing more" in turn.as_text()


def test_what_fits_no_intent_of_the_skill_is_not_asked_at_all() -> None:
    device, sent = recording_device()
    turn = ask(device, "what's the weather in paris")
    assert (sent, turn.question, turn.exchange, turn.understood_as) == ([], None, None, "AMAZON.FallbackIntent")


def test_a_name_free_utterance_must_not_name_the_skill(skill: Send) -> None:
    for said in ("open leg cramp guide", "ask leg cramp guide why do my legs cramp"):
        with pytest.raises(NamesTheSkill, match="names the skill"):
            ask(VirtualDevice(skill), said)


def test_ask_name_free_prints_question_verdict_and_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--name-free", "tell me about potassium"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "[name-free] Alexa asks the skill: CanFulfillIntentRequest for CauseDetailIntent (cause: 'potassium')",
        "Skill: YES (cause: understands YES, fulfills YES)",
        "[CauseDetailIntent]",
    ]
    assert "(session ended)" in lines


def test_ask_name_free_json_holds_both_exchanges(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--name-free", "why do my legs cramp", "--json", "--locale", "en-AU"]) == 0
    printed = json.loads(capsys.readouterr().out)
    asked = printed["can_fulfill"]
    assert asked["request"]["request"]["type"] == "CanFulfillIntentRequest"
    assert asked["request"]["request"]["locale"] == "en-AU"
    assert verdict(asked["response"])["canFulfill"] == "YES"
    assert printed["request"]["session"]["new"] is True
    assert printed["response"]["response"]["card"]["title"] == "Why Legs Cramp"


def test_ask_name_free_refuses_an_utterance_with_the_skills_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--name-free", "open leg cramp guide"]) == 2
    assert "names the skill" in capsys.readouterr().err


def test_chat_takes_name_free_lines(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lines = iter(["name-free: what helps prevent leg cramps", "Name-free: ask leg cramp guide to help",
                  "name-free: what's the weather"])

    def typed(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", typed)
    assert main(["chat"]) == 0
    out, err = capsys.readouterr()
    assert "CanFulfillIntentRequest for PreventionIntent" in out and "[PreventionIntent]" in out
    assert "names the skill" in err  # said once; the chat carries on
    assert "[name-free] no intent of the skill fits (AMAZON.FallbackIntent): Alexa does not ask it" in out


# --- dialogs and ask dialog recordings -------------------------------------------------

RECORDING = REPO_ROOT / "tests" / "dialogs" / "recorded" / "ask_dialog.json"


def test_a_name_free_step_can_expect_a_verdict(tmp_path: Path) -> None:
    dialog = tmp_path / "d.yaml"
    dialog.write_text("steps:\n  - name_free: why do i get leg cramps\n    expect: {can_fulfill: NO}\n")
    mismatch = replay(load_dialog(dialog), in_process())
    assert mismatch is not None
    assert mismatch.problems == ("expected the skill to answer can_fulfill NO, got YES",)


@pytest.mark.parametrize(
    "text, message",
    [
        ("steps:\n  - say: why do legs cramp\n    expect: {can_fulfill: YES}\n", "goes with a name_free"),
        ("steps:\n  - name_free: why do my legs cramp\n    expect: {can_fulfill: PERHAPS}\n", "one of YES, NO, MAYBE"),
        ("steps:\n  - name_free: why\n    say: why\n", "needs 'say' (or 'name_free')"),
        ("steps:\n  - name_free: open leg cramp guide\n", "names the skill"),
    ],
)
def test_bad_name_free_steps_are_named(tmp_path: Path, text: str, message: str) -> None:
    dialog = tmp_path / "d.yaml"
    dialog.write_text(text)
    with pytest.raises(DialogError, match=re.escape(message)):
        replay(load_dialog(dialog), in_process())


def test_an_ask_dialog_recording_replays_every_turn_as_chat_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    recorded = json.loads(RECORDING.read_text())
    assert main(["replay", str(RECORDING)]) == 0
    out = capsys.readouterr().out
    said = recorded["userInput"][: recorded["userInput"].index(".quit")]
    assert [line.removeprefix("you> ") for line in out.splitlines() if line.startswith("you> ")] == said
    assert "[LaunchRequest]" in out and "Card: Nerve Compression" in out
    assert out.splitlines()[-1] == f"ok: {RECORDING}: {len(said)} steps"


def test_a_recording_plays_in_its_own_locale() -> None:
    dialog = load_dialog(RECORDING)
    assert (dialog.locale, dialog.recorded) == (json.loads(RECORDING.read_text())["locale"], True)


def test_a_recording_fails_only_on_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recording = tmp_path / "r.json"
    recording.write_text(json.dumps({"locale": "en-US", "type": "text", "userInput": ["open leg cramp guide"]}))
    assert main(["replay", str(recording), "--url", "http://127.0.0.1:9/"]) == 2
    assert "cannot reach http://127.0.0.1:9/" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "cannot read the ask dialog replay file"),
        (json.dumps({"locale": "en-US", "type": "text"}), "needs 'userInput'"),
        (json.dumps({"type": "text", "userInput": ["hi", 5]}), "needs 'userInput'"),
        (json.dumps({"type": "voice", "userInput": ["hi"]}), "only replay files of type 'text'"),
        (json.dumps({"type": "text", "userInput": [".quit"]}), "nothing to say before .quit"),
        (json.dumps({"type": "text", "userInput": ["hi", ".vars"]}), "'.vars' is not a command replay knows"),
        (json.dumps({"type": "text", "locale": 7, "userInput": ["hi"]}), "'locale' must be a string"),
    ],
)
def test_a_bad_recording_is_named_and_nothing_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    recording = tmp_path / "r.json"
    recording.write_text(content)
    assert main(["replay", str(recording)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(recording) in err


def test_the_skill_never_speaks_in_answer_to_a_question(skill: Send) -> None:
    for intent in sorted(INTENT_ANSWERS):
        assert speech(skill(question(intent, plain("nerves")))) == ""
