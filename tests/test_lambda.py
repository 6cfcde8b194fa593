"""The Lambda entry point, in process and in a fresh interpreter with Lambda's environment
(the SAM template: tests/test_template.py)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from skill import answers
from skill.content import load_content
from skill.envelope import InvalidEnvelope
from skill.paths import LAMBDA_DIR
from skill.simulator import request_builder
from skill.speech import spoken
from tests.helpers import OTHER_SKILL_ID, SKILL_ID, ends_session, load_lambda_function, speech

CONTENT = load_content("en-US")

API_GATEWAY_EVENT = {
    "resource": "/",
    "path": "/",
    "httpMethod": "POST",
    "headers": {"Content-Type": "application/json"},
    "requestContext": {"stage": "prod"},
    "body": "{}",
}


@pytest.fixture
def load_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str | None], ModuleType]]:
    """A fresh lambda_function module, imported as Lambda would with ALEXA_SKILL_ID set or not."""
    skill_logger = logging.getLogger("skill")
    level = skill_logger.level  # the module sets it for Lambda; other tests expect it back

    def load(skill_id: str | None) -> ModuleType:
        if skill_id is None:
            monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
        else:
            monkeypatch.setenv("ALEXA_SKILL_ID", skill_id)
        return load_lambda_function("lambda_function_under_test")

    yield load
    skill_logger.setLevel(level)


@pytest.fixture
def handler(load_handler: Callable[[str | None], ModuleType]) -> ModuleType:
    return load_handler(SKILL_ID)


def launch(skill_id: str = SKILL_ID) -> dict[str, Any]:
    return request_builder.envelope(request_builder.launch_request(), skill_id=skill_id)


def refusal_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


# Answers --------------------------------------------------------------------


def test_launch_is_welcomed(handler: ModuleType) -> None:
    response = handler.lambda_handler(launch(), context=None)
    welcome, _, _ = spoken(answers.welcome(answers.Lines(CONTENT)), one_shot=False)
    assert speech(response) == " ".join(welcome.split())
    assert not ends_session(response)


def test_one_shot_intent_is_answered(handler: ModuleType) -> None:
    event = request_builder.envelope(request_builder.intent_request("CausesIntent"), skill_id=SKILL_ID)
    response = handler.lambda_handler(event, context=None)
    assert speech(response) == " ".join(answers.causes(answers.Lines(CONTENT)).text.split())
    assert ends_session(response)


def test_without_a_skill_id_any_skill_is_answered(
    load_handler: Callable[[str | None], ModuleType], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    module = load_handler(None)
    assert "ALEXA_SKILL_ID is not set" in caplog.text
    assert speech(module.lambda_handler(launch(OTHER_SKILL_ID), context=None))


# Refusals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "described"),
    [
        ({}, "an empty object"),
        ([], "a JSON array"),
        ([launch()], "a JSON array"),
        ("LaunchRequest", "a JSON string"),
        (None, "a JSON null"),
        (42, "a JSON number"),
        (API_GATEWAY_EVENT, "an API Gateway or function URL event"),
        ({"version": "1.0", "request": "LaunchRequest"}, "keys 'request', 'version'"),
        ({"request": {"type": "IntentRequest", "requestId": "r1"}}, "keys 'request'"),
    ],
    ids=["empty", "list", "list-of-envelopes", "string", "null", "number", "api-gateway", "bad-request", "no-intent"],
)
def test_non_alexa_events_are_refused_clearly(
    handler: ModuleType, caplog: pytest.LogCaptureFixture, event: Any, described: str
) -> None:
    with pytest.raises(handler.NotAnAlexaRequest) as refused:
        handler.lambda_handler(event, context=None)
    assert isinstance(refused.value, ValueError) and isinstance(refused.value, InvalidEnvelope)
    message = str(refused.value)
    assert described in message and "not an Alexa request envelope" in message
    assert refusal_logs(caplog) == [message]
    assert "\n" not in message


def test_another_skills_request_is_refused(handler: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(handler.WrongSkill) as refused:
        handler.lambda_handler(launch(OTHER_SKILL_ID), context=None)
    assert isinstance(refused.value, ValueError)
    assert OTHER_SKILL_ID in str(refused.value) and SKILL_ID in str(refused.value)
    assert refusal_logs(caplog) == [str(refused.value)]


def test_a_session_for_another_skill_is_refused(handler: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    event = launch()  # the context names this skill
    event["session"]["application"]["applicationId"] = OTHER_SKILL_ID
    with pytest.raises(handler.WrongSkill) as refused:
        handler.lambda_handler(event, context=None)
    assert str(refused.value) == (
        f"refused a request whose session is for skill {OTHER_SKILL_ID!r}: this function answers {SKILL_ID}"
    )
    assert refusal_logs(caplog) == [str(refused.value)]


def test_a_request_without_context_is_refused_before_the_sdk(handler: ModuleType) -> None:
    # Alexa always names the skill in the context; a session's id alone is not enough.
    event = launch()
    del event["context"]
    with pytest.raises(handler.NotAnAlexaRequest, match="missing string 'context.System.application.applicationId'"):
        handler.lambda_handler(event, context=None)


def test_refusals_do_not_log_event_values(handler: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    event = {"userId": "amzn1.ask.account.PRIVATE", "note": "my leg hurts"}
    with pytest.raises(handler.NotAnAlexaRequest):
        handler.lambda_handler(event, context=None)
    assert "PRIVATE" not in caplog.text and "my leg hurts" not in caplog.text



# Inside Lambda (a fresh interpreter with Lambda's environment) -----------------


def import_inside_lambda(log_level: str, events: list[Any] | None = None) -> subprocess.CompletedProcess:
    """Import the entry point as Lambda's runtime would, then answer each event (a launch by default).

    The results go to stderr, as the runtime returns them apart from the log; stdout is the log.
    """
    script = (
        "import json, logging, sys, types\n"
        f"sys.path.insert(0, {str(LAMBDA_DIR)!r})\n"
        "import lambda_function\n"
        "results = [logging.getLogger('skill').level]\n"
        "for number, event in enumerate(json.loads(sys.stdin.read())):\n"
        "    context = types.SimpleNamespace(aws_request_id=f'invocation-{number}')\n"
        "    try:\n"
        "        results.append(lambda_function.lambda_handler(event, context))\n"
        "    except ValueError as error:\n"
        "        results.append(type(error).__name__)\n"
        "print(json.dumps(results), file=sys.stderr)\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_LAMBDA_FUNCTION_NAME": "leg-cramp-guide-test",
        "ALEXA_SKILL_ID": SKILL_ID,
        "LOG_LEVEL": log_level,
    }
    return subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(events or [launch()]), env=env,
        cwd=LAMBDA_DIR.parent, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def log_lines(result: subprocess.CompletedProcess) -> list[dict[str, Any]]:
    """stdout, every line a JSON object (the function's log as CloudWatch receives it)."""
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.slow  # a fresh interpreter
def test_an_unknown_log_level_falls_back_to_info_with_one_warning() -> None:
    result = import_inside_lambda("verbose")
    assert result.returncode == 0, result.stderr
    level, response = json.loads(result.stderr)
    assert level == logging.INFO
    assert speech(response)  # the function still answers
    warnings = [line for line in log_lines(result) if line.get("level") == "WARNING"]
    assert [line["message"] for line in warnings] == [
        "LOG_LEVEL='verbose' is not DEBUG, INFO, WARNING, ERROR or CRITICAL: logging at INFO"
    ]


@pytest.mark.slow  # a fresh interpreter
def test_a_known_log_level_is_used_in_any_case() -> None:
    result = import_inside_lambda("debug")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stderr)[0] == logging.DEBUG
    assert "LOG_LEVEL" not in result.stdout


@pytest.mark.slow  # a fresh interpreter
def test_inside_lambda_each_request_logs_one_json_line_and_one_metric_record() -> None:
    events = [launch(), {"not": "alexa"}, launch(OTHER_SKILL_ID)]
    result = import_inside_lambda("INFO", events)
    assert result.returncode == 0, result.stderr
    _, answered, *refused = json.loads(result.stderr)
    assert speech(answered) and refused == ["NotAnAlexaRequest", "WrongSkill"]
    lines = log_lines(result)
    requests = [line for line in lines if "_aws" not in line]
    metrics = [line for line in lines if "_aws" in line]
    assert [(line["logger"], line["outcome"]) for line in requests] == [
        ("skill.request", "answered"), ("skill.lambda", "refused"), ("skill.lambda", "refused"),
    ]  # fmt: skip
    assert [line["Outcome"] for line in metrics] == ["answered", "refused", "refused"]
    # Lambda's own id of each invocation, as its REPORT line and error traces name it.
    assert [line["function_request_id"] for line in requests] == ["invocation-0", "invocation-1", "invocation-2"]
    ids = [event.get("request", {}).get("requestId") for event in events]
    assert [line["request_id"] for line in requests] == ids  # None for the event without one
    assert "amzn1.ask.account" not in result.stdout and "amzn1.echo-api.session" not in result.stdout


@pytest.mark.slow  # a fresh interpreter
def test_inside_lambda_a_higher_log_level_keeps_the_metrics() -> None:
    result = import_inside_lambda("WARNING", [launch()])
    assert result.returncode == 0, result.stderr
    lines = log_lines(result)
    assert [line["Outcome"] for line in lines] == ["answered"]  # the metric record only
