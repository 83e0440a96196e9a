"""Error bodies, shaped the way each OpenStack service writes them.

Clients parse these bodies (openstacksdk collects every ``message`` it finds), so each service
answers in its own envelope:

* Keystone (and keystonemiddleware's 401 in front of every service):
  ``{"error": {"code": 401, "title": "Unauthorized", "message": "..."}}``
* Nova and Cinder: ``{"<faultName>": {"code": 404, "message": "..."}}`` where the fault name
  depends on the status (nova/api/openstack/wsgi.py ``Fault._fault_names``).
* Neutron: ``{"NeutronError": {"type": "...", "message": "...", "detail": ""}}``.
* Swift: no JSON at all, a short HTML page, ``<html><h1>Not Found</h1><p>...</p></html>``
  (``text/html; charset=UTF-8``), as swob writes it; we put a specific explanation in the ``<p>``.
* Glance: upstream often answers in plain text; we answer JSON with the same ``code``/``title``/
  ``message`` words so that every error a learner meets here is readable the same way.
"""

from __future__ import annotations

import html
from http import HTTPStatus

NOVA_FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}

NEUTRON_ERROR_TYPES = {
    400: "BadRequest",
    401: "NotAuthorized",
    403: "PolicyNotAuthorized",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "RequestEntityTooLarge",
    429: "OverQuota",
    503: "ServiceUnavailable",
}


class ApiError(Exception):
    """Raised by a handler to answer with an error; the app renders the service's envelope."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None,
                 error_type: str | None = None, plain: bool = False):
        super().__init__(message)
        self.plain = plain  # Swift: the bare sentence, not an HTML page (swift_access.plain_error)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.error_type = error_type  # Neutron's "type" field, when a handler knows better


def title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def envelope(style: str, error: ApiError) -> dict | bytes:
    """The JSON body for ``error`` in the envelope style of one service (Swift: HTML bytes)."""
    status, message = error.status, error.message
    if style == "swift" and error.plain:
        return message.encode()
    if style == "swift":
        return (f"<html><h1>{title(status)}</h1><p>{html.escape(message, quote=False)}</p></html>").encode()
    if style == "keystone":
        return {"error": {"code": status, "title": title(status), "message": message}}
    if style == "nova":  # Nova and Cinder share this shape
        fault = NOVA_FAULT_NAMES.get(status, "computeFault")
        body = {"code": status, "message": message}
        if status in (413, 429) and "Retry-After" in error.headers:
            body["retryAfter"] = error.headers["Retry-After"]
        return {fault: body}
    if style == "neutron":
        kind = error.error_type or NEUTRON_ERROR_TYPES.get(status, "NeutronError")
        return {"NeutronError": {"type": kind, "message": message, "detail": ""}}
    # Glance (and anything unknown): Glance raises WebOb's HTTP exceptions, whose JSON form is
    # {"message", "code", "title"}, the message being WebOb's HTML-ish template around the
    # explanation and "code" the status line (webob/exc.py, WSGIHTTPException.json_formatter).
    # Glance sends that JSON to clients that accept it (openstacksdk, the CLI); to others
    # (curl) it sends the same words as an HTML page: here it is always the JSON.
    return {"message": f"{message}<br /><br />\n\n\n", "code": f"{status} {title(status)}",
            "title": title(status)}


# Messages reused by several services, worded as upstream words them.
AUTH_REQUIRED = "The request you have made requires authentication."
MALFORMED_BODY = "Malformed request body"
