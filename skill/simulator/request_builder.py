"""Request envelopes shaped like the ones Alexa sends, built from scratch.

Used by the simulator, the tests and the benchmarks, so all of them speak to
the skill exactly as a device would. (``skill.envelope`` is the other side:
the check of the shape of an envelope the skill receives.)
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
DEFAULT_LOCALE = "en-US"


def new_session(skill_id: str = DEFAULT_SKILL_ID) -> dict[str, Any]:
    return {
        "new": True,
        "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
        "application": {"applicationId": skill_id},
        "attributes": {},
        "user": {"userId": "amzn1.ask.account.simulated"},
    }


def envelope(
    request: dict[str, Any],
    session: dict[str, Any] | None = None,
    locale: str = DEFAULT_LOCALE,
    skill_id: str = DEFAULT_SKILL_ID,
) -> dict[str, Any]:
    """Wrap a request body in the envelope, with ids, timestamp and locale."""
    session = session if session is not None else new_session(skill_id)
    return {
        "version": "1.0",
        "session": session,
        "context": {
            "System": {
                "application": {"applicationId": skill_id},
                "user": {"userId": session["user"]["userId"]},
                "device": {"deviceId": "amzn1.ask.device.simulated", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": locale,
            **request,
        },
    }


def launch_request() -> dict[str, Any]:
    return {"type": "LaunchRequest"}


def intent_request(name: str, slots: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "type": "IntentRequest",
        "dialogState": "COMPLETED",
        "intent": {"name": name, "confirmationStatus": "NONE", "slots": slots or {}},
    }


def can_fulfill_intent_request(name: str, slots: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """What Alexa asks before routing a name-free request to the skill (send it outside a session)."""
    return {"type": "CanFulfillIntentRequest", "intent": {"name": name, "slots": slots or {}}}


def session_ended_request(reason: str = "USER_INITIATED") -> dict[str, Any]:
    return {"type": "SessionEndedRequest", "reason": reason}


def custom_slot(
    name: str, value: str, value_id: str | None, slot_type: str, skill_id: str = DEFAULT_SKILL_ID
) -> dict[str, dict[str, Any]]:
    """A custom slot with entity resolution as Alexa sends it (match or no match)."""
    authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}"
    resolution: dict[str, Any]
    if value_id is None:
        resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    else:
        resolution = {
            "authority": authority,
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": value, "id": value_id}}],
        }
    return {
        name: {
            "name": name,
            "value": value,
            "confirmationStatus": "NONE",
            "source": "USER",
            "resolutions": {"resolutionsPerAuthority": [resolution]},
        }
    }
