"""Fault injection: make the simulator fail the way real clouds sometimes do.

A rule says which requests it hits and what happens to them:

    {"service": "compute", "method": "GET", "path": "/servers", "status": 503,
     "retry_after": 2, "count": 1}

* ``service`` (``identity``, ``compute``, ``block-storage``, ``image-service``, ``networking`` or
  ``*``), ``method`` (or ``*``) and ``path`` (a regular expression searched in the request path)
  choose the requests; ``count`` limits the rule to the next N of them, ``probability`` (0-1)
  hits only some.
* ``status`` (400-599) answers with that error in the service's own envelope, with
  ``Retry-After`` when ``retry_after`` is given; ``latency`` (seconds) delays the request first.
  A rule with only ``latency`` slows requests down and lets them through.

Every injected answer carries ``X-Conoha-Learn-Fault: <rule id>``, so a learner can tell a
simulated failure from a real one. Rules are managed under ``/_sim/faults`` (control.py).
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import asdict, dataclass

from .errors import ApiError

SERVICES = {"*", "identity", "compute", "block-storage", "image-service", "networking",
            "object-storage"}
MAX_RULES = 100
MAX_LATENCY = 30.0
FAULT_HEADER = "X-Conoha-Learn-Fault"


@dataclass
class Rule:
    id: str
    service: str = "*"
    method: str = "*"
    path: str = ""
    status: int | None = None
    retry_after: int | None = None
    latency: float = 0.0
    probability: float = 1.0
    count: int | None = None  # remaining hits; None = until cleared
    hits: int = 0

    def matches(self, service: str, method: str, path: str) -> bool:
        return (self.service in ("*", service) and self.method in ("*", method)
                and re.search(self.path, path) is not None)


def _number(body: dict, key: str, kind: type, low: float, high: float, default=None):
    value = body.get(key, default)
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not low <= value <= high \
            or (kind is int and not float(value).is_integer()):
        raise ApiError(400, f"'{key}' must be a {'whole ' if kind is int else ''}number "
                            f"from {low:g} to {high:g}.")
    return kind(value)


def parse_rule(body: dict, rule_id: str) -> Rule:
    """Check a rule sent to POST /_sim/faults; every mistake gets a 400 that says what to fix."""
    known = {"service", "method", "path", "status", "retry_after", "latency", "probability", "count"}
    unknown = set(body) - known
    if unknown:
        raise ApiError(400, f"Unknown fault field(s): {', '.join(sorted(unknown))}. "
                            f"Known: {', '.join(sorted(known))}.")
    service = body.get("service", "*")
    if service not in SERVICES:
        raise ApiError(400, f"'service' must be one of {', '.join(sorted(SERVICES))}.")
    method = body.get("method", "*")
    if not isinstance(method, str) or method.upper() not in {"*", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}:
        raise ApiError(400, "'method' must be an HTTP method such as GET, or '*'.")
    path = body.get("path", "")
    if not isinstance(path, str) or len(path) > 200:
        raise ApiError(400, "'path' must be a regular expression of at most 200 characters.")
    try:
        re.compile(path)
    except re.error as exc:
        raise ApiError(400, f"'path' is not a valid regular expression: {exc}.") from None
    rule = Rule(id=rule_id, service=service, method=method.upper(), path=path,
                status=_number(body, "status", int, 400, 599),
                retry_after=_number(body, "retry_after", int, 0, 3600),
                latency=_number(body, "latency", float, 0, MAX_LATENCY, 0.0),
                probability=_number(body, "probability", float, 0, 1, 1.0),
                count=_number(body, "count", int, 1, 1_000_000))
    if rule.status is None and not rule.latency:
        raise ApiError(400, "A fault needs a 'status' to answer with, a 'latency' to add, or both.")
    return rule


class Faults:
    """The active rules of one simulator, consulted before every OpenStack request."""

    def __init__(self, seed: int | None):
        self.rules: list[Rule] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)  # seeded: the same requests fail in every run

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            if len(self.rules) >= MAX_RULES:
                raise ApiError(400, f"At most {MAX_RULES} fault rules; clear some first.")
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def listing(self) -> list[dict]:
        with self._lock:
            return [asdict(r) for r in self.rules]

    def _pick(self, service: str, method: str, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(service, method, path) and self._random.random() < rule.probability:
                    rule.hits += 1
                    if rule.count is not None:
                        rule.count -= 1
                        if rule.count == 0:
                            self.rules.remove(rule)
                    return rule
        return None

    def check(self, service: str, method: str, path: str) -> None:
        """Called by the app before every OpenStack request (never /_sim): waits the rule's
        latency, then raises the rule's error, if a rule hits this request."""
        if not self.rules:
            return
        rule = self._pick(service, method, path)
        if rule is None:
            return
        if rule.latency:
            time.sleep(rule.latency)
        if rule.status is None:
            return
        headers = {FAULT_HEADER: rule.id}
        if rule.retry_after is not None:
            headers["Retry-After"] = str(rule.retry_after)
        raise ApiError(rule.status, f"Injected fault (simulator rule {rule.id}): the service answered "
                                    f"{rule.status} on purpose. Clear it with DELETE /_sim/faults.",
                       headers=headers)
