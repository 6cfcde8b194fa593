"""JSON Schema validators for the project's schema files, each read once.

``schema_validator`` (jsonschema) is the authority and names what is wrong.
``fast_check`` compiles a schema with fastjsonschema for the web service's hot
path, where jsonschema's ~0.5 ms per request envelope was a third of a
worker's time: it only says "valid", and anything else goes to jsonschema.
``field_name`` says where in an instance an error is, for people to read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema


@cache
def schema_validator(path: Path) -> jsonschema.Draft202012Validator:
    """A checked Draft 2020-12 validator for the schema at ``path``."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@cache
def fast_check(path: Path) -> Callable[[Any], bool]:
    """A compiled "is this certainly valid?" for the schema at ``path``."""
    import fastjsonschema

    validate = fastjsonschema.compile(json.loads(path.read_text(encoding="utf-8")))

    def is_valid(instance: Any) -> bool:
        try:
            validate(instance)
        except Exception:  # invalid, or beyond the compiled code: jsonschema decides
            return False
        return True

    return is_valid


def field_name(path: Iterable[Any]) -> str:
    """Dotted, with list indexes in brackets: ["causes", 2, "summary"] -> "causes[2].summary"."""
    name = ""
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else (f".{step}" if name else str(step))
    return name
