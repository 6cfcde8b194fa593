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

A step ``name_free: why do my legs cramp`` (instead of ``say``) is said
without the skill's name (``skill.simulator.name_free``); its ``expect`` may
add ``can_fulfill: YES`` (or NO, MAYBE), the verdict, and the other
expectations apply to the answer that follows a YES.

The JSON file that ``ask dialog`` records (``.record`` in the ASK CLI) plays
too: ``{"skillId": ..., "locale": ..., "type": "text", "userInput": [...]}``,
each input a step without expectations, up to ``.quit``.

Replay stops at the first step that differs and says how.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from skill.simulator import name_free, request_builder
from skill.simulator.device import VirtualDevice
from skill.simulator.name_free import Turn
from skill.simulator.session import Transport

EXPECTATIONS = ("intent", "speech_contains", "speech_excludes", "session", "card_title", "can_fulfill")
VERDICTS = ("YES", "NO", "MAYBE")


class DialogError(ValueError):
    """The dialog file itself is wrong; the message names the file and step."""


@dataclass(frozen=True)
class Mismatch:
    step: int
    said: str
    problems: tuple[str, ...]
    exchange: Turn

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
    recorded: bool = False  # an ``ask dialog`` recording: no expectations, each turn worth showing


def load_dialog(path: Path) -> Dialog:
    if path.suffix.lower() == ".json":
        return load_ask_recording(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DialogError(f"{path}: cannot read dialog: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise DialogError(f"{path}: a dialog needs a non-empty list 'steps'")
    steps = []
    for number, step in enumerate(data["steps"], start=1):
        said = _said(step)
        if said is None:
            raise DialogError(f"{path}: step {number}: needs 'say' (or 'name_free') with what the user says")
        expect = step.get("expect") or {}
        unknown = set(expect) - set(EXPECTATIONS) if isinstance(expect, dict) else {"(not a mapping)"}
        if unknown:
            raise DialogError(f"{path}: step {number}: unknown expectation {sorted(unknown)}; use {list(EXPECTATIONS)}")
        if expect.get("session") not in (None, "open", "ended"):
            raise DialogError(f"{path}: step {number}: session must be 'open' or 'ended'")
        if "can_fulfill" in expect and not said.lower().startswith(name_free.PREFIX):
            raise DialogError(f"{path}: step {number}: can_fulfill goes with a name_free step")
        if isinstance(expect.get("can_fulfill"), bool):  # YAML reads an unquoted YES or NO as a boolean
            expect = {**expect, "can_fulfill": "YES" if expect["can_fulfill"] else "NO"}
        if expect.get("can_fulfill", "YES") not in VERDICTS:
            raise DialogError(f"{path}: step {number}: can_fulfill must be one of {', '.join(VERDICTS)}")
        steps.append((said, expect))
    locale = data.get("locale", request_builder.DEFAULT_LOCALE)
    return Dialog(str(data.get("name", path.stem)), locale, tuple(steps))


def _said(step: Any) -> str | None:
    """What a step says: ``say``, or ``name_free`` as ``chat`` writes it (``name-free: ...``)."""
    if not isinstance(step, dict) or ("say" in step) == ("name_free" in step):
        return None
    if isinstance(step.get("name_free"), str):
        return f"{name_free.PREFIX} {step['name_free']}"
    return step["say"] if isinstance(step.get("say"), str) else None


def load_ask_recording(path: Path) -> Dialog:
    """A replay file of ``ask dialog``: its inputs up to ``.quit``, in its locale."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DialogError(f"{path}: cannot read the ask dialog replay file: {error}") from None
    inputs = data.get("userInput") if isinstance(data, dict) else None
    if not isinstance(inputs, list) or not all(isinstance(line, str) for line in inputs):
        raise DialogError(f"{path}: an ask dialog replay file needs 'userInput', a list of what the user says")
    if data.get("type", "text") != "text":
        raise DialogError(f"{path}: only replay files of type 'text' can be played, not {data.get('type')!r}")
    locale = data.get("locale", request_builder.DEFAULT_LOCALE)
    if not isinstance(locale, str):
        raise DialogError(f"{path}: 'locale' must be a string such as 'en-US'")
    steps: list[tuple[str, dict[str, Any]]] = []
    for number, line in enumerate(inputs, start=1):
        line = line.strip()
        if line == ".quit":
            break
        if line.startswith(".record"):  # saves the inputs so far: nothing to say to the skill
            continue
        if line.startswith("."):
            raise DialogError(f"{path}: input {number}: {line.split()[0]!r} is not a command replay knows (.quit)")
        if line:
            steps.append((line, {}))
    if not steps:
        raise DialogError(f"{path}: nothing to say before .quit")
    return Dialog(path.stem, locale, tuple(steps), recorded=True)


def differences(exchange: Turn, expect: dict[str, Any]) -> list[str]:
    """Each way the exchange differs from what was expected, readably."""
    problems = []
    if "can_fulfill" in expect:
        verdict = getattr(exchange, "can_fulfill", None)
        if verdict != expect["can_fulfill"]:
            problems.append(f"expected the skill to answer can_fulfill {expect['can_fulfill']}, got {verdict}")
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
    on_turn: Callable[[str, Turn], None] | None = None,
) -> Mismatch | None:
    """Play the dialog (in ``locale`` if given, else its own); the first mismatch, or None.

    ``on_turn`` sees each step's words and what came of them, as they happen.
    """
    device = VirtualDevice(transport, locale=locale or dialog.locale, skill_id=skill_id)
    for number, (said, expect) in enumerate(dialog.steps, start=1):
        try:
            exchange = name_free.say(device, said)
        except name_free.NamesTheSkill as error:
            raise DialogError(f"{dialog.name}: step {number}: {error}") from None
        if on_turn is not None:
            on_turn(said, exchange)
        problems = differences(exchange, expect)
        if problems:
            return Mismatch(number, said, tuple(problems), exchange)
    device.hang_up()
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
