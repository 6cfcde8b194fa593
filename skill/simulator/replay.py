"""Dialog tests: what the user says, and what Alexa is expected to answer.

A dialog file (YAML)::

    name: ask for the causes, then more on one
    locale: en-US            # optional
    steps:
      - say: open leg cramp guide
        expect:
          intent: LaunchRequest          # the request type or intent reached
          speech_contains: Welcome       # text, or a list of texts
          session: open                  # open or ended
      - say: why do my legs cramp
        expect:
          intent: CausesIntent
          card_title: Why Legs Cramp

Replay stops at the first step that differs and says how.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from skill.simulator import request_builder
from skill.simulator.device import Exchange, VirtualDevice
from skill.simulator.session import Transport

EXPECTATIONS = ("intent", "speech_contains", "speech_excludes", "session", "card_title")


class DialogError(ValueError):
    """The dialog file itself is wrong; the message names the file and step."""


@dataclass(frozen=True)
class Mismatch:
    step: int
    said: str
    problems: tuple[str, ...]
    exchange: Exchange

    def __str__(self) -> str:
        lines = [f"step {self.step} ({self.said!r}):"]
        lines += [f"  {problem}" for problem in self.problems]
        lines.append(f"  Alexa said: {self.exchange.speech or '(nothing)'}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Dialog:
    name: str
    locale: str
    steps: tuple[tuple[str, dict[str, Any]], ...]


def load_dialog(path: Path) -> Dialog:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DialogError(f"{path}: cannot read dialog: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise DialogError(f"{path}: a dialog needs a non-empty list 'steps'")
    steps = []
    for number, step in enumerate(data["steps"], start=1):
        if not isinstance(step, dict) or not isinstance(step.get("say"), str):
            raise DialogError(f"{path}: step {number}: needs 'say' with what the user says")
        expect = step.get("expect") or {}
        unknown = set(expect) - set(EXPECTATIONS) if isinstance(expect, dict) else {"(not a mapping)"}
        if unknown:
            raise DialogError(f"{path}: step {number}: unknown expectation {sorted(unknown)}; use {list(EXPECTATIONS)}")
        if expect.get("session") not in (None, "open", "ended"):
            raise DialogError(f"{path}: step {number}: session must be 'open' or 'ended'")
        steps.append((step["say"], expect))
    locale = data.get("locale", request_builder.DEFAULT_LOCALE)
    return Dialog(str(data.get("name", path.stem)), locale, tuple(steps))


def differences(exchange: Exchange, expect: dict[str, Any]) -> list[str]:
    """Each way the exchange differs from what was expected, readably."""
    problems = []
    if "intent" in expect and exchange.understood_as != expect["intent"]:
        problems.append(f"expected intent {expect['intent']}, got {exchange.understood_as}")
    for text in _as_list(expect.get("speech_contains")):
        if str(text).lower() not in exchange.speech.lower():
            problems.append(f"expected speech to contain {text!r}")
    for text in _as_list(expect.get("speech_excludes")):
        if str(text).lower() in exchange.speech.lower():
            problems.append(f"expected speech not to contain {text!r}")
    if "session" in expect:
        state = "open" if exchange.session_open else "ended"
        if state != expect["session"]:
            problems.append(f"expected session {expect['session']}, got {state}")
    if "card_title" in expect:
        title = (exchange.card or {}).get("title")
        if title != expect["card_title"]:
            problems.append(f"expected card title {expect['card_title']!r}, got {title!r}")
    return problems


def replay(
    dialog: Dialog,
    transport: Transport,
    skill_id: str = request_builder.DEFAULT_SKILL_ID,
    locale: str | None = None,
) -> Mismatch | None:
    """Play the dialog (in ``locale`` if given, else its own); the first mismatch, or None."""
    device = VirtualDevice(transport, locale=locale or dialog.locale, skill_id=skill_id)
    for number, (said, expect) in enumerate(dialog.steps, start=1):
        exchange = device.say(said)
        problems = differences(exchange, expect)
        if problems:
            return Mismatch(number, said, tuple(problems), exchange)
    device.hang_up()
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
