"""JSON Schema validators for the project's schema files, each read once.

``schema_validator`` (jsonschema) is the authority and names what is wrong.
``fast_check`` compiles a schema with fastjsonschema for the web service's hot
path, where jsonschema's ~0.5 ms per request envelope was a third of a
worker's time: it only says "valid", and anything else goes to jsonschema.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jsonschema


@lru_cache(maxsize=None)
def schema_validator(path: Path) -> jsonschema.Draft202012Validator:
    """A checked Draft 2020-12 validator for the schema at ``path``."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@lru_cache(maxsize=None)
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
