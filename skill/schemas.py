"""JSON Schema validators for the project's schema files, each read once."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema


@lru_cache(maxsize=None)
def schema_validator(path: Path) -> jsonschema.Draft202012Validator:
    """A checked Draft 2020-12 validator for the schema at ``path``."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)
