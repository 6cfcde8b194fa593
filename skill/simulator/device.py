"""A virtual device: typed utterances in, what Alexa would say out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.simulator import request_builder
from skill.simulator.nlu import Interpretation, Understander
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

    def as_text(self) -> str:
        lines = [f"[{self.understood_as}]", f"Alexa: {self.speech or '(nothing)'}"]
        if self.card:
            lines.append(f"Card: {self.card.get('title', '')}: {self.card.get('content', '')}")
        lines.append("(microphone open)" if self.session_open else "(session ended)")
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps({"request": self.request, "response": self.response}, indent=2)


class VirtualDevice:
    """Holds one conversation with the skill, understanding what is typed."""

    def __init__(
        self,
        transport: Transport,
        locale: str = request_builder.DEFAULT_LOCALE,
        skill_id: str = request_builder.DEFAULT_SKILL_ID,
    ) -> None:
        self.conversation = Conversation(transport, locale, skill_id)
        self.understander = Understander.for_locale(locale)

    def say(self, utterance: str) -> Exchange:
        meaning = self.understander.understand(utterance)
        if meaning.request_type == "LaunchRequest" or meaning.one_shot:
            self.conversation.session = None  # invoking the skill starts a new session
        response = self.conversation.send(meaning.request())
        return Exchange(utterance, meaning, self.conversation.last_request or {}, response)

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
