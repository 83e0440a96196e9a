"""What the learner really did, for the exercises that judge it: a request they sent, or the history.

A build-something exercise does not ask for a fact; it looks at what happened. The learner hands
``cl.check()`` what their own code got back — a `requests.Response` from plain ``requests``, an
`Exchange` from ``conn.last_exchange``, or the `ApiError` they caught — and the checker reads the
request that was really sent (method, path, headers, JSON body) and how the server answered.
Exercises that build through the helper instead look in ``conn.history``. Either way the
evidence is redacted first, so feedback can quote it without showing a token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..errors import ApiError
from ..http import Exchange, to_exchange
from ..i18n import N_, _
from .answers import Unjudgeable, require_connection

GIVE_A_RESPONSE = N_("pass what your request returned: the response of requests.get/post/... "
                     "(or conn.last_exchange, or the error you caught).")


def exchange_of(answer: Any, expects: str = GIVE_A_RESPONSE) -> Exchange:
    """The (redacted) exchange behind an answer; Unjudgeable(expects) if it is not one."""
    if isinstance(answer, Exchange):
        return answer
    if isinstance(answer, ApiError) and answer.exchange is not None:
        return answer.exchange
    if hasattr(answer, "status_code") and hasattr(answer, "request") and hasattr(answer, "content"):
        return to_exchange(answer)  # a requests.Response (duck-typed: requests stays unimported)
    raise Unjudgeable(_(expects))


def path_of(exchange: Exchange) -> str:
    """The URL's path without a trailing slash: ``/compute/v2.1/<tenant>/servers``."""
    return urlsplit(exchange.url).path.rstrip("/")


def header(exchange: Exchange, name: str) -> str | None:
    """A request header, looked up case-blind (HTTP header names are)."""
    return next((value for key, value in exchange.request_headers.items()
                 if key.lower() == name.lower()), None)


def history(conn: Any, method: str, path_end: str) -> list[Exchange]:
    """The connection's exchanges with ``method`` whose path ends with ``path_end``, newest first."""
    conn = require_connection(conn)
    return [e for e in reversed(conn.history)
            if e.method == method and path_of(e).endswith(path_end.rstrip("/"))]
