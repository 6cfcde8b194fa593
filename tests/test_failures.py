"""Whatever goes wrong, a person hears a short apology, never a stack trace."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import AskSdkException

from skill import answers, build_skill, handle_envelope
from skill.content import load_content
from skill.envelope import WrongSkill
from skill.simulator import request_builder
from skill.simulator.session import Conversation
from tests.helpers import ends_session, reprompt, speech

ROOT = Path(__file__).resolve().parent.parent
APOLOGY = load_content("en-US").text("error")


def test_an_error_inside_a_handler_becomes_a_spoken_apology(monkeypatch, in_process, caplog):
    def broken(content):
        raise RuntimeError("content exploded")

    monkeypatch.setattr(answers, "causes", broken)
    conversation = Conversation(in_process)
    conversation.launch()
    with caplog.at_level(logging.ERROR, logger="skill"):
        response = conversation.intent("CausesIntent")
    assert speech(response).startswith(APOLOGY)
    assert reprompt(response)
    assert not ends_session(response)
    request_id = conversation.last_request["request"]["requestId"]
    assert any(request_id in record.getMessage() for record in caplog.records)
    assert "Traceback" not in str(response)


@pytest.mark.parametrize(
    "request_body",
    [
        {"type": "System.ExceptionEncountered", "error": {"type": "INVALID_RESPONSE", "message": "x"}},
        {"type": "CanFulfillIntentRequest", "intent": {"name": "CausesIntent", "slots": {}}},
        {"type": "Display.ElementSelected", "token": "x"},
    ],
)
def test_requests_the_skill_has_nothing_to_say_to_get_an_empty_answer(in_process, request_body):
    response = in_process(request_builder.envelope(request_body))
    assert "outputSpeech" not in response["response"]
    assert "reprompt" not in response["response"]


def test_after_an_apology_yes_no_longer_accepts_the_earlier_offer(monkeypatch, in_process):
    conversation = Conversation(in_process)
    conversation.launch()
    conversation.intent("CausesIntent")  # offers more about nerve compression
    monkeypatch.setattr(answers, "topic", lambda lines, key: 1 / 0)
    assert speech(conversation.intent("AboutSpasmsIntent")).startswith(APOLOGY)
    assert speech(conversation.intent("AMAZON.YesIntent")) in load_content("en-US").variants("ask_anything")


@pytest.mark.parametrize(
    "attributes",
    [
        {"cause_index": "two", "offer": 42, "last": "nonsense"},
        {"cause_index": 99, "offer": "cause:99", "last": {"speech": 5}},
        {"cause_index": -1, "offer": "cause:-1", "last": None},
    ],
)
def test_tampered_session_attributes_do_not_break_the_conversation(in_process, attributes):
    session = {**request_builder.new_session(), "new": False, "attributes": attributes}
    for intent in ("AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.YesIntent", "AMAZON.RepeatIntent"):
        response = in_process(request_builder.envelope(request_builder.intent_request(intent), session=session))
        assert speech(response) != APOLOGY, intent


def test_logs_name_the_request_but_never_the_user_or_device(in_process, caplog):
    conversation = Conversation(in_process)
    with caplog.at_level(logging.DEBUG):
        conversation.launch()
        conversation.intent("CausesIntent")
        conversation.end()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "CausesIntent" in logged
    assert "amzn1.ask.account" not in logged
    assert "amzn1.ask.device" not in logged
    assert "amzn1.echo-api.session" not in logged


def test_a_request_for_another_skill_is_refused_when_the_id_is_set():
    guarded = build_skill(skill_id="amzn1.ask.skill.ours")
    theirs = request_builder.envelope(request_builder.launch_request(), skill_id="amzn1.ask.skill.theirs")
    with pytest.raises(WrongSkill):
        handle_envelope(guarded, theirs)
    with pytest.raises(AskSdkException):  # what the SDK's own check raised, for callers written for it
        handle_envelope(guarded, theirs)
    ours_in_context = request_builder.envelope(request_builder.launch_request(), skill_id="amzn1.ask.skill.ours")
    ours_in_context["session"]["application"]["applicationId"] = "amzn1.ask.skill.theirs"
    with pytest.raises(WrongSkill, match="session.application"):
        handle_envelope(guarded, ours_in_context)
    ours = request_builder.envelope(request_builder.launch_request(), skill_id="amzn1.ask.skill.ours")
    assert speech(handle_envelope(guarded, ours))


# The invoke command ------------------------------------------------------------------


def run_invoke(stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skill", "invoke", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60,
    )


@pytest.mark.slow  # python -m skill invoke in a subprocess
def test_invoke_answers_a_request_envelope_with_a_response_envelope():
    result = run_invoke(json.dumps(request_builder.envelope(request_builder.intent_request("SeeDoctorIntent"))))
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert speech(response) == load_content("en-US").answers["see_doctor"].text
    assert ends_session(response)


@pytest.mark.slow  # python -m skill invoke in a subprocess
@pytest.mark.parametrize(
    "stdin, message",
    [
        ("{not json", "invoke: standard input is not JSON"),
        ("", "invoke: standard input is not JSON"),
        ("[1, 2]", "invoke: not an Alexa request envelope: expected a JSON object, got list"),
        ('{"request": {"type": "LaunchRequest"}}',
         "invoke: not an Alexa request envelope: missing string 'request.requestId'"),
        ('{"request": {"type": "IntentRequest", "requestId": "r"}}',
         "invoke: not an Alexa request envelope: an IntentRequest needs"),
    ],
)
def test_invoke_refuses_bad_input_with_one_line_and_status_2(stdin, message):
    result = run_invoke(stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


@pytest.mark.slow  # python -m skill invoke in a subprocess
@pytest.mark.parametrize("opening", ["[", '{"a": '], ids=["arrays", "objects"])
def test_invoke_refuses_absurdly_nested_json_in_one_line(opening):
    result = run_invoke(opening * 200_000)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "invoke: standard input is not JSON that can be read: nested too deeply\n"


@pytest.mark.slow  # python -m skill invoke in a subprocess
def test_a_skill_id_check_needs_the_application_id():
    no_context = '{"request": {"type": "LaunchRequest", "requestId": "r"}}'
    result = run_invoke(no_context, "--skill-id", "amzn1.ask.skill.ours")
    assert result.returncode == 2
    assert result.stderr == (
        "invoke: not an Alexa request envelope: missing string 'context.System.application.applicationId'\n"
    )


@pytest.mark.slow  # python -m skill invoke in a subprocess
def test_invoke_refuses_another_skills_request():
    envelope = request_builder.envelope(request_builder.launch_request(), skill_id="amzn1.ask.skill.theirs")
    result = run_invoke(json.dumps(envelope), "--skill-id", "amzn1.ask.skill.ours")
    assert result.returncode == 2
    assert result.stderr.startswith("invoke: refused") and "amzn1.ask.skill.theirs" in result.stderr


@pytest.mark.slow  # python -m skill invoke in a subprocess
def test_invoke_refuses_a_session_for_another_skill():
    envelope = request_builder.envelope(request_builder.launch_request(), skill_id="amzn1.ask.skill.ours")
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.theirs"
    result = run_invoke(json.dumps(envelope), "--skill-id", "amzn1.ask.skill.ours")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("invoke: refused") and "session.application" in result.stderr
    assert result.stderr.count("\n") == 1
