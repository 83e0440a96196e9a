"""Exercises of notebook 08 (when things go wrong)."""

from __future__ import annotations

from . import exercise

RETRY_LATER = {429, 503}

# Why each other status is not cured by sending the same request again after a pause.
NOT_RETRIED = {
    400: "400 means the request itself is wrong: sent again, it fails again. Fix what its message names.",
    401: "401 is not cured by waiting: log in again once (the helper does), and if it stays 401 the "
         "credentials are wrong.",
    403: "403 is a policy or a limit: waiting does not lift it. Read its message; delete something "
         "or ask for more.",
    404: "404 stays 404: the id or the path is wrong, or the resource was deleted.",
    409: "409 depends on the resource's state: look at its status and send the request that fits "
         "it; the same request again only works once the state has changed.",
    413: "413 is a quota (or a body that is too big): the same request stays over the limit.",
    500: "500 is a failure on the server's side; it promises nothing about later. Report it with "
         "the request id.",
}

IDEMPOTENT = {"GET", "PUT", "DELETE"}
METHODS = {"GET", "POST", "PUT", "DELETE"}
MISSING_METHOD = {
    "GET": "GET only reads: sending it twice changes nothing.",
    "PUT": "PUT replaces the resource with the body you send: the second time it already is that, "
           "so nothing changes.",
    "DELETE": "DELETE twice ends the same way as once: the resource is gone (the second answer is "
              "a 404, but the state is what you wanted).",
}


def _statuses(answer) -> set[int] | None:
    """A collection of status codes (ints or digit strings) as a set, or None."""
    if not isinstance(answer, (set, frozenset, list, tuple)) or not answer:
        return None
    codes = set()
    for item in answer:
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item.strip())
        if not isinstance(item, int) or isinstance(item, bool):
            return None
        codes.add(item)
    return codes


@exercise("08.retry-statuses",
          "Which two HTTP status codes mean 'not now': send the same request again after a pause "
          "(the two that conn retries on its own)?",
          "One says you sent too many requests, the other that the service is down or overloaded. "
          "Both may come with a Retry-After header (section 6).")
def retry_statuses(answer, conn):
    codes = _statuses(answer)
    if codes is None:
        return "answer with the status codes as a set of numbers, such as {400, 404}."
    if codes == RETRY_LATER:
        return None
    for code in sorted(codes - RETRY_LATER):
        if code in NOT_RETRIED:
            return NOT_RETRIED[code]
    extra = codes - RETRY_LATER
    if extra:
        return (f"{', '.join(map(str, sorted(extra)))}: not among the statuses of section 2's map "
                "that mean 'try again later'.")
    return "one of them, yes; there are two (section 6 shows both)."


@exercise("08.retry-after",
          "Which response header tells a client how long to wait before trying again?",
          "Look at the headers of the 429 and 503 answers in section 6.")
def retry_after(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return "answer with the header's name as a string."
    name = answer.strip().rstrip(":").lower()
    if name == "retry-after":
        return None
    if name.replace("-", "").replace("_", "") == "retryafter":
        return ("that is how Nova repeats it inside its error body (retryAfter); the header's name "
                "is written with a hyphen.")
    if name == "x-conoha-learn-fault":
        return ("that one only marks the simulator's injected faults (a real cloud never sends it); "
                "it says nothing about waiting.")
    if name in ("x-openstack-request-id", "x-compute-request-id"):
        return "that identifies the request, for support; it says nothing about waiting."
    return "not that one: look at the headers of the 503 answer printed in section 6."


@exercise("08.idempotent",
          "Of GET, POST, PUT and DELETE, which methods can you safely send twice (twice has the "
          "same effect as once)?",
          "Ask of each: if the first request was done and I send it again, what changes? "
          "Section 8 deletes a key pair twice and creates one twice.")
def idempotent(answer, conn):
    if isinstance(answer, str):
        return 'answer with a set of method names, such as {"GET"}.'
    if not isinstance(answer, (set, frozenset, list, tuple)) or not answer \
            or not all(isinstance(m, str) for m in answer):
        return 'answer with a set of method names, such as {"GET"}.'
    methods = {m.strip().upper() for m in answer}
    unknown = methods - METHODS
    if unknown:
        return f"{', '.join(sorted(unknown))}: choose among GET, POST, PUT and DELETE."
    if "POST" in methods:
        return ("POST creates something new each time: sent twice, it can make two servers (and "
                "two bills).")
    for method in ("GET", "DELETE", "PUT"):
        if method not in methods:
            return MISSING_METHOD[method]
    return None
