"""Which screen an answer gets, and its data: the documents hold layout only.

The documents (``documents/*.json``) are read on first use, so a device
without a screen never pays for them; every word they show comes from the
content, through the one data source, ``screen``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from skill.answers import ANSWER_PREFIX, Answer
from skill.content import Content

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"
WELCOME, CAUSES, DETAIL = "welcome", "causes", "detail"
SCREENS = (WELCOME, CAUSES, DETAIL)
# The first argument of the SendEvent a touched cause sends; the second is its id.
CAUSE_EVENT = "cause"
DATA_SOURCE = "screen"


@dataclass(frozen=True)
class Screen:
    """One screen to send: the document's name (also the directive's token) and its data."""

    name: str
    data: dict[str, Any]

    @property
    def datasources(self) -> dict[str, Any]:
        return {DATA_SOURCE: self.data}


def screen_for(content: Content, answer: Answer) -> Screen | None:
    """The screen for a content answer; None for a prompt, a goodbye or an apology.

    Content answers are the ones with a card, and the welcome, which has none
    and is known by its words.
    """
    if answer.card_title is None:
        return _welcome(content, answer)
    if answer.subject == f"{ANSWER_PREFIX}causes":
        return causes_screen(content)
    # Answers about the article carry a subject; the emergency advice is the skill's own.
    source = content.screens["source"] if answer.subject is not None else ""
    return Screen(DETAIL, _shown({"title": answer.card_title, "text": answer.text, "source": source}))


def _welcome(content: Content, answer: Answer) -> Screen | None:
    """The welcome has no card: it is known by its words."""
    if answer.text not in content.variants("welcome"):
        return None
    welcome = {"title": content.skill_name, "text": answer.text, "source": content.screens["source"]}
    return Screen(WELCOME, _shown(welcome))


def causes_screen(content: Content) -> Screen:
    entry = content.answers["causes"]
    items = [{"id": cause.id, "title": cause.title, "summary": cause.summary} for cause in content.causes]
    data = {
        "title": entry.title,
        "text": entry.text,
        "items": [_shown(item) for item in items],
        # The screen shows the advice in its first wording; speech rotates them.
        "note": content.text("seek_care"),
        "hint": content.screens["touch_hint"],
    }
    return Screen(CAUSES, _shown(data))


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    """Text for an APL Text component, which reads & and < as markup."""
    return {key: _escaped(value) if isinstance(value, str) else value for key, value in data.items()}


def _escaped(text: str) -> str:
    # By hand: the html module's import (its entity table) would cost every cold start about 1.5 ms.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def document(name: str) -> dict[str, Any]:
    """The APL document ``name``, with the viewport resources every screen shares.

    Cached and shared between responses: nothing may change it (the SDK's
    serializer copies it into each response).
    """
    return _document(name)


@lru_cache(maxsize=len(SCREENS))
def _document(name: str) -> dict[str, Any]:
    if name not in SCREENS:
        raise KeyError(f"no screen named {name!r}")
    loaded: dict[str, Any] = _read(f"{name}.json")
    return {**loaded, "resources": _read("viewports.json")["resources"]}


def document_problems(directory: Path = DOCUMENTS_DIR) -> list[str]:
    """What would stop a screen from being sent: a document that is not JSON, not
    APL, or not reading the data source ``screen``. One line each; [] if none."""
    problems = []
    for name in (*SCREENS, "viewports"):
        path = directory / f"{name}.json"
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            problems.append(f"{path}: cannot read the screen: {error}")
            continue
        if name == "viewports":
            if not isinstance(loaded, dict) or not isinstance(loaded.get("resources"), list):
                problems.append(f"{path}: resources: expected a list of resource blocks")
        elif not isinstance(loaded, dict) or loaded.get("type") != "APL":
            problems.append(f"{path}: type: expected an APL document")
        elif loaded.get("mainTemplate", {}).get("parameters") != [DATA_SOURCE]:
            problems.append(f"{path}: mainTemplate.parameters: expected [{DATA_SOURCE!r}]")
    return problems


def _read(filename: str) -> Any:
    return json.loads((DOCUMENTS_DIR / filename).read_text(encoding="utf-8"))
