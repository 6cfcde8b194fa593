"""What the skill's owner sees of each request: one JSON log line and one
CloudWatch Embedded Metric Format (EMF) record.

``skill.core.handle_envelope`` wraps every request in ``observe``, for every
entry point alike. The log line names the request (its id, type, intent and
locale) and its outcome, never who asked: no user, device or session id is
read here. The metric record counts the request under its type, intent and
outcome, so CloudWatch shows what people ask, and what reaches the fallback,
without any code on the owner's side.

Nothing is written until an entry point calls ``configure`` (Lambda and
``serve`` do); the simulator and tests keep plain logging and no metrics.
Standard library only: the Lambda bundle ships this module.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from skill.envelope import InvalidEnvelope, WrongSkill, capped

log = logging.getLogger("skill.request")

OUTCOMES = ("answered", "fallback", "refused", "error")
FALLBACK_INTENT = "AMAZON.FallbackIntent"
DEFAULT_NAMESPACE = "LegCrampGuide"
# Metric dimensions hold only names the skill knows, so a hand-made request
# cannot create a new CloudWatch metric (each costs money) per value it invents.
OTHER = "Other"
NO_INTENT = "None"
UNKNOWN_INTENT = "Unknown"
DIMENSION_SETS = [["RequestType", "Intent", "Outcome"], ["Outcome"]]


@dataclass
class RequestRecord:
    """One request as the log and the metrics describe it; values capped, never ids of people."""

    request_id: str | None
    request_type: str | None
    intent: str | None
    locale: str | None
    outcome: str = "answered"
    notes: dict[str, str | None] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "request_type": self.request_type,
            "intent": self.intent,
            "locale": self.locale,
            "outcome": self.outcome,
            **self.notes,
        }


def record_for(envelope: Any) -> RequestRecord:
    """What the log may say about ``envelope``, whatever shape it has."""
    request = envelope.get("request") if isinstance(envelope, dict) else None
    request = request if isinstance(request, dict) else {}
    intent = request.get("intent") if request.get("type") == "IntentRequest" else None
    return RequestRecord(
        request_id=capped(request.get("requestId")),
        request_type=capped(request.get("type")),
        intent=capped(intent.get("name")) if isinstance(intent, dict) else None,
        locale=capped(request.get("locale")),
    )


# The request being handled, so a handler deep inside the SDK can add to its record.
_current: ContextVar[RequestRecord | None] = ContextVar("skill_request", default=None)
# Fields every line carries while an entry point handles one call (``invocation``).
_invocation: ContextVar[dict[str, str] | None] = ContextVar("skill_invocation", default=None)

# What handle_envelope refuses: not an Alexa request, or one for another skill.
REFUSALS: tuple[type[Exception], ...] = (InvalidEnvelope, WrongSkill)


def _sdk_refusals() -> tuple[type[Exception], ...]:
    # The SDK's deserializer refuses shapes check_envelope lets through (a
    # timestamp that is a number, an unknown request type).
    from ask_sdk_core.exceptions import SerializationException

    return (*REFUSALS, SerializationException)


@contextmanager
def observe(envelope: Any, intents: Collection[str]) -> Iterator[RequestRecord]:
    """Log and count the request handled inside the block.

    ``intents`` are those the skill answers; any other intent gets the
    fallback answer, and so the outcome "fallback". A refusal raised in the
    block is counted, not logged: the entry point that refuses says so in its
    own one line (``refusal_fields`` gives it this record's fields).
    """
    record = record_for(envelope)
    if record.request_type == "IntentRequest" and (record.intent == FALLBACK_INTENT or record.intent not in intents):
        record.outcome = "fallback"
    token = _current.set(record)
    started = time.perf_counter()
    try:
        yield record
    except _sdk_refusals():
        record.outcome = "refused"
        raise
    except Exception:
        record.outcome = "error"
        raise
    finally:
        _current.reset(token)
        write_request(record, round((time.perf_counter() - started) * 1000, 1), intents)


def observed(
    intents: Collection[str],
) -> Callable[[Callable[[Any, Any], dict[str, Any]]], Callable[[Any, Any], dict[str, Any]]]:
    """``observe`` around a function of (skill, envelope), such as ``handle_envelope``."""

    def decorate(handle: Callable[[Any, Any], dict[str, Any]]) -> Callable[[Any, Any], dict[str, Any]]:
        @functools.wraps(handle)
        def observed_handle(skill: Any, envelope: Any) -> dict[str, Any]:
            with observe(envelope, intents):
                return handle(skill, envelope)

        return observed_handle

    return decorate


@contextmanager
def invocation(**fields: str | None) -> Iterator[None]:
    """Add ``fields`` (such as Lambda's own request id) to every line logged inside the block."""
    token = _invocation.set({key: value for key, value in fields.items() if isinstance(value, str)})
    try:
        yield
    finally:
        _invocation.reset(token)


def mark_failed() -> None:
    """The request in hand failed inside the skill (and got a spoken apology)."""
    record = _current.get()
    if record is not None:
        record.outcome = "error"


def note(**values: Any) -> None:
    """Add facts to the request in hand's log line, such as why a session ended."""
    record = _current.get()
    if record is not None:
        record.notes.update({key: capped(value) for key, value in values.items()})


def refusal_fields(envelope: Any, refusal: str) -> dict[str, Any]:
    """The fields of a refusal's log line: the request as ``record_for`` reads it, and the refusal's name."""
    record = record_for(envelope)
    record.outcome = "refused"
    return {"fields": {**record.fields(), "refusal": capped(refusal)}}


# Metrics ---------------------------------------------------------------------


@functools.cache
def _request_types() -> frozenset[str]:
    from ask_sdk_model.request import Request

    return frozenset(Request.discriminator_value_class_map)


def metric_dimensions(record: RequestRecord, intents: Collection[str]) -> tuple[str, str, str]:
    """(RequestType, Intent, Outcome) for the request's record, each a name the skill knows."""
    request_type = record.request_type
    if request_type is None or request_type not in _request_types():
        request_type = OTHER
    intent = NO_INTENT
    if request_type == "IntentRequest":
        known = record.intent is not None and (record.intent in intents or record.intent == FALLBACK_INTENT)
        intent = record.intent if known and record.intent else UNKNOWN_INTENT
    return request_type, intent, record.outcome


def metric_document(dimensions: tuple[str, str, str], namespace: str, timestamp_ms: int) -> dict[str, Any]:
    """The EMF record counting one request: Requests = 1 under its type, intent and outcome."""
    request_type, intent, outcome = dimensions
    return {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": DIMENSION_SETS,
                    "Metrics": [{"Name": "Requests", "Unit": "Count"}],
                }
            ],
        },
        "RequestType": request_type,
        "Intent": intent,
        "Outcome": outcome,
        "Requests": 1,
    }


@functools.cache
def _metric_text(dimensions: tuple[str, str, str], namespace: str) -> tuple[str, str]:
    """The record's JSON before and after its timestamp, made once per dimension set (there are few)."""
    key = '"Timestamp": '
    before, after = json.dumps(metric_document(dimensions, namespace, -1)).split(f"{key}-1", 1)
    return before + key, after


def metric_line(record: RequestRecord, intents: Collection[str], namespace: str, now: float) -> str:
    """The request's EMF record as the JSON text written, at ``now`` (seconds since the epoch)."""
    before, after = _metric_text(metric_dimensions(record, intents), namespace)
    return f"{before}{int(now * 1000)}{after}"


# Writing ---------------------------------------------------------------------


def request_message(record: RequestRecord) -> str:
    """The request line's message, for people reading the log."""
    intent = record.intent or "-"
    return f"request {record.request_id}: {record.request_type} {intent} {record.locale} {record.outcome}"


def _line(created: float, level: str, logger: str, message: str, fields: dict[str, Any] | None) -> dict[str, Any]:
    """A log line's fields, in order: time, level, logger, message, the record's own, the invocation's."""
    return {
        "timestamp": datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds"),
        "level": level,
        "logger": logger,
        "message": message,
        **(fields or {}),
        **(_invocation.get() or {}),
    }


@dataclass
class _Sink:
    """Where ``configure`` sends each request's line and record: its log handler's stream."""

    handler: logging.StreamHandler[TextIO] | None = None
    metrics: bool = False
    namespace: str = DEFAULT_NAMESPACE


_sink = _Sink()


def write_request(record: RequestRecord, duration_ms: float, intents: Collection[str]) -> None:
    """The request's log line (none for a refusal: its entry point logs that) and its metric record.

    Once configured, both go out in one write, formatted here rather than
    through ``logging``: a LogRecord, its handlers and a second write cost a
    web worker more than the rest of the line (about 25 µs of 35 per request).
    The line is the one ``JsonFormatter`` would write. Unconfigured (the
    simulator, tests), the line goes through plain logging and no record is
    written.
    """
    level = logging.ERROR if record.outcome == "error" else logging.INFO
    logged = record.outcome != "refused" and log.isEnabledFor(level)
    fields = {**record.fields(), "duration_ms": duration_ms}
    handler = _sink.handler
    if handler is None:
        if logged:
            log.log(level, "%s", request_message(record), extra={"fields": fields})
        return
    now = time.time()
    text = ""
    if logged:
        line = _line(now, logging.getLevelName(level), log.name, request_message(record), fields)
        text = json.dumps(line) + "\n"  # every value a string, a number or None
    if _sink.metrics:
        text += metric_line(record, intents, _sink.namespace, now) + "\n"
    if text:
        with handler.lock or nullcontext():  # the lock its other lines are written under
            handler.stream.write(text)
            handler.flush()


# Configuration ---------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's fields, any trace."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        line = _line(record.created, record.levelname, record.name, record.getMessage(), fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class _TelemetryHandler(logging.StreamHandler):
    """The handler ``configure`` installs, so a second call replaces it."""


def configure(
    level: str | None = None,
    stream: TextIO | None = None,
    metrics: bool = True,
    namespace: str | None = None,
) -> str | None:
    """JSON log lines for every ``skill`` logger at ``level`` (a name, such as
    LOG_LEVEL's), and EMF records, both on ``stream`` (default stdout).

    Returns a warning to log when ``level`` is no level name: it falls back
    to INFO rather than failing the entry point over a typo.
    """
    stream = stream or sys.stdout
    skill_log = logging.getLogger("skill")
    for handler in [h for h in skill_log.handlers if isinstance(h, _TelemetryHandler)]:
        skill_log.removeHandler(handler)
    handler = _TelemetryHandler(stream)
    handler.setFormatter(JsonFormatter())
    skill_log.addHandler(handler)
    skill_log.propagate = False  # one line per record, not a second one from the root logger
    warning = None
    try:
        skill_log.setLevel((level or "INFO").upper())
    except ValueError:
        skill_log.setLevel(logging.INFO)
        warning = f"LOG_LEVEL={capped(level, 40)!r} is not DEBUG, INFO, WARNING, ERROR or CRITICAL: logging at INFO"
    _sink.handler, _sink.metrics, _sink.namespace = handler, metrics, namespace or DEFAULT_NAMESPACE
    return warning


def unconfigure() -> None:
    """Back to plain logging and no metrics (for tests)."""
    skill_log = logging.getLogger("skill")
    for handler in [h for h in skill_log.handlers if isinstance(h, _TelemetryHandler)]:
        skill_log.removeHandler(handler)
    skill_log.propagate = True
    _sink.handler, _sink.metrics, _sink.namespace = None, False, DEFAULT_NAMESPACE
