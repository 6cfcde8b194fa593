"""Reading the project's JSON files and naming what is wrong in them.

Both checks, of the content (``skill.content.validation``) and of the skill
package (``skill.model.validation``), read their files with ``read_json`` and
report with ``Problem``, printed ``file: field: message`` where the field is a
dotted name such as ``causes[2].summary`` (``field_name``). Standard library
only, so anything may import it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file; ``field`` is a dotted name, or empty for the whole file."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


class UnreadableJson(ValueError):
    """A JSON file that is missing or does not parse; ``problem`` says which."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_json(path: Path, shown: str) -> Any:
    """The JSON in ``path``; ``UnreadableJson`` names the file as ``shown`` if it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnreadableJson(Problem(shown, "", "file is missing")) from None
    except json.JSONDecodeError as error:
        message = f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        raise UnreadableJson(Problem(shown, "", message)) from None


def field_name(path: Iterable[Any]) -> str:
    """["causes", 2, "summary"] -> "causes[2].summary"."""
    name = ""
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else (f".{step}" if name else str(step))
    return name
