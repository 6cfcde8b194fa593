"""A virtual device: typed utterances in, what Alexa would say out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.simulator import request_builder
from skill.simulator.nlu import Interpretation, Understander
from skill.simulator.screen import (
    DATA_SOURCE,
    RENDER_DOCUMENT,
    SCREEN_DEVICES,
    USER_EVENT,
    ScreenDevice,
    press_arguments,
    screen_lines,
)
from skill.simulator.session import Conversation, Transport
from skill.speech import ssml_to_text


@dataclass(frozen=True)
class Exchange:
    """One exchange with the skill: what was said, how it was understood, the request sent and the response."""

    utterance: str
    meaning: Interpretation
    request: dict[str, Any]
    response: dict[str, Any]

    @property
    def understood_as(self) -> str:
        return self.meaning.intent or self.meaning.request_type

    @property
    def speech(self) -> str:
        return _spoken(self.response.get("response", {}).get("outputSpeech"))

    @property
    def reprompt(self) -> str:
        return _spoken((self.response.get("response", {}).get("reprompt") or {}).get("outputSpeech"))

    @property
    def card(self) -> dict[str, Any] | None:
        return self.response.get("response", {}).get("card")

    @property
    def session_open(self) -> bool:
        return self.response.get("response", {}).get("shouldEndSession") is False

    @property
    def screens(self) -> list[dict[str, Any]]:
        """The RenderDocument directives of the response (a skill sends at most one)."""
        directives = self.response.get("response", {}).get("directives") or []
        return [item for item in directives if isinstance(item, dict) and item.get("type") == RENDER_DOCUMENT]

    @property
    def screen(self) -> dict[str, Any] | None:
        return self.screens[0] if self.screens else None

    def as_text(self) -> str:
        lines = [f"[{self.understood_as}]", f"Alexa: {self.speech or '(nothing)'}"]
        if self.card:
            lines.append(f"Card: {self.card.get('title', '')}: {self.card.get('content', '')}")
        if self.screen:
            lines.extend(screen_lines(self.screen))
        lines.append("(microphone open)" if self.session_open else "(session ended)")
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps({"request": self.request, "response": self.response}, indent=2)


class VirtualDevice:
    """Holds one conversation with the skill, understanding what is typed.

    With ``screen`` (a name in ``SCREEN_DEVICES``) it is a device with APL: its
    requests say so, it keeps the document last rendered, and ``touch``
    presses an item of the list on it.
    """

    def __init__(
        self,
        transport: Transport,
        locale: str = request_builder.DEFAULT_LOCALE,
        skill_id: str = request_builder.DEFAULT_SKILL_ID,
        screen: str | None = None,
    ) -> None:
        self.screen: ScreenDevice | None = None
        self.displayed: dict[str, Any] | None = None  # the RenderDocument directive on screen
        self.conversation = Conversation(self._device_transport(transport), locale, skill_id)
        self.understander = Understander.for_locale(locale)
        if screen is not None:
            self.use_screen(screen)

    def use_screen(self, name: str) -> None:
        """Be the screen device ``name`` (a key of ``SCREEN_DEVICES``) from the next turn on."""
        if name not in SCREEN_DEVICES:
            raise ValueError(f"no screen device {name!r}; choose one of {', '.join(SCREEN_DEVICES)}")
        self.screen = SCREEN_DEVICES[name]

    def say(self, utterance: str) -> Exchange:
        meaning = self.understander.understand(utterance)
        if meaning.request_type == "LaunchRequest" or meaning.one_shot:
            self.conversation.session = None  # invoking the skill starts a new session
        response = self.conversation.send(meaning.request())
        return self._exchange(utterance, meaning, response)

    def touch(self, number: int) -> Exchange:
        """Press item ``number`` (from 1) of the list on screen, as a finger would."""
        if self.displayed is None:
            raise ValueError("nothing is on screen to touch")
        items = self.displayed.get("datasources", {}).get(DATA_SOURCE, {}).get("items") or []
        if not 1 <= number <= len(items):
            shown = f"items 1 to {len(items)}" if items else "no list"
            raise ValueError(f"no item {number} on screen (it shows {shown})")
        request = {
            "type": USER_EVENT,
            "token": self.displayed.get("token"),
            "arguments": press_arguments(self.displayed["document"], items[number - 1], number - 1),
            "source": {"type": "TouchWrapper", "handler": "Press", "id": "", "value": False},
            "components": {},
        }
        response = self.conversation.send(request)
        return self._exchange(f"(touch {number})", Interpretation(USER_EVENT), response)

    def _exchange(self, utterance: str, meaning: Interpretation, response: dict[str, Any]) -> Exchange:
        exchange = Exchange(utterance, meaning, self.conversation.last_request or {}, response)
        if exchange.screen is not None:
            self.displayed = exchange.screen
        return exchange

    def _device_transport(self, transport: Transport) -> Transport:
        """The transport, with this device's screen (if any) stated in each request it sends."""

        def send(envelope: dict[str, Any]) -> dict[str, Any]:
            if self.screen is not None:
                # In place, so the request kept as the conversation's last is the one sent.
                self.screen.describe(envelope, self.displayed)
            return transport(envelope)

        return send

    def hang_up(self) -> dict[str, Any] | None:
        """What a device sends when the user walks away from an open session."""
        return self.conversation.end("USER_INITIATED")

    # The session, kept in a file between `ask` calls so a script can converse.

    def save_session(self, path: Path) -> None:
        state = {"locale": self.conversation.locale, "session": self.conversation.session}
        path.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")

    def load_session(self, path: Path, restore_locale: bool = True) -> None:
        """Resume the session in ``path``, in the locale it was held in unless
        ``restore_locale`` is false; a missing file means a new session."""
        if not path.exists():
            return
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: not a session file ({error})") from None
        except OSError as error:
            raise ValueError(f"{path}: cannot read the session file ({error.strerror or error})") from None
        session = state.get("session") if isinstance(state, dict) else None
        if session is not None and not (isinstance(session, dict) and isinstance(session.get("sessionId"), str)):
            raise ValueError(f"{path}: not a session file (no session id)")
        locale = state.get("locale") if isinstance(state, dict) else None
        if locale is not None and not isinstance(locale, str):
            raise ValueError(f"{path}: not a session file (the locale is not a string)")
        self.conversation.session = session
        if locale and restore_locale:
            self.use_locale(locale)

    def use_locale(self, locale: str) -> None:
        """Speak in ``locale`` from the next turn on (requests and understanding)."""
        self.conversation.locale = locale
        self.understander = Understander.for_locale(locale)

    @property
    def locale(self) -> str:
        return self.conversation.locale


def check_session_path(path: Path) -> None:
    """Refuse, before anything is sent, a session path that could not be written afterwards."""
    if path.is_dir():
        raise ValueError(f"{path}: is a folder; give a file to keep the session in")
    if not path.parent.is_dir():
        raise ValueError(f"{path}: cannot keep the session there: the folder {path.parent} does not exist")


def _spoken(output_speech: dict[str, Any] | None) -> str:
    if not output_speech:
        return ""
    if output_speech.get("type") == "PlainText":
        return output_speech.get("text", "")
    return ssml_to_text(output_speech.get("ssml", ""))
