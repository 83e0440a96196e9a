"""The simulator's web application: one WSGI app, one port, one path prefix per service.

    /identity        Keystone v3 and v2.0        identity.py
    /compute         Nova v2.1 (and the v2 legacy path)  compute/
    /block-storage   Cinder v3                   block_storage.py
    /image-service   Glance v2                   image.py
    /networking      Neutron v2.0                network.py
    /object-storage  Swift v1                    object_storage.py
    /_sim            the simulator's own control API     control.py

Each service module lists its routes; this module turns an HTTP request into a `Call`, checks the
token, runs the handler and writes the JSON answer (or the service's error envelope). Nothing a
client sends can make it answer 500: unexpected failures are caught and reported as the service's
own fault, and logged.

Why Werkzeug: it is small (it loads in a few tens of milliseconds), well kept by the Pallets
project, gives us routing and request parsing we would otherwise write by hand, and its threaded
server is the one moto's server mode stands on.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request

from .call import Call, Reply, Route, encode_json
from .errors import AUTH_REQUIRED, ApiError, envelope, title
from .identity import lookup_token

if TYPE_CHECKING:
    from .state import SimState

log = logging.getLogger("conoha_learn.sim")

Answer = tuple[str, list[tuple[str, str]], bytes]  # WSGI status line, headers, body

MAX_BODY_BYTES = 1 << 20  # 1 MiB; user_data is capped at 16 KiB, nothing legitimate is larger

# Which error envelope each path prefix uses.
SERVICE_STYLES = {
    "identity": "keystone",
    "compute": "nova",
    "block-storage": "nova",
    "image-service": "glance",
    "networking": "neutron",
    "object-storage": "swift",
    "_sim": "keystone",
}


class SimApp:
    """The WSGI application. Built once per simulator from every service's routes."""

    def __init__(self, sim: SimState, routes: list[Route]):
        self.sim = sim
        self.routes = {}
        rules = []
        for i, r in enumerate(routes):
            self.routes[i] = r
            methods = [r.method] + (["HEAD"] if r.method == "GET" else [])
            rules.append(Rule(r.path, methods=methods, endpoint=i))
        self.url_map = Map(rules, strict_slashes=False, merge_slashes=False)

    def __call__(self, environ, start_response):
        request = Request(environ)
        request.max_content_length = MAX_BODY_BYTES
        status, headers, body = self.handle(request)
        start_response(status, headers)
        return [] if request.method == "HEAD" else [body]  # HEAD: the headers GET would send

    def handle(self, request: Request) -> Answer:
        self.sim.clock.tick()
        path = request.path.rstrip("/") or "/"
        service = path.split("/")[1] if path != "/" else ""
        style = SERVICE_STYLES.get(service, "keystone")
        request_id = self.sim.ids.request_id()
        try:
            reply = self.dispatch(request, path, service)
        except ApiError as exc:
            if exc.status == 401:
                # keystonemiddleware, in front of every service, answers 401 in Keystone's words
                # (Swift's own auth middleware decides, and words, its 401s itself).
                style = "swift" if style == "swift" else "keystone"
                exc.headers.setdefault("WWW-Authenticate", f'Keystone uri="{self.sim.base_url}/identity"')
            reply = Reply(envelope(style, exc), exc.status, exc.headers)
        except Exception:  # a bug of ours: say so in the service's words, never a traceback
            reply = self.bug(request, style)
        try:
            return self.render(request, reply, service, request_id)
        except Exception:  # even an answer we cannot write is not left to Werkzeug's HTML page
            return self.render(request, self.bug(request, style), service, request_id)

    @staticmethod
    def bug(request: Request, style: str) -> Reply:
        log.exception("simulator error on %s %s", request.method, request.path)
        exc = ApiError(500, "Unexpected API Error. The simulator hit a bug; "
                            "please report it with the request that caused it.")
        return Reply(envelope(style, exc), 500)

    def dispatch(self, request: Request, path: str, service: str) -> Reply:
        adapter = self.url_map.bind("sim", path_info=path)
        try:
            endpoint, args = adapter.match(method=request.method)
        except MethodNotAllowed as exc:  # HTTP wants the verbs that would work in "Allow"
            allowed = ", ".join(sorted(exc.valid_methods or ()))
            raise ApiError(405, f"The method {request.method} is not allowed for {request.path}. "
                                "See the API reference for the verbs this resource accepts.",
                           headers={"Allow": allowed})
        except (NotFound, HTTPException):
            raise ApiError(404, f"The resource could not be found: no {service or 'API'} "
                                f"path {request.path} in this simulator.")
        route = self.routes[endpoint]
        if route.stream:
            request.max_content_length = None
        elif request.content_length and request.content_length > MAX_BODY_BYTES:
            raise ApiError(413, f"Request is too large: at most {MAX_BODY_BYTES} bytes.")
        call = Call(request, self.sim, service, args)
        if self.sim.before_request is not None:  # e.g. private mode's check of /_sim (private.py)
            self.sim.before_request(call)
        if service != "_sim":  # fault injection (faults.py): before auth, as a failing proxy would
            self.sim.faults.check(service, request.method, request.path)
        if route.auth:
            call.token = lookup_token(self.sim, request.headers.get("X-Auth-Token"))
            if call.token is None:
                raise ApiError(401, AUTH_REQUIRED)
        return route.handler(call)

    def render(self, request: Request, reply: Reply, service: str, request_id: str) -> Answer:
        """The WSGI status line, headers and body of ``reply``. Written here rather than through
        Werkzeug's Response, which costs a third of a small answer's time (issue 20), with the
        same headers it would send."""
        headers = {"x-openstack-request-id": request_id}
        if service == "compute":
            # Nova echoes the microversion it used: 2.1 unless a handler says otherwise
            # (compute/versions.py), e.g. for a request refused before it reached one.
            headers.update({"x-compute-request-id": request_id,
                            "OpenStack-API-Version": "compute 2.1",
                            "X-OpenStack-Nova-API-Version": "2.1",
                            "Vary": "OpenStack-API-Version, X-OpenStack-Nova-API-Version"})
        if service == "object-storage":
            headers["X-Trans-Id"] = request_id  # Swift's name for the request id
        headers.update(reply.headers)
        if isinstance(reply.body, bytes):  # Swift: objects, text listings, HTML error pages
            body = reply.body
            headers.setdefault("Content-Type", "text/html; charset=UTF-8")
        elif reply.body is None:
            body = b""
            # 204 has no body to describe: Werkzeug's default type, and no length
            headers["Content-Type"] = "application/json" if reply.status != 204 else \
                "text/plain; charset=utf-8"
        else:
            body = encode_json(reply.body)
            headers["Content-Type"] = "application/json"
        if reply.status != 204 and "Content-Length" not in headers:  # a HEAD may give its own
            headers["Content-Length"] = str(len(body))
        lines = [(name, str(value)) for name, value in headers.items()]
        if any("\n" in value or "\r" in value for _, value in lines):  # never split a header
            raise ValueError(f"a header value holds a line break: {lines}")
        # "201 Created", as OpenStack's servers write it (Werkzeug would send "201 CREATED").
        return f"{reply.status} {title(reply.status)}", lines, body
