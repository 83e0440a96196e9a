"""Scrubbing: secrets in recorded exchanges become stable placeholders before anything is written.

Tokens, passwords, ``adminPass``, user and tenant ids and names and key material become
placeholders such as ``TOKEN_1`` or ``TENANT_ID_1`` (the same secret always gets the same
placeholder, in URLs, headers and bodies, so the cassette still replays consistently); the
simulator's ``http://127.0.0.1:<port>`` becomes ``http://127.0.0.1:8765`` whatever port it had;
token expiry moves to the year 9999 so replay never needs a new token.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from typing import Any, Mapping

from ..http import NOISE_HEADERS
from ..redact import SECRET_HEADERS
from .bodies import as_text, header_text, parse_json

# Where the simulator seems to listen in every cassette: its default port, so replayed outputs
# show the same URLs a learner sees with `make lab`. Replay never connects, so the port may be busy.
CANONICAL_BASE = "http://127.0.0.1:8765"
LOOPBACK_BASE = re.compile(r"http://(?:127\.0\.0\.1|localhost):\d+")

# Keystone writes expires_at with microseconds (v3) and expires without (v2.0).
FAR_FUTURE = {"expires_at": "9999-12-31T23:59:59.000000Z", "expires": "9999-12-31T23:59:59Z"}

# Every placeholder looks like this, so the audit (audit.py) can tell a scrubbed value from a secret.
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_]*_\d+\b")


# JSON keys whose string values are secrets (or identify the account) wherever they appear.
FIELD_KINDS = {
    "password": "PASSWORD", "adminpass": "ADMIN_PASS", "admin_pass": "ADMIN_PASS",
    "private_key": "PRIVATE_KEY", "public_key": "PUBLIC_KEY", "secret": "SECRET",
    "user_id": "USER_ID", "username": "USER_NAME", "user_name": "USER_NAME",
    "project_id": "TENANT_ID", "tenant_id": "TENANT_ID", "tenantid": "TENANT_ID",
    "project_name": "TENANT_NAME", "tenant_name": "TENANT_NAME", "tenantname": "TENANT_NAME",
}
# Keys that are secrets only inside a particular object: {"user": {"id", "name"}}, {"token": {"id"}}.
NESTED_KINDS = {
    ("user", "id"): "USER_ID", ("user", "name"): "USER_NAME",
    ("project", "id"): "TENANT_ID", ("project", "name"): "TENANT_NAME",
    ("tenant", "id"): "TENANT_ID", ("tenant", "name"): "TENANT_NAME",
    ("token", "id"): "TOKEN",
}
# NOISE_HEADERS (http.py) are left out of cassettes too, so that recording twice gives the same
# file; Content-Length is recomputed on load (a HEAD's is kept). SECRET_HEADERS (redact.py) carry
# tokens.
# Secrets recognised by shape, wherever they are (a safety net for places no rule foresaw).
SHAPES = [
    ("TOKEN", re.compile(r"gAAAAA[A-Za-z0-9_\-]{20,}=*")),  # Keystone Fernet tokens
    ("PRIVATE_KEY", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----",
                               re.DOTALL)),
]
# Variables of the recording process whose values must never reach a cassette.
SECRET_VARIABLES = {"OS_PASSWORD": "PASSWORD", "OS_TOKEN": "TOKEN",
                    "OS_APPLICATION_CREDENTIAL_SECRET": "SECRET", "OS_CLIENT_SECRET": "SECRET"}
MIN_SECRET_LENGTH = 4  # shorter values are replaced where their key says so, not everywhere


class Scrubber:
    """Learns the secrets in a set of exchanges, then replaces them by stable placeholders.

    Two passes, because a value may first appear before the response that says it is secret
    (a tenant id in a URL, say): `learn` every exchange, then scrub each one. Placeholders are
    numbered per kind in order of first appearance, so the same recording always gives the same
    file.
    """

    def __init__(self) -> None:
        self.placeholders: dict[str, str] = {}  # secret value -> placeholder
        self._counts: dict[str, int] = {}
        self._pattern: re.Pattern | None = None

    # -- learning --------------------------------------------------------------------------------
    def add(self, value: Any, kind: str) -> None:
        if not isinstance(value, str) or not value or value in self.placeholders:
            return
        if PLACEHOLDER.fullmatch(value) or value in FAR_FUTURE.values():
            return  # already scrubbed
        self._counts[kind] = self._counts.get(kind, 0) + 1
        self.placeholders[value] = f"{kind}_{self._counts[kind]}"
        self._pattern = None

    def learn_text(self, text: str) -> None:
        for kind, shape in SHAPES:
            for match in shape.finditer(text):
                self.add(match.group(0), kind)

    def learn_json(self, value: Any, parent: str = "") -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                kind = _kind(key, parent)
                if kind and isinstance(item, str):
                    self.add(item, kind)
                else:
                    self.learn_json(item, parent=key.lower())
        elif isinstance(value, list):
            for item in value:
                self.learn_json(item, parent)
        elif isinstance(value, str):
            self.learn_text(value)

    def learn_body(self, body: Any) -> None:
        parsed = parse_json(body)
        if parsed is not None:
            self.learn_json(parsed)
        elif isinstance(body, (str, bytes)):
            with contextlib.suppress(UnicodeDecodeError):  # binary: nothing readable to learn
                self.learn_text(as_text(body))

    def learn_headers(self, headers: Mapping[str, Any]) -> None:
        for name, value in headers.items():
            for item in value if isinstance(value, list) else [value]:
                if name.lower() in SECRET_HEADERS:
                    self.add(header_text(item), "TOKEN")
                else:
                    self.learn_text(header_text(item))

    def learn_environment(self, environ: Mapping[str, str]) -> None:
        for variable, kind in SECRET_VARIABLES.items():
            self.add(environ.get(variable), kind)

    # -- replacing -------------------------------------------------------------------------------
    def text(self, text: str) -> str:
        """Any string: the loopback base made canonical, every known secret replaced."""
        text = LOOPBACK_BASE.sub(CANONICAL_BASE, text)
        for kind, shape in SHAPES:  # unknown ones too, should a value slip past learning
            text = shape.sub(lambda m, kind=kind: self.placeholders.get(m.group(0), kind + "_0"), text)
        pattern = self._secret_pattern()
        return pattern.sub(lambda m: self.placeholders[m.group(0)], text) if pattern else text

    def _secret_pattern(self) -> re.Pattern | None:
        if self._pattern is None:
            # Whole values only (not inside a longer word), longest first: a user named "admin"
            # must not turn "adminPass" into "USER_NAME_1Pass".
            values = sorted((v for v in self.placeholders if len(v) >= MIN_SECRET_LENGTH),
                            key=len, reverse=True)
            if values:
                self._pattern = re.compile(r"(?<![A-Za-z0-9])(?:"
                                           + "|".join(map(re.escape, values)) + r")(?![A-Za-z0-9])")
        return self._pattern

    def json(self, value: Any, parent: str = "") -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                kind = _kind(key, parent)
                if kind and isinstance(item, str) and item:
                    out[self.text(key)] = self.placeholders.get(item) or self.text(item)
                elif parent == "token" and key in FAR_FUTURE and isinstance(item, str):
                    out[key] = FAR_FUTURE[key]  # replay must never think the token expired
                else:
                    out[self.text(key)] = self.json(item, parent=key.lower())
            return out
        if isinstance(value, list):
            return [self.json(item, parent) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def body(self, body: Any) -> Any:
        """A request or response body, scrubbed; JSON comes back as compact JSON text."""
        parsed = parse_json(body)
        if parsed is not None:
            return json.dumps(self.json(parsed), ensure_ascii=False)
        if isinstance(body, (str, bytes)):
            try:
                return self.text(as_text(body))
            except UnicodeDecodeError:
                return body  # binary (an image upload, say): nothing we could read, left alone
        return body

    def header(self, name: str, value: str) -> str:
        if name.lower() in SECRET_HEADERS:
            return self.placeholders.get(value) or "TOKEN_0"
        return self.text(value)


def _kind(key: str, parent: str) -> str | None:
    lowered = key.lower()
    return FIELD_KINDS.get(lowered) or NESTED_KINDS.get((parent, lowered))


def request_body(request: Any) -> Any:
    """A vcrpy request's body as text or bytes. A body sent as a file or an iterator (uploads
    such as ``openstack object create``) comes back from vcrpy as a fresh BytesIO or iterator on
    every read; its bytes are what is scrubbed and saved."""
    body = request.body
    if hasattr(body, "getvalue"):
        return body.getvalue()
    if hasattr(body, "__next__"):
        chunks = list(body)
        if all(isinstance(chunk, int) for chunk in chunks):  # iterating bytes gives ints
            return bytes(chunks)
        return b"".join(chunk.encode() if isinstance(chunk, str) else bytes(chunk) for chunk in chunks)
    return body


def learn_interactions(scrubber: Scrubber, interactions: list[tuple[Any, dict]]) -> None:
    """Teach ``scrubber`` the secrets of vcrpy (request, response) pairs, in order."""
    for request, response in interactions:
        scrubber.learn_body(request_body(request))
        scrubber.learn_headers(dict(request.headers))
        scrubber.learn_headers(response.get("headers") or {})
        scrubber.learn_body((response.get("body") or {}).get("string"))
    scrubber.learn_environment(os.environ)


def scrub_interaction(request: Any, response: dict, scrubber: Scrubber) -> tuple[Any, dict]:
    """A vcrpy (request, response) pair with secrets replaced and noise headers left out."""
    request.uri = scrubber.text(request.uri)
    request.headers = {name: scrubber.header(name, header_text(value))
                       for name, value in request.headers.items()
                       if name.lower() not in NOISE_HEADERS}
    request.body = scrubber.body(request_body(request))
    # Saved as the bytes they are: else vcrpy would wrap them in a BytesIO or an iterator again,
    # which its YAML writer cannot save (vcrpy keeps these flags private; there is no public way).
    request._was_file = request._was_iter = False
    # A HEAD's Content-Length is the size of what a GET would send (an object's), not of its
    # empty body, so it is kept; every other one is recomputed from the body on load.
    noise = NOISE_HEADERS - {"content-length"} if request.method == "HEAD" else NOISE_HEADERS
    response["headers"] = {name: [scrubber.header(name, header_text(v)) for v in values]
                           for name, values in (response.get("headers") or {}).items()
                           if name.lower() not in noise}
    body = response.setdefault("body", {})
    body["string"] = scrubber.body(body.get("string"))
    return request, response
