"""What a handler works with: the request as a `Call`, the `Reply` it returns, the `Route` that
names it, and Nova/Cinder-style paging. Every service module builds on these; nothing here knows
any service.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from .errors import MALFORMED_BODY, ApiError

if TYPE_CHECKING:
    from .state import SimState


@dataclass
class Reply:
    """What a handler returns: a status, a JSON-able body (or None, or bytes sent as they are)
    and extra headers."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Route:
    method: str
    path: str  # Werkzeug rule, e.g. "/compute/v2.1/servers/<server_id>"
    handler: Callable[[Call], Reply]
    auth: bool = True  # version documents and token requests need no token
    stream: bool = False  # the handler reads the body itself, with its own cap (object uploads)


@dataclass
class Call:
    """One request, as a handler sees it."""

    request: Request
    sim: SimState
    service: str
    args: dict[str, str]
    token: dict | None = None
    version: tuple[int, int] | None = None  # compute's microversion, once worked out (versions.py)

    @property
    def project_id(self) -> str:
        assert self.token is not None
        return self.token["project_id"]

    @property
    def base_url(self) -> str:
        return self.sim.base_url

    def body(self, root: str | None = None) -> dict:
        """The JSON body; with ``root``, the object under that key (``{"server": {...}}``)."""
        raw = self.request.get_data(cache=True)
        data = parse_json(raw) if raw else None
        if not isinstance(data, dict):
            raise ApiError(400, f"{MALFORMED_BODY}: expected a JSON object")
        if root is None:
            return data
        inner = data.get(root)
        if not isinstance(inner, dict):
            raise ApiError(400, f"Invalid input: the body must be an object with a '{root}' object "
                                f"inside, like {{\"{root}\": {{...}}}}")
        return inner

    def query_int(self, name: str, *, minimum: int = 0) -> int | None:
        value = self.request.args.get(name)
        if value is None:
            return None
        if not re.fullmatch(r"\d{1,9}", value) or int(value) < minimum:
            raise ApiError(400, f"Invalid value '{value}' for '{name}': "
                                f"it must be a whole number of at least {minimum}")
        return int(value)


def encode_json(body: Any) -> bytes:
    """A JSON body as the simulator sends it: compact, UTF-8, non-ASCII as is (as OpenStack's)."""
    return json.dumps(body, indent=None, ensure_ascii=False).encode()


def parse_json(raw: bytes) -> Any:
    """A request body as JSON, or a 400 for anything that cannot be stored and sent back."""
    try:
        data = json.loads(raw)
        # "\ud800" is valid JSON but decodes to half a character, which UTF-8 cannot encode:
        # stored, it would break every later answer that shows it. Refuse it here, once.
        encode_json(data)
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested thousands deep
        raise ApiError(400, MALFORMED_BODY) from None
    return data


def paginate(call: Call, items: list[dict], collection: str, link_path: str) -> tuple[list[dict], list]:
    """Nova/Cinder-style ``limit``/``marker`` paging.

    Returns the page and its ``<collection>_links`` list (a ``next`` link when more remain).
    An unknown marker is a 400, as in Nova.
    """
    limit = call.query_int("limit", minimum=0)
    marker = call.request.args.get("marker")
    start = 0
    if marker is not None:
        ids = [item["id"] for item in items]
        if marker not in ids:
            raise ApiError(400, f"marker [{marker}] not found")
        start = ids.index(marker) + 1
    page = items[start:] if limit is None else items[start:start + limit]
    links = []
    if limit is not None and start + limit < len(items) and page:
        query = f"limit={limit}&marker={page[-1]['id']}"
        links.append({"rel": "next", "href": f"{call.base_url}{link_path}?{query}"})
    return page, links
