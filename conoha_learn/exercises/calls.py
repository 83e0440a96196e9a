"""One GET the learner made themselves, judged by where it went: which service, which path, what answer.

The first build exercises (notebooks 00 and 01) ask for a single read through ``conn.get``. The
learner may pass what ``conn.get`` returned (the parsed body: the call that returned it is found in
the connection's history), ``conn.last_exchange``, the error they caught, or a plain ``requests``
response. The helper's own "no such service" error is judged too: it says the learner looked a
service up by a name instead of its type, before any request was sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ..catalog import aliases, rows
from ..errors import NotFoundLocally
from ..http import Exchange
from ..i18n import N_, _
from .answers import Unjudgeable, require_connection
from .evidence import exchange_of

GIVE_A_CALL = N_("pass what your call returned: what conn.get(...) gave back, conn.last_exchange, "
                 "or the error you caught.")
BY_TYPE = N_("that error came before any request was sent: conn.get looks a service up by its "
             "type (the type column of conn.catalog: {types}), not by the name of the OpenStack "
             "project behind it.")
NOT_A_GET = N_("that was a {method}; reading a list is a GET.")
NO_SERVICE = N_("that URL is not under any endpoint of your catalog: let conn.get build it from "
                "the service type and the path.")
ANSWERED = N_("the request went to the right place, but the answer was {status}: {message}")


def call_of(answer: Any, conn: Any, expects: str = GIVE_A_CALL) -> Exchange:
    """The exchange behind ``answer``; a parsed body (what conn.get/post returned) is traced back
    to the call that returned it. Unjudgeable(expects) for anything else."""
    if isinstance(answer, (dict, list)) and answer:
        for exchange in reversed(require_connection(conn).history):
            if exchange.response_body == answer:
                return exchange
        raise Unjudgeable(_(expects))
    return exchange_of(answer, expects)


def service_of(exchange: Exchange, conn: Any) -> tuple[str | None, str]:
    """(the catalog type whose endpoint the URL is under, the path below that endpoint)."""
    url = exchange.url.split("?", 1)[0].rstrip("/")
    best_type, best_url = None, ""
    for row in rows(require_connection(conn).token.catalog):
        endpoint = row["url"].rstrip("/")
        if (url == endpoint or url.startswith(endpoint + "/")) and len(endpoint) > len(best_url):
            best_type, best_url = row["type"], endpoint
    if best_type is None:
        return None, urlsplit(url).path
    return best_type, url[len(best_url):] or "/"


def judge_get(answer: Any, conn: Any, *, service_type: str, path: str,
              other_service: Callable[[str], str], near_paths: Mapping[str, str],
              other_path: str) -> str | None:
    """None when ``answer`` is a successful GET of ``path`` on ``service_type``'s endpoint, else
    what is off: the lookup, the method, the service (``other_service(type)`` says why not that
    one), the path (a known slip of ``near_paths``, or ``other_path``), then the answer itself."""
    if isinstance(answer, NotFoundLocally):
        catalog = require_connection(conn).token.catalog
        return _(BY_TYPE).format(types=", ".join(sorted({row["type"] for row in rows(catalog)})))
    exchange = call_of(answer, conn)
    conn = require_connection(conn)
    if exchange.method != "GET":
        return _(NOT_A_GET).format(method=exchange.method)
    sent_to, below = service_of(exchange, conn)
    if sent_to is None:
        return _(NO_SERVICE)
    if sent_to not in aliases(service_type):
        return other_service(sent_to)
    if below.rstrip("/") != path:
        slip = near_paths.get(below.rstrip("/"))
        return _(slip or other_path).format(path=below, status=exchange.status)
    if exchange.status != 200:
        body = exchange.response_body
        detail = next(iter(body.values()), {}) if isinstance(body, dict) else {}
        message = detail.get("message", exchange.reason) if isinstance(detail, dict) else ""
        return _(ANSWERED).format(status=exchange.status, message=message or exchange.reason)
    return None
