"""Exercises of notebook 08 (when things go wrong): fixing a 409, what to retry, idempotence."""

from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..i18n import N_, _
from . import exercise, register
from .answers import Unjudgeable, collection, require_connection
from .choice import Choice
from .evidence import exchange_of, path_of

RETRY_LATER = {429, 503}

# Why each other status is not cured by sending the same request again after a pause.
NOT_RETRIED = {
    400: N_("400 means the request itself is wrong: sent again, it fails again. Fix what its "
            "message names."),
    401: N_("401 is not cured by waiting: log in again once (the helper does), and if it stays 401 "
            "the credentials are wrong."),
    403: N_("403 is a policy or a limit: waiting does not lift it. Read its message; delete "
            "something or ask for more."),
    404: N_("404 stays 404: the id or the path is wrong, or the resource was deleted."),
    409: N_("409 depends on the resource's state: look at its status and send the request that "
            "fits it; the same request again only works once the state has changed."),
    413: N_("413 is a quota (or a body that is too big): the same request stays over the limit."),
    500: N_("500 is a failure on the server's side; it promises nothing about later. Report it "
            "with the request id."),
}

IDEMPOTENT = {"GET", "PUT", "DELETE"}
METHODS = {"GET", "POST", "PUT", "DELETE"}
MISSING_METHOD = {
    "GET": N_("GET only reads: sending it twice changes nothing."),
    "PUT": N_("PUT replaces the resource with the body you send: the second time it already is "
              "that, so nothing changes."),
    "DELETE": N_("DELETE twice ends the same way as once: the resource is gone (the second answer "
                 "is a 404, but the state is what you wanted)."),
}


def _statuses(answer: Any) -> set[int]:
    """A collection of status codes (ints or digit strings) as a set."""
    expects = N_("answer with the status codes as a set of numbers, such as {400, 404}.")
    codes = set()
    for item in collection(answer, expects):
        if isinstance(item, str) and item.isdigit():
            item = int(item)
        if not isinstance(item, int) or isinstance(item, bool):
            raise Unjudgeable(_(expects))
        codes.add(item)
    return codes


@exercise("08.retry-statuses",
          N_("Which two HTTP status codes mean 'not now': send the same request again after a "
             "pause (the two that conn retries on its own)?"),
          N_("One says you sent too many requests, the other that the service is down or "
             "overloaded. Both may come with a Retry-After header (section 6)."))
def retry_statuses(answer: Any, conn: Any) -> str | None:
    codes = _statuses(answer)
    if codes == RETRY_LATER:
        return None
    extra = codes - RETRY_LATER
    for code in sorted(extra):
        if code in NOT_RETRIED:
            return _(NOT_RETRIED[code])
    if extra:
        return _("{codes}: not among the statuses of section 2's map that mean 'try again "
                 "later'.").format(codes=", ".join(map(str, sorted(extra))))
    return _("one of them, yes; there are two (section 6 shows both).")


NOT_ABOUT_WAITING = N_("that identifies the request, for support; it says nothing about waiting.")
IN_NOVAS_BODY = N_("that is how Nova repeats it inside its error body (retryAfter); the header's "
                   "name is written with a hyphen.")

register("08.retry-after",
         N_("Which response header tells a client how long to wait before trying again?"),
         N_("Look at the headers of the 429 and 503 answers in section 6."),
         Choice(expects=N_("answer with the header's name as a string."),
                right=("retry-after",),
                clean=lambda name: name.rstrip(":"),
                near_misses=(
                    *((spelling, IN_NOVAS_BODY) for spelling in ("retryafter", "retry_after")),
                    ("x-conoha-learn-fault", N_("that one only marks the simulator's injected "
                                                "faults (a real cloud never sends it); it says "
                                                "nothing about waiting.")),
                    *((header, NOT_ABOUT_WAITING)
                      for header in ("x-openstack-request-id", "x-compute-request-id"))),
                otherwise=N_("not that one: look at the headers of the 503 answer printed in "
                             "section 6.")))


@exercise("08.idempotent",
          N_("Of GET, POST, PUT and DELETE, which methods can you safely send twice (twice has the "
             "same effect as once)?"),
          N_("Ask of each: if the first request was done and I send it again, what changes? "
             "Section 8 deletes a key pair twice and creates one twice."))
def idempotent(answer: Any, conn: Any) -> str | None:
    expects = N_('answer with a set of method names, such as {"GET"}.')
    if isinstance(answer, str):  # one name is a string, not a set: say so rather than iterate it
        raise Unjudgeable(_(expects))
    given = collection(answer, expects)
    if not all(isinstance(method, str) for method in given):
        raise Unjudgeable(_(expects))
    methods = {method.upper() for method in given}
    unknown = methods - METHODS
    if unknown:
        return _("{methods}: choose among GET, POST, PUT and DELETE.").format(
            methods=", ".join(sorted(unknown)))
    if "POST" in methods:
        return _("POST creates something new each time: sent twice, it can make two servers (and "
                 "two bills).")
    for method in ("GET", "DELETE", "PUT"):
        if method not in methods:
            return _(MISSING_METHOD[method])
    return None


SERVER_ACTIONS = ("os-start", "os-stop", "reboot")  # Nova's names for the power actions


def _stop_under_way(conn: Any, exchange: Any) -> bool:
    """Whether the server of ``exchange``'s URL is stopping or stopped now (read through the API).

    Nova's 409 cannot tell: while a stop is under way the server is still in vm_state active
    (task_state powering-off), so "start" is refused in the same words as on a running server.
    """
    server_path = path_of(exchange).removesuffix("/action")
    server_id = server_path.rsplit("/", 1)[-1]
    try:
        server = require_connection(conn).get("compute", f"/servers/{server_id}")["server"]
    except NotFound:
        return False
    return server.get("OS-EXT-STS:task_state") == "powering-off" or server["status"] == "SHUTOFF"


@exercise("08.fix-conflict",
          N_("Section 4's start got a 409: trouble-1 is running. Restart it cold with your own "
             "requests: stop it, and once it is stopped, start it. Pass the response of your "
             "start."),
          N_('A power action is POST /servers/{id}/action with a body such as {"os-stop": None}. '
             'conn.compute.wait(server, "SHUTOFF") waits until it is stopped.'),
          builds=True)
def fix_conflict(answer: Any, conn: Any) -> str | None:
    exchange = exchange_of(answer)
    if exchange.method != "POST" or not path_of(exchange).endswith("/action"):
        return _("a server action is POST /servers/{{id}}/action with the action in the body; "
                 "yours was {method} {path}.").format(method=exchange.method,
                                                     path=path_of(exchange))
    body = exchange.request_body
    if not isinstance(body, dict) or len(body) != 1:
        return _('the body names exactly one action, like {"os-start": None}.')
    (action,) = body
    if action not in SERVER_ACTIONS:
        return _("Nova has no action {action!r}: its names are os-stop and os-start, with the "
                 "os- prefix.").format(action=action)
    if action == "os-stop":
        return _("that is the stop; once the server is SHUTOFF, send os-start and pass that "
                 "response.")
    if action != "os-start":
        return _("{action} restarts a running server in one step; this task asks for a stop and "
                 "then a start.").format(action=action)
    if exchange.status == 409:
        if _stop_under_way(conn, exchange):
            return _("you did not wait: the stop was still under way when you sent the start "
                     "(Nova says vm_state active until it is done). Wait until the server is "
                     "SHUTOFF, then start it.")
        return _("you sent the same request again: the server is still running, and Nova "
                 "answers 409 until its state changes. Stop it first.")
    if exchange.status != 202:
        return _("Nova answered {status}; read its message in the response.").format(
            status=exchange.status)
    return None
