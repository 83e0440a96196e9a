"""Typed errors: what went wrong, what the server said, and what to try next.

Every error the library raises derives from `ConohaLearnError`. An API error carries the HTTP
status, the request id (quote it when you ask for support), the server's own message and a
one-line hint for a beginner:

    try:
        conn.compute.stop("web-1")
    except cl.Conflict as e:
        print(e.status, e.request_id, e.message)
        print(e.hint)        # "The server is already SHUTOFF (stopped) ..."

This module uses only the standard library, so `import conoha_learn` stays fast.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .i18n import N_, _

if TYPE_CHECKING:
    from .http import Exchange


class ConohaLearnError(Exception):
    """Base class of every error raised by conoha_learn."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = ""):
        super().__init__(message)
        self.message = message
        # A class's hint (and a module-level one passed in) is a msgid: translated here, when raised.
        self.hint = _(hint or self.hint)

    def __str__(self) -> str:
        return _("{message}\nHint: {hint}").format(message=self.message, hint=self.hint) \
            if self.hint else self.message


# --- problems found before any request is sent -------------------------------------------------

class ConfigError(ConohaLearnError, ValueError):
    """Missing or contradictory settings: credentials, mode, auth URL, an unknown argument."""


class NotFoundLocally(ConohaLearnError, LookupError):
    """A name the library had to look up (flavor, image, server, endpoint) does not exist.

    Raised before any create request; the message lists the valid choices.
    """


class CannotConnect(ConohaLearnError, ConnectionError):
    """Nothing answered at the URL (connection refused, unknown host, TLS failure)."""


class RequestTimeout(ConohaLearnError, TimeoutError):
    """The server accepted the connection but did not answer in time."""


class WaitTimeout(ConohaLearnError, TimeoutError):
    """A resource did not reach the wanted status within the time allowed."""


class ResourceFailed(ConohaLearnError):
    """A resource went to a failure status (ERROR) while we waited for it."""


# --- errors answered by the API -----------------------------------------------------------------

class ApiError(ConohaLearnError):
    """The API answered with an error status. Subclasses name the common cases.

    Attributes: ``status``, ``request_id``, ``message`` (the server's words), ``method``, ``url``,
    ``hint`` and ``exchange`` (the redacted transcript, ``print(e.exchange)`` shows it).
    """

    def __init__(self, message: str, *, status: int, method: str = "", url: str = "",
                 request_id: str | None = None, hint: str = "", exchange: Exchange | None = None):
        super().__init__(message, hint=hint)
        self.status = status
        self.method = method
        self.url = url
        self.request_id = request_id
        self.exchange = exchange

    @property
    def status_code(self) -> int:
        """Same as ``status``; the name requests and openstacksdk use."""
        return self.status

    def __str__(self) -> str:
        where = _(" on {method} {url}").format(method=self.method, url=self.url) if self.method else ""
        rid = _(" (request id {id})").format(id=self.request_id) if self.request_id else ""
        text = f"HTTP {self.status}{where}: {self.message}{rid}"
        return _("{message}\nHint: {hint}").format(message=text, hint=self.hint) if self.hint else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, message={self.message!r})"


class BadRequest(ApiError):
    """400: the body or a parameter was rejected."""

    hint = N_("The server rejected what was sent; its message above names the field. "
            "print(conn.last_exchange) shows the request exactly as it went out.")


class AuthenticationError(ApiError):
    """401: the credentials (on the token request) or the token (on any other call) were refused."""

    hint = N_("The token was refused even after logging in again. Check that the credentials "
            "belong to this project and that auth_url and region are the ones you meant.")


class Forbidden(ApiError):
    """403: authenticated, but this project or role may not do this."""

    hint = N_("You are logged in, but this project may not do that. Check that you are using the "
            "right project (tenant) and that the resource is yours.")


class NotFound(ApiError):
    """404: no such resource (or path) in this project."""

    hint = N_("Nothing with that id exists in this project: it may have been deleted, belong to "
            "another project, or the path may be wrong. List the resources to see the valid ids.")


class Conflict(ApiError):
    """409: the request clashes with the resource's current state."""

    hint = N_("The resource is busy or in the wrong state for this; check its status and try again.")


class OverLimit(ApiError):
    """403 quota, 413 or 429: a quota or rate limit was reached."""

    hint = N_("A quota or rate limit was reached. Delete what you no longer need (conn.cleanup() "
            "removes what this library created) or wait a moment before trying again.")


class ServiceUnavailable(ApiError):
    """503: the service is down or overloaded, even after the retries."""

    hint = N_("The service is temporarily unavailable (maintenance or overload) and stayed so "
            "through the retries. Wait a minute and try again.")


STATUS_CLASSES: dict[int, type[ApiError]] = {
    400: BadRequest, 401: AuthenticationError, 403: Forbidden, 404: NotFound, 409: Conflict,
    413: OverLimit, 429: OverLimit, 503: ServiceUnavailable,
}


# --- reading the server's message ----------------------------------------------------------------

def server_message(body: Any, fallback: str = "") -> str:
    """The human message inside any OpenStack error envelope.

    Handles Keystone ``{"error": {"message": ...}}``, Nova/Cinder ``{"itemNotFound": {...}}``,
    Neutron ``{"NeutronError": {...}}``, flat ``{"message": ...}``, and plain text bodies.
    """
    if isinstance(body, dict):
        if isinstance(body.get("message"), str):
            # Glance's JSON (WebOb's) ends each message in "<br /><br />" and blank lines: the
            # wire keeps them (the simulator too); a learner reads plain text.
            return re.sub(r"(\s*<br\s*/?>)+\s*$", "", body["message"]).strip()
        if isinstance(body.get("faultstring"), str):  # Ironic-style, as openstacksdk also reads
            return body["faultstring"]
        # The envelope's name varies by service and status; the message sits one level down.
        for value in body.values():
            found = server_message(value)
            if found:
                return found
    if isinstance(body, str):
        text = re.sub(r"<[^>]+>", " ", body)  # Glance and proxies sometimes answer in HTML
        return " ".join(text.split())[:300]
    return fallback


# --- hints -------------------------------------------------------------------------------------

TOKEN_401_HINT = N_(
    "Keystone never says which part was wrong. Check: the password; the API user (name or ID, "
    "from the ConoHa control panel's API page, not your login e-mail); the tenant (project) ID; "
    "and that auth_url is the identity endpoint of the region you meant (…/v3 for ConoHa VPS "
    "Ver.3.0, …/v2.0 for the 2015 API).")

# Nova: "Cannot 'stop' instance <uuid> while it is in vm_state stopped"
_STATE_CONFLICT = re.compile(r"Cannot '([\w-]+)' instance \S+ while it is in (vm_state|task_state) (\S+)")
_VM_STATE_HINTS = {
    "stopped": N_("The server is SHUTOFF (stopped): start it first with conn.compute.start(server)."),
    "active": N_("The server is already ACTIVE (running): stop it first, or skip this step."),
    "building": N_("The server is still being built: wait for ACTIVE with conn.compute.wait(server)."),
    "error": N_("The server is in ERROR: delete it and create a new one."),
}


def _hint_for(status: int, message: str) -> str:
    """A hint tailored to the message when we recognise it; '' keeps the class default."""
    conflict = _STATE_CONFLICT.search(message)
    if conflict:
        action, kind, state = conflict.groups()
        if kind == "task_state":
            return _("The server is busy ({state}); wait until it settles with "
                     "conn.compute.wait(server, ...) and then '{action}' it.").format(
                         state=state, action=action)
        if state in _VM_STATE_HINTS:
            return _(_VM_STATE_HINTS[state])
        return _("The server's state ({state}) does not allow '{action}'.").format(
            state=state, action=action)
    if status == 404 and "resource could not be found" in message.lower():  # a path, not an id
        return _("No such path on this service: check the path and the service type you called.")
    return ""


def is_quota_message(message: str) -> bool:
    return bool(re.search(r"quota|limit exceeded|over ?limit", message, re.IGNORECASE))


def api_error(status: int, message: str, *, method: str = "", url: str = "",
              request_id: str | None = None, exchange: Exchange | None = None,
              hint: str = "") -> ApiError:
    """Build the right `ApiError` subclass for a status and server message."""
    cls = STATUS_CLASSES.get(status, ApiError)
    if status == 403 and is_quota_message(message):
        cls = OverLimit  # Nova answers some quota errors with 403
    return cls(message or f"HTTP {status}", status=status, method=method, url=url,
               request_id=request_id, exchange=exchange, hint=hint or _hint_for(status, message))
