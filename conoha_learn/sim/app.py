"""The simulator's web application: one WSGI app, one port, one path prefix per service.

    /identity        Keystone v3 and v2.0        identity.py
    /compute         Nova v2.1 (and the v2 legacy path)  compute.py
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

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .errors import AUTH_REQUIRED, MALFORMED_BODY, ApiError, envelope, title

if TYPE_CHECKING:
    from .state import SimState

log = logging.getLogger("conoha_learn.sim")

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


def parse_json(raw: bytes) -> Any:
    """A request body as JSON, or a 400 for anything that cannot be stored and sent back."""
    try:
        data = json.loads(raw)
        # "\ud800" is valid JSON but decodes to half a character, which UTF-8 cannot encode:
        # stored, it would break every later answer that shows it. Refuse it here, once.
        json.dumps(data, ensure_ascii=False).encode()
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested thousands deep
        raise ApiError(400, MALFORMED_BODY) from None
    return data


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
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
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
        hook = self.sim.before_request
        if hook is not None:  # fault injection (faults.py): before auth, as a failing proxy would
            early = hook(call)
            if early is not None:
                return early
        if route.auth:
            call.token = self.sim.authenticate(request.headers.get("X-Auth-Token"))
            if call.token is None:
                raise ApiError(401, AUTH_REQUIRED)
        return route.handler(call)

    def render(self, request: Request, reply: Reply, service: str, request_id: str) -> Response:
        headers = {"x-openstack-request-id": request_id}
        if service == "compute":
            # Nova echoes the microversion it used; we speak 2.1 only (see compute.py).
            headers.update({"x-compute-request-id": request_id,
                            "OpenStack-API-Version": "compute 2.1",
                            "X-OpenStack-Nova-API-Version": "2.1",
                            "Vary": "OpenStack-API-Version, X-OpenStack-Nova-API-Version"})
        if service == "object-storage":
            headers["X-Trans-Id"] = request_id  # Swift's name for the request id
        headers.update(reply.headers)
        # "201 Created", as OpenStack's servers write it (Werkzeug would send "201 CREATED").
        status = f"{reply.status} {title(reply.status)}"
        if isinstance(reply.body, bytes):  # Swift: objects, text listings, HTML error pages
            response = Response(reply.body, status=status, headers=headers)
            if "Content-Type" not in reply.headers:
                response.headers["Content-Type"] = "text/html; charset=UTF-8"
        elif reply.body is None:
            response = Response(b"", status=status, headers=headers)
            if reply.status != 204:
                response.headers["Content-Type"] = "application/json"
        else:
            data = json.dumps(reply.body, indent=None, ensure_ascii=False).encode()
            response = Response(data, status=status, headers=headers,
                                content_type="application/json")
        return response


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
