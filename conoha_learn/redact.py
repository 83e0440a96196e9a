"""Keep secrets out of everything we print: transcripts, curl commands, reprs and errors.

Two rules, applied together:

* by name: header values such as ``X-Auth-Token`` and JSON fields such as ``password``,
  ``adminPass`` or ``private_key`` (at any depth) are replaced;
* by value: secrets the library knows (your password, the current token) are replaced wherever
  they appear, even in a field we did not foresee.

Placeholders are shell variables (``$OS_TOKEN``, ``$OS_PASSWORD``), so a redacted request reads
naturally and `Exchange.as_curl()` can hand it to a shell that has those variables set.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, quote_plus

TOKEN = "$OS_TOKEN"
PASSWORD = "$OS_PASSWORD"
ADMIN_PASS = "$ADMIN_PASS"
HIDDEN = "***"

# Shell variables that may appear in a redacted body (as_curl splices them into the command).
SHELL_VARIABLES = (TOKEN, PASSWORD, ADMIN_PASS)

SECRET_HEADERS = {"x-auth-token": TOKEN, "x-subject-token": TOKEN, "authorization": HIDDEN}

# JSON keys whose values are secrets wherever they appear. Lower-case for matching.
SECRET_KEYS = {
    "password": PASSWORD,        # Keystone v3 and v2.0 auth bodies
    "adminpass": ADMIN_PASS,     # Nova server create / changePassword, and its response
    "admin_pass": ADMIN_PASS,
    "private_key": HIDDEN,       # Nova keypair create response: shown once, never logged
    "secret": HIDDEN,            # Keystone EC2 credentials
}


def is_secret_key(key: str) -> bool:
    return key.lower() in SECRET_KEYS


class Redactor:
    """Replaces secrets by placeholders. One per connection: it learns the token as it changes."""

    MIN_SECRET_LENGTH = 4  # shorter "secrets" would blank out ordinary words

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def add(self, value: str | None, placeholder: str) -> None:
        """Remember a secret value (e.g. a new token) so it is replaced wherever it appears,
        also in its URL-encoded and JSON-escaped spellings."""
        if value and len(value) >= self.MIN_SECRET_LENGTH:
            for spelling in (value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]):
                self._known[spelling] = placeholder

    def text(self, value: str) -> str:
        # Longest first, so a secret containing another is replaced whole.
        for secret in sorted(self._known, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, self._known[secret])
        return value

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {name: SECRET_HEADERS.get(name.lower()) or self.text(str(value))
                for name, value in headers.items()}

    def data(self, value: Any, *, parent: str = "", mask: str | None = None) -> Any:
        """A redacted deep copy of parsed JSON. ``mask`` replaces every secret with one text
        instead of the shell-variable placeholders."""
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if is_secret_key(key) and isinstance(item, str):  # {"password": {...}} is a method
                    out[key] = mask or SECRET_KEYS[key.lower()]
                elif key == "id" and parent == "token" and isinstance(item, str):
                    out[key] = mask or TOKEN  # v2.0 access.token.id, v3 identity.token.id
                else:
                    out[key] = self.data(item, parent=key, mask=mask)
            return out
        if isinstance(value, list):
            return [self.data(item, parent=parent, mask=mask) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def body(self, raw: bytes | str | None) -> Any:
        """A request or response body: parsed and redacted JSON, or redacted text, or None."""
        if raw is None or raw in (b"", ""):
            return None
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        try:
            return self.data(json.loads(text))
        except ValueError:
            return self.text(text)


def redacted(value: Any) -> Any:
    """Secret fields of a dict (at any depth) replaced by "***"; for reprs."""
    return Redactor().data(value, mask=HIDDEN)


class SafeDict(dict):
    """A dict whose repr hides secret fields (adminPass, private_key, ...).

    The values are still there for your code (``server["adminPass"]``); only printing hides them,
    so the notebook never stores them as output.
    """

    def __repr__(self) -> str:
        return repr(redacted(dict(self)))

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        import pprint
        p.text(pprint.pformat(redacted(dict(self)), sort_dicts=False))
