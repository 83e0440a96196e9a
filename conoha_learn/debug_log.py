"""Which REST calls the openstack CLI or openstacksdk sent: their debug log, one line per request.

Both send every request through keystoneauth, which logs it at DEBUG level (``openstack --debug``
prints that log). The log is long: every header, every body. Three kinds of line say which
requests went out and how they were answered::

    REQ: curl -g -i -X GET "http://127.0.0.1:8765/compute/v2.1/flavors/detail?is_public=True" -H ...
    RESP: [200] Content-Type: application/json ...
    Making authentication request to http://127.0.0.1:8765/identity/v3/auth/tokens

Only those are kept, shortened to method, path and status::

    rest_calls("flavor list")        # runs `openstack --debug flavor list` in this kernel
    GET    /identity/v3  -> 200
    POST   /identity/v3/auth/tokens   (the token)
    GET    /compute/v2.1  -> 200
    GET    /compute/v2.1/flavors/detail?is_public=True  -> 200

    with show_requests():            # the same for the openstacksdk calls inside the block
        sdk.compute.find_flavor("g2l-t-c2m1")
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit

from .i18n import _
from .magics import cloud_environment, run_openstack

# keystoneauth writes each request as the curl command that would repeat it, and each answer's
# status in brackets. The URL may be quoted (it is when it has a query string). In a log file
# (openstacksdk's enable_logging(path=...), which Ansible's sdk_log_path uses) each line starts
# with the time, the level and the logger's name.
PREFIX = r"^(?:[\d-]+ [\d:,.]+ \w+: [\w.]+ )?"
REQUEST = re.compile(PREFIX + r'REQ: curl -g -i -X (\w+) "?([^" ]+)')
ANSWER = re.compile(PREFIX + r"RESP: \[(\d{3})\]")
# The token request goes through another code path, which logs only this line (no REQ/RESP).
TOKEN_REQUEST = re.compile(PREFIX + r"Making authentication request to (\S+)")


@dataclass(frozen=True)
class LoggedRequest:
    """One request found in the log: method, shortened path, status (None when not logged)."""

    method: str
    path: str
    status: int | None = None
    token: bool = False  # the login (POST .../auth/tokens), whose answer is not logged

    def __str__(self) -> str:
        if self.token:
            return f"{self.method:6} {self.path}   " + _("(the token)")
        return f"{self.method:6} {self.path}" + (f"  -> {self.status}" if self.status else "")


def short(url: str) -> str:
    """The URL's path and query, without the parameters the CLI sends as the text "None"."""
    parts = urlsplit(url)
    # openstackclient fills unset filters with None, which reaches the URL as "name=None":
    # noise a reader would take for a real filter.
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if v != "None"])
    return parts.path + ("?" + query if query else "")


def requests_in_log(log: str) -> list[LoggedRequest]:
    """The requests a keystoneauth debug log shows, in the order they were sent."""
    found: list[LoggedRequest] = []
    for line in log.splitlines():
        if match := TOKEN_REQUEST.match(line):
            found.append(LoggedRequest("POST", short(match[1]), token=True))
        elif match := REQUEST.match(line):
            found.append(LoggedRequest(match[1], short(match[2])))
        elif (match := ANSWER.match(line)) and found and found[-1].status is None \
                and not found[-1].token:
            # an answer belongs to the request just before it: keystoneauth sends one at a time
            found[-1] = replace(found[-1], status=int(match[1]))
    return found


def rest_calls(command: str) -> None:
    """Run ``openstack --debug COMMAND`` in this kernel and print only the requests it sent.

    Same cloud as ``%openstack`` (and so as ``cl.connect()``); works when replaying. What the
    command itself prints is left out: this is about what went over the wire.
    """
    result = run_openstack(["--debug", *shlex.split(command)], cloud_environment())
    for request in requests_in_log(result.stderr):
        print(request)
    if result.exit_code != 0:  # a failing command's requests are worth seeing too; say it failed
        print(_("(the command failed with exit code {code}; %openstack {command} shows "
                "why)").format(code=result.exit_code, command=command))


@contextlib.contextmanager
def show_requests() -> Iterator[None]:
    """Print the requests that openstacksdk (keystoneauth) sends inside the ``with`` block.

    The log goes to a buffer of our own and not to the root logger, so nothing else shows it;
    the logger is put back as it was, even when the block raises.
    """
    log, buffer = logging.getLogger("keystoneauth"), io.StringIO()
    handler, saved = logging.StreamHandler(buffer), (log.level, log.propagate)
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.level, log.propagate = saved
        for request in requests_in_log(buffer.getvalue()):
            print(request)
