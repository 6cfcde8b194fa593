"""A conversation held the way a device holds it: one session across turns.

The transport is a function from request envelope to response envelope, so
the same conversation runs in process, over HTTP or through the Lambda entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from skill.simulator import request_builder

Transport = Callable[[dict[str, Any]], dict[str, Any]]


class Conversation:
    def __init__(
        self,
        transport: Transport,
        locale: str = request_builder.DEFAULT_LOCALE,
        skill_id: str = request_builder.DEFAULT_SKILL_ID,
    ) -> None:
        self.transport = transport
        self.locale = locale
        self.skill_id = skill_id
        self.session: dict[str, Any] | None = None
        self.last_request: dict[str, Any] | None = None

    @property
    def is_open(self) -> bool:
        return self.session is not None

    def send(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request in the current session (or a new one); keep its state."""
        session = self.session or request_builder.new_session(self.skill_id)
        envelope = request_builder.envelope(request, session, self.locale, self.skill_id)
        self.last_request = envelope
        response = self.transport(envelope)
        if response.get("response", {}).get("shouldEndSession") is not False:
            self.session = None
        else:
            self.session = {**session, "new": False, "attributes": response.get("sessionAttributes") or {}}
        return response

    def launch(self) -> dict[str, Any]:
        return self.send(request_builder.launch_request())

    def intent(self, name: str, slots: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        return self.send(request_builder.intent_request(name, slots))

    def end(self, reason: str = "USER_INITIATED") -> dict[str, Any] | None:
        """Close an open session as a device does when the user walks away."""
        if self.session is None:
            return None
        return self.send(request_builder.session_ended_request(reason))
