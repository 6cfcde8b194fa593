"""What the skill's owner reads in CloudWatch: one JSON log line and one EMF
metric record per request (skill.telemetry), on Lambda and from ``serve``."""

from __future__ import annotations

import copy
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException

from skill import answers, build_skill, handle_envelope, telemetry
from skill.simulator import request_builder as rb
from tests.helpers import OTHER_SKILL_ID, SKILL_ID, load_lambda_function, speech
from tests.servers import start_server
from tests.web.helpers import encode, http_post

# Everything in a simulated envelope that names a person, a device or a session.
PRIVATE = ("amzn1.ask.account", "amzn1.ask.device", "amzn1.echo-api.session", "apiAccessToken", "consentToken")
CLOUDWATCH_UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}  # fmt: skip
LOG_FIELDS = {"timestamp", "level", "logger", "message", "request_id", "request_type", "intent", "locale", "outcome"}


class Captured:
    """What ``telemetry.configure`` wrote: log lines and metric records, each line one JSON object."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def logs(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if "_aws" not in line]

    def metrics(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if "_aws" in line]

    def take(self) -> str:
        text = self.stream.getvalue()
        self.stream.seek(0)
        self.stream.truncate()
        return text


@pytest.fixture
def captured() -> Iterator[Captured]:
    sink = Captured()
    assert telemetry.configure("INFO", sink.stream, namespace="TestNamespace") is None
    yield sink
    telemetry.unconfigure()


@pytest.fixture(scope="module")
def skill() -> Any:
    return build_skill(SKILL_ID)


@pytest.fixture
def lambda_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("ALEXA_SKILL_ID", SKILL_ID)
    return load_lambda_function("lambda_function_telemetry")


def envelope(request: dict[str, Any], locale: str = "en-GB") -> dict[str, Any]:
    return rb.envelope(request, locale=locale, skill_id=SKILL_ID)


def assert_valid_emf(document: dict[str, Any]) -> None:
    """The rules of CloudWatch's Embedded Metric Format specification (and of the JSON
    schema it publishes) that a record must meet for CloudWatch Logs to extract it."""
    metadata = document["_aws"]
    assert isinstance(metadata["Timestamp"], int) and metadata["Timestamp"] > 1_600_000_000_000  # epoch ms
    assert metadata["CloudWatchMetrics"]
    for directive in metadata["CloudWatchMetrics"]:
        assert set(directive) == {"Namespace", "Dimensions", "Metrics"}
        assert 1 <= len(directive["Namespace"]) <= 255
        assert len(directive["Dimensions"]) >= 1
        for dimension_set in directive["Dimensions"]:
            assert len(dimension_set) <= 9
            for name in dimension_set:  # a reference to a string member of the root
                assert 1 <= len(name) <= 255 and isinstance(document[name], str) and document[name]
        assert 1 <= len(directive["Metrics"]) <= 100
        for metric in directive["Metrics"]:
            assert 1 <= len(metric["Name"]) <= 255
            assert isinstance(document[metric["Name"]], (int, float)) and not isinstance(document[metric["Name"]], bool)
            assert metric.get("Unit", "None") in CLOUDWATCH_UNITS


# Log lines -----------------------------------------------------------------------

REQUESTS = {
    "launch": (rb.launch_request(), "LaunchRequest", None, "answered"),
    "intent": (rb.intent_request("CausesIntent"), "IntentRequest", "CausesIntent", "answered"),
    "help": (rb.intent_request("AMAZON.HelpIntent"), "IntentRequest", "AMAZON.HelpIntent", "answered"),
    "fallback": (rb.intent_request("AMAZON.FallbackIntent"), "IntentRequest", "AMAZON.FallbackIntent", "fallback"),
    "unknown-intent": (rb.intent_request("NewerModelIntent"), "IntentRequest", "NewerModelIntent", "fallback"),
    "session-ended": (rb.session_ended_request("USER_INITIATED"), "SessionEndedRequest", None, "answered"),
    "exception-encountered": (
        {"type": "System.ExceptionEncountered", "error": {"type": "INVALID_RESPONSE", "message": "x"}},
        "System.ExceptionEncountered", None, "answered",
    ),
    "can-fulfill": (
        {"type": "CanFulfillIntentRequest", "intent": {"name": "CausesIntent", "slots": {}}},
        "CanFulfillIntentRequest", None, "answered",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", REQUESTS)
def test_each_request_type_logs_one_json_line_naming_it_without_ids_of_people(
    skill: Any, captured: Captured, name: str
) -> None:
    body, request_type, intent, outcome = REQUESTS[name]
    sent = envelope(copy.deepcopy(body))
    handle_envelope(skill, sent)
    (line,) = captured.logs()
    assert LOG_FIELDS <= line.keys()
    assert (line["request_type"], line["intent"], line["locale"], line["outcome"]) == (
        request_type, intent, "en-GB", outcome,
    )  # fmt: skip
    assert line["request_id"] == sent["request"]["requestId"]
    assert (line["level"], line["logger"]) == ("INFO", "skill.request")
    assert line["duration_ms"] >= 0
    text = captured.take()
    assert not [private for private in PRIVATE if private in text]
    assert sent["session"]["sessionId"] not in text


def test_the_reason_a_session_ended_and_alexas_error_are_in_its_line(skill: Any, captured: Captured) -> None:
    body = {**rb.session_ended_request("ERROR"), "error": {"type": "INVALID_RESPONSE", "message": "bad SSML"}}
    handle_envelope(skill, envelope(body))
    (line,) = captured.logs()
    assert (line["session_ended"], line["session_error"]) == ("ERROR", "INVALID_RESPONSE")
    assert "bad SSML" not in captured.take()  # Alexa's message may quote what was said


def test_a_failure_inside_the_skill_logs_the_trace_and_an_error_line(
    skill: Any, captured: Captured, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "causes", lambda lines: 1 / 0)
    sent = envelope(rb.intent_request("CausesIntent"))
    response = handle_envelope(skill, sent)
    assert speech(response)  # the spoken apology
    trace, request = captured.logs()
    assert trace["level"] == "ERROR" and "ZeroDivisionError" in trace["exception"]
    assert (request["level"], request["outcome"], request["request_id"]) == (
        "ERROR", "error", sent["request"]["requestId"],
    )  # fmt: skip


def test_a_failure_logs_no_uncapped_request_value(
    skill: Any, captured: Captured, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "causes", lambda lines: 1 / 0)
    sent = envelope(rb.intent_request("CausesIntent"))
    sent["request"]["requestId"] = "R" * 100_000
    handle_envelope(skill, sent)
    assert len(captured.logs()) == 2
    text = captured.take()
    assert "R" * 201 not in text and "(100000 characters)" in text


def test_a_higher_log_level_leaves_out_answered_requests_but_not_their_metrics(skill: Any) -> None:
    sink = Captured()
    telemetry.configure("warning", sink.stream)
    try:
        handle_envelope(skill, envelope(rb.launch_request()))
    finally:
        telemetry.unconfigure()
    assert sink.logs() == []
    assert [record["Outcome"] for record in sink.metrics()] == ["answered"]


def test_an_unknown_log_level_is_reported_and_info_used() -> None:
    try:
        warning = telemetry.configure("loud", io.StringIO())
        assert logging.getLogger("skill").level == logging.INFO
    finally:
        telemetry.unconfigure()
    assert warning == "LOG_LEVEL='loud' is not DEBUG, INFO, WARNING, ERROR or CRITICAL: logging at INFO"


def test_values_from_a_request_are_capped_in_the_line(skill: Any, captured: Captured) -> None:
    sent = envelope(rb.intent_request("X" * 5000), locale="en-US")
    sent["request"]["requestId"] = "R" * 100_000
    handle_envelope(skill, sent)
    (line,) = captured.logs()
    assert line["request_id"].startswith("R" * 200 + "...") and line["request_id"].endswith("(100000 characters)")
    assert len(line["intent"]) < 240
    (record,) = captured.metrics()
    assert record["Intent"] == telemetry.UNKNOWN_INTENT  # never a new metric per invented name
    assert max(len(line) for line in captured.take().splitlines()) < 2000


class CountingStream(io.StringIO):
    """A stream that counts its writes."""

    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_a_request_writes_its_line_and_record_together_in_one_write(skill: Any) -> None:
    # Two workers share one stderr: a request's two lines must not be split by another's.
    stream = CountingStream()
    telemetry.configure("INFO", stream)
    try:
        handle_envelope(skill, envelope(rb.launch_request()))
    finally:
        telemetry.unconfigure()
    assert stream.writes == 1
    line, record = (json.loads(text) for text in stream.getvalue().splitlines())
    assert line["request_type"] == record["RequestType"] == "LaunchRequest"


def test_the_request_line_is_the_one_the_json_formatter_writes_for_other_lines(
    skill: Any, captured: Captured, caplog: pytest.LogCaptureFixture
) -> None:
    # The request line skips logging's machinery; it must still read as every other line does.
    sent = envelope(rb.intent_request("CausesIntent"))
    with telemetry.invocation(aws_request_id="lambda-1"):
        handle_envelope(skill, sent)
    (direct,) = captured.logs()
    telemetry.unconfigure()
    with caplog.at_level(logging.INFO, logger="skill.request"), telemetry.invocation(aws_request_id="lambda-1"):
        handle_envelope(skill, sent)
        log_record = next(r for r in caplog.records if r.name == "skill.request")
        formatted = json.loads(telemetry.JsonFormatter().format(log_record))
    for line in (direct, formatted):
        del line["timestamp"], line["duration_ms"]
    assert list(direct) == list(formatted) and direct == formatted
    assert direct["aws_request_id"] == "lambda-1"


def test_a_metric_record_holds_any_namespace_exactly(skill: Any) -> None:
    sink = Captured()
    odd = 'Team "A" -1 "Timestamp": -1 \\ é'
    telemetry.configure("INFO", sink.stream, namespace=odd)
    try:
        handle_envelope(skill, envelope(rb.launch_request()))
        handle_envelope(skill, envelope(rb.launch_request()))
    finally:
        telemetry.unconfigure()
    first, second = sink.metrics()
    assert_valid_emf(first)
    assert first["_aws"]["CloudWatchMetrics"][0]["Namespace"] == odd
    assert first["_aws"]["Timestamp"] <= second["_aws"]["Timestamp"]
    assert {key: value for key, value in first.items() if key != "_aws"} == {
        "RequestType": "LaunchRequest", "Intent": "None", "Outcome": "answered", "Requests": 1,
    }  # fmt: skip


# Metric records ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_body", "dimensions"),
    [
        (rb.launch_request(), ("LaunchRequest", "None", "answered")),
        (rb.intent_request("CausesIntent"), ("IntentRequest", "CausesIntent", "answered")),
        (rb.intent_request("AMAZON.FallbackIntent"), ("IntentRequest", "AMAZON.FallbackIntent", "fallback")),
        (rb.intent_request("NewerModelIntent"), ("IntentRequest", "Unknown", "fallback")),
        (rb.session_ended_request(), ("SessionEndedRequest", "None", "answered")),
    ],
    ids=["launch", "intent", "fallback", "unknown-intent", "session-ended"],
)
def test_each_request_is_counted_under_its_type_intent_and_outcome(
    skill: Any, captured: Captured, request_body: dict[str, Any], dimensions: tuple[str, str, str]
) -> None:
    handle_envelope(skill, envelope(request_body))
    (record,) = captured.metrics()
    assert_valid_emf(record)
    assert (record["RequestType"], record["Intent"], record["Outcome"]) == dimensions
    assert record["Requests"] == 1
    (directive,) = record["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "TestNamespace"
    assert directive["Dimensions"] == [["RequestType", "Intent", "Outcome"], ["Outcome"]]
    assert directive["Metrics"] == [{"Name": "Requests", "Unit": "Count"}]
    assert not [private for private in PRIVATE if private in json.dumps(record)]


def test_an_error_is_counted_as_one(skill: Any, captured: Captured, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "causes", lambda lines: 1 / 0)
    handle_envelope(skill, envelope(rb.intent_request("CausesIntent")))
    (record,) = captured.metrics()
    assert_valid_emf(record)
    assert (record["Intent"], record["Outcome"]) == ("CausesIntent", "error")


def test_refusals_are_counted_with_only_known_names(skill: Any, captured: Captured) -> None:
    other_skill = rb.envelope(rb.launch_request(), skill_id=OTHER_SKILL_ID)
    invented_type = envelope({"type": "Made.Up" * 100})
    for refused in (other_skill, invented_type, {"not": "alexa"}, []):
        with pytest.raises((ValueError, SerializationException)):  # the SDK's, for an invented type
            handle_envelope(skill, refused)
    records = captured.metrics()
    for record in records:
        assert_valid_emf(record)
    assert [(r["RequestType"], r["Intent"], r["Outcome"]) for r in records] == [
        ("LaunchRequest", "None", "refused"), ("Other", "None", "refused"),
        ("Other", "None", "refused"), ("Other", "None", "refused"),
    ]  # fmt: skip
    assert captured.logs() == []  # the entry point that refuses logs the one line (below, for Lambda)


# Refusals on Lambda: exactly one line each ---------------------------------------------


def mutated(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    event = envelope(rb.intent_request("CausesIntent"))
    target = event
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return event


# Envelopes of the right outline whose fields the SDK cannot read, and others.
MALFORMED = {
    "timestamp-number": mutated(("request", "timestamp"), 5),
    "timestamp-words": mutated(("request", "timestamp"), "yesterday"),
    "attributes-list": mutated(("session", "attributes"), []),
    "attributes-string": mutated(("session", "attributes"), "x"),
    "user-string": mutated(("session", "user"), "x"),
    "session-application-string": mutated(("session", "application"), "x"),
    "dialog-state-number": mutated(("request", "dialogState"), 5),
    "confirmation-number": mutated(("request", "intent", "confirmationStatus"), 3),
    "unknown-request-type": mutated(("request", "type"), "Foo.Bar"),
    "huge-request-type": mutated(("request", "type"), "F" * 100_000),
    "intent-name-number": mutated(("request", "intent"), {"name": 5}),
    "context-application-string": mutated(("context", "System", "application"), "x"),
    "system-list": mutated(("context", "System"), []),
    "huge-application-id": mutated(("context", "System", "application", "applicationId"), "a" * 1_000_000),
    "huge-session-application-id": mutated(("session", "application", "applicationId"), "b" * 1_000_000),
    "huge-key": {"k" * 1_000_000: 1},
    "empty": {},
    "list": [1, 2],
}


@pytest.mark.parametrize("name", MALFORMED)
def test_every_refusal_on_lambda_writes_exactly_one_capped_line(
    lambda_module: ModuleType, captured: Captured, name: str
) -> None:
    event = MALFORMED[name]
    with pytest.raises(ValueError) as refused:
        lambda_module.lambda_handler(event, None)
    assert type(refused.value).__name__ in ("NotAnAlexaRequest", "WrongSkill")
    (line,) = captured.logs()
    assert (line["level"], line["logger"], line["outcome"]) == ("ERROR", "skill.lambda", "refused")
    assert line["message"] == str(refused.value)
    assert line["refusal"] == type(refused.value).__name__
    assert len(str(refused.value)) < 1000
    assert len(captured.stream.getvalue().splitlines()[-1]) < 2000  # the whole line, capped
    (record,) = captured.metrics()
    assert record["Outcome"] == "refused"


def test_a_request_the_sdk_cannot_read_is_not_an_alexa_request(lambda_module: ModuleType) -> None:
    with pytest.raises(lambda_module.NotAnAlexaRequest, match=r"not an Alexa request envelope \(.*datetime"):
        lambda_module.lambda_handler(MALFORMED["timestamp-words"], None)


# The web service logs the same way ------------------------------------------------------


@pytest.mark.slow  # a real server
def test_serve_logs_each_request_as_the_same_json_line(tmp_path: Path) -> None:
    server = start_server(tmp_path / "serve.log", {}, "--dev")
    try:
        sent = rb.envelope(rb.intent_request("CausesIntent"), locale="en-AU")
        status, response = http_post(server.base)(encode(sent))
        assert status == 200 and speech(response)
        fallback = rb.envelope(rb.intent_request("AMAZON.FallbackIntent"))
        assert http_post(server.base)(encode(fallback))[0] == 200
    finally:
        assert server.stop() == 0
    text = server.log()
    objects = [json.loads(line) for line in text.splitlines() if re.match(r"\{", line)]
    logs = [line for line in objects if line.get("logger") == "skill.request"]
    assert [(line["request_type"], line["intent"], line["locale"], line["outcome"]) for line in logs] == [
        ("IntentRequest", "CausesIntent", "en-AU", "answered"),
        ("IntentRequest", "AMAZON.FallbackIntent", "en-US", "fallback"),
    ]
    assert logs[0]["request_id"] == sent["request"]["requestId"]
    metrics = [line for line in objects if "_aws" in line]
    assert [(record["Intent"], record["Outcome"]) for record in metrics] == [
        ("CausesIntent", "answered"), ("AMAZON.FallbackIntent", "fallback"),
    ]  # fmt: skip
    assert not [private for private in PRIVATE if private in text]
