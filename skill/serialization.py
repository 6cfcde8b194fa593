"""ask-sdk-core's serializer, reading and writing the same objects faster.

The SDK's ``DefaultSerializer`` works out each model class's fields again
for every object it reads or writes: it imports each class by name, rebuilds
the class's attribute map and scans it once per key. For a request envelope
and its response that was about 120 µs of a web worker's 300 µs per request.
``EnvelopeSerializer`` follows the same rules, but works out each type once
and keeps what it found, and it reads parsed JSON as it is (``read``), so
``handle_envelope`` no longer writes the envelope out only for the SDK to
parse it again. Alexa's ISO 8601 timestamps are read by the standard
library (the SDK imports python-dateutil's general parser for each).

tests/test_serialization.py holds it to the SDK's own results, object for
object, on every kind of request the skill can get and on random ones.
"""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

Reader = Callable[[Any], Any]
# A model class's fields: (attribute, JSON key, declared type), and the keys.
Fields = tuple[tuple[tuple[str, str, Any], ...], frozenset[str]]


class EnvelopeSerializer(DefaultSerializer):
    """``DefaultSerializer`` with each type's reading and writing worked out once."""

    def __init__(self) -> None:
        self._readers: dict[Any, Reader] = {}
        self._classes: dict[str, Any] = {}
        self._written: dict[type, tuple[tuple[str, str], ...]] = {}
        self._fields: dict[type, Fields] = {}

    # Reading ------------------------------------------------------------------

    def deserialize(self, payload: str | None, obj_type: Any) -> Any:
        """JSON text to an instance of ``obj_type``, as the SDK's ``deserialize``."""
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception:
            raise SerializationException(f"Couldn't parse response body: {payload}") from None
        return self.read(data, obj_type)

    def read(self, data: Any, obj_type: Any) -> Any:
        """Parsed JSON to an instance of ``obj_type`` (a class, or the SDK's type names such as
        ``list[...]``). The model objects may share containers with ``data``, as the SDK's do with
        the dict it parses."""
        if data is None:
            return None
        reader = self._readers.get(obj_type)
        if reader is None:
            reader = self._readers[obj_type] = self._reader_for(obj_type)
        return reader(data)

    def _reader_for(self, obj_type: Any) -> Reader:
        if isinstance(obj_type, str):
            if obj_type.startswith("list["):
                return self._list_reader(obj_type)
            if obj_type.startswith("dict("):
                return self._dict_reader(obj_type)
            native = self.NATIVE_TYPES_MAPPING.get(obj_type)
            obj_type = native if native is not None else self.read_class(obj_type)
        if obj_type in self.PRIMITIVE_TYPES:
            return lambda data: self._DefaultSerializer__deserialize_primitive(data, obj_type)  # type: ignore[attr-defined]
        if obj_type is object:
            return lambda data: data
        if obj_type is date or obj_type is datetime:
            return lambda data: self._DefaultSerializer__deserialize_datetime(data, obj_type)
        return lambda data: self._read_model(data, obj_type)

    def _list_reader(self, obj_type: str) -> Reader:
        match = re.match(r"list\[(.*)\]", obj_type)
        if match is None:
            return lambda data: []
        item_type = match.group(1)
        if "," in item_type:  # a list of mixed types: the SDK's own code, which nothing here sends
            return lambda data: self._DefaultSerializer__deserialize(data, obj_type)  # type: ignore[attr-defined]
        item_type = item_type.strip()
        return lambda data: [self.read(item, item_type) for item in data]

    def _dict_reader(self, obj_type: str) -> Reader:
        match = re.match(r"dict\(([^,]*), (.*)\)", obj_type)
        if match is None:
            return lambda data: {}
        value_type = match.group(2)
        return lambda data: {key: self.read(value, value_type) for key, value in data.items()}

    def _class_named(self, name: str) -> Any:
        return self._DefaultSerializer__load_class_from_name(name)  # type: ignore[attr-defined]

    def _read_model(self, data: Any, obj_type: Any) -> Any:
        try:
            if issubclass(obj_type, Enum):
                return obj_type(data)
            if not hasattr(obj_type, "deserialized_types"):
                return data
            if hasattr(obj_type, "get_real_child_model"):  # one class of several, named in the data
                child = obj_type.get_real_child_model(data)
                if not child:
                    raise SerializationException(f"Couldn't resolve object by discriminator type for {obj_type} class")
                obj_type = self.read_class(child)
            fields, keys = self._fields_of(obj_type)
            model = obj_type()
            for attribute, key, declared in fields:
                if key in data:
                    setattr(model, attribute, self.read(data[key], declared))
            for key in data:
                if key not in keys:  # kept as sent, as the SDK keeps it
                    setattr(model, key, data[key])
            return model
        except RecursionError:
            raise  # absurd nesting: handle_envelope refuses it as such
        except Exception as error:
            raise SerializationException(str(error)) from None

    def read_class(self, name: str) -> Any:
        """The model class ``name`` names (a discriminator's value), imported once."""
        found = self._classes.get(name)
        if found is None:
            found = self._classes[name] = self._class_named(name)
        return found

    def _fields_of(self, cls: Any) -> Fields:
        found = self._fields.get(cls)
        if found is None:
            declared = cls.deserialized_types
            names = {**getattr(cls, "attribute_map", {})}
            names.update({attribute: attribute for attribute in declared if attribute not in names})
            found = self._fields[cls] = (
                tuple((attribute, key, declared[attribute]) for attribute, key in names.items()),
                frozenset(names.values()),
            )
        return found

    # The SDK calls this by its name-mangled private name.
    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        try:
            parsed = datetime.fromisoformat(payload)
        except (TypeError, ValueError):
            # The ignore is unavoidable: mypy does not mangle names, so it cannot see the SDK's private method.
            return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)  # type: ignore[misc]
        return parsed.date() if obj_type is date else parsed

    # Writing ------------------------------------------------------------------

    def serialize(self, obj: Any) -> Any:
        """A model object to JSON-ready data, as the SDK's ``serialize``."""
        if obj is None:
            return None
        if isinstance(obj, self.PRIMITIVE_TYPES):
            return obj
        if isinstance(obj, list):
            return [self.serialize(item) for item in obj]
        if isinstance(obj, tuple):
            return tuple(self.serialize(item) for item in obj)
        if isinstance(obj, datetime | date):
            return obj.isoformat()
        if isinstance(obj, Enum):
            return obj.value
        if isinstance(obj, decimal.Decimal):
            return int(obj) if obj % 1 == 0 else float(obj)
        if isinstance(obj, dict):
            return {key: self.serialize(value) for key, value in obj.items()}
        written = {}
        for attribute, key in self._written_fields(obj):
            value = getattr(obj, attribute)
            if value is not None:
                written[key] = self.serialize(value)
        return written

    def _written_fields(self, obj: Any) -> tuple[tuple[str, str], ...]:
        cls = type(obj)
        found = self._written.get(cls)
        if found is None:
            names = getattr(obj, "attribute_map", {})
            found = tuple((attribute, names.get(attribute, attribute)) for attribute in obj.deserialized_types)
            self._written[cls] = found
        return found
