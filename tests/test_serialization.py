"""The skill reads Alexa's timestamps itself, as the SDK would, only faster."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import build_skill, handle_envelope
from skill.serialization import EnvelopeSerializer
from skill.simulator import request_builder
from tests.helpers import speech


def timestamp_of(serializer, timestamp: str):
    body = {"request": {"type": "LaunchRequest", "requestId": "r", "timestamp": timestamp}}
    return serializer.deserialize(json.dumps(body), RequestEnvelope).request.timestamp


@pytest.mark.parametrize(
    "timestamp",
    ["2026-11-25T12:00:00Z", "2026-11-25T12:00:00.123Z", "2026-11-25T13:00:00+01:00", "2026-11-25T12:00:00"],
)
def test_iso_timestamps_read_the_same_as_the_sdk_reads_them(timestamp):
    assert timestamp_of(EnvelopeSerializer(), timestamp) == timestamp_of(DefaultSerializer(), timestamp)


def test_alexa_timestamps_are_read_without_dateutil(monkeypatch):
    import dateutil.parser

    monkeypatch.setattr(dateutil.parser, "parse", lambda *a, **k: pytest.fail("dateutil was used"))
    assert timestamp_of(EnvelopeSerializer(), "2026-11-25T12:00:00Z") == datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_other_timestamp_forms_still_reach_dateutil():
    assert timestamp_of(EnvelopeSerializer(), "25 Nov 2026 12:00 UTC").date() == date(2026, 11, 25)


def test_the_skill_object_uses_it():
    skill = build_skill()
    assert isinstance(skill.serializer, EnvelopeSerializer)
    response = handle_envelope(skill, request_builder.envelope(request_builder.launch_request()))
    assert speech(response).startswith("Welcome to Leg Cramp Guide")
