"""Checking the fields of a Nova or Cinder request body.

Both services validate bodies with JSON Schema and word the failure the same way:
``Invalid input for field/attribute <field>. Value: <value>. <reason>``. These helpers keep that
wording, and add what the learner should send instead. Every field a handler reads goes through
one of them, so a wrong type can never reach code that assumes the right one (and answer 500).
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ApiError

METADATA_MAX_ITEMS = 128  # Nova's default metadata_items quota; Cinder has no lower limit


def shown(value: Any, limit: int = 60) -> str:
    """A value as JSON, cut short: error messages must stay readable whatever was sent."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def clip(text: str, limit: int = 80) -> str:
    """An id or name from the request, cut short, for an error message."""
    return text if len(text) <= limit else text[:limit] + "..."


def invalid(field: str, value: Any, reason: str) -> ApiError:
    return ApiError(400, f"Invalid input for field/attribute {field}. Value: {shown(value)}. {reason}")


def text(body: dict, key: str, *, required: bool = False, max_len: int = 255,
         min_len: int = 0, field: str | None = None) -> str | None:
    """A string field of at most ``max_len`` characters (None when absent or null and optional)."""
    field = field or key
    value = body.get(key)
    if value is None:
        if required:
            raise ApiError(400, f"Invalid input: '{field}' is a required property.")
        return None
    if not isinstance(value, str):
        raise invalid(field, value, "It must be a string.")
    if not min_len <= len(value) <= max_len:
        raise invalid(field, value, f"It must be {min_len} to {max_len} characters long "
                                    f"(this one has {len(value)}).")
    return value


def flag(body: dict, key: str, default: bool, *, field: str | None = None) -> bool:
    """A boolean field. Like Nova's parameter_types.boolean, "true"/"false" strings are accepted."""
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid(field or key, value, "It must be true or false.")


def whole_number(body: dict, key: str, *, field: str | None = None) -> int | None:
    """An integer field; a string of digits ("100") counts too, as in Nova and Cinder."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit() and len(value) <= 9:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise invalid(field or key, value, "It must be a whole number.")


def metadata(value: Any, field: str = "metadata") -> dict[str, str]:
    """Key/value metadata: strings only, keys 1-255 and values 0-255 characters. None is empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(field, value, 'It must be an object of strings, like {"role": "web"}.')
    if len(value) > METADATA_MAX_ITEMS:
        raise ApiError(403, f"Maximum number of metadata items exceeds {METADATA_MAX_ITEMS}")
    for key, item in value.items():
        if not 1 <= len(key) <= 255:
            raise invalid(field, key, "Metadata keys must be 1 to 255 characters long.")
        if not isinstance(item, str) or len(item) > 255:
            raise invalid(f"{field}/{shown(key, 30)}", item,
                          "Metadata values must be strings of at most 255 characters.")
    return dict(value)


def object_list(body: dict, key: str, *, max_items: int = 32) -> list[dict]:
    """A list whose items are all objects (``security_groups``, ``block_device_mapping_v2``)."""
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid(key, value, "It must be a list of objects.")
    if len(value) > max_items:
        raise invalid(key, value, f"At most {max_items} items are accepted.")
    return value
