"""Recorded bodies and header values as text, and as JSON when they are JSON."""

from __future__ import annotations

import json
from typing import Any


def as_text(body: str | bytes) -> str:
    """A body as text (UTF-8); raises UnicodeDecodeError for binary data."""
    return body.decode("utf-8") if isinstance(body, bytes) else body


def header_text(value: Any) -> str:
    """A header value as text: http.client accepts header values as bytes too."""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def parse_json(body: Any) -> Any:
    """The parsed JSON of a body, or None when it is empty or not JSON."""
    if not isinstance(body, (str, bytes)) or not body:
        return None
    try:
        text = as_text(body)
    except UnicodeDecodeError:
        return None
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
