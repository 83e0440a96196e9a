"""The simulator inside this Python process, with no socket: for a browser tab (Pyodide).

In a page (JupyterLite) nothing can listen on a port and no thread can run, so the simulator
cannot be a server there. Instead `cl.connect()` builds it in the kernel and every ``requests``
call to its address is handed to its WSGI app by `InProcessAdapter`: ``conn.get(...)``, a plain
``requests.post(...)`` in a notebook, ``conn.last_exchange``, ``as_curl()`` and the exercise
checkers see the same requests and answers as over a socket. This happens under Pyodide, or on
request with ``CONOHA_LEARN_SIM=inprocess`` (the tests run the library both ways).

The simulator keeps its usual address, http://127.0.0.1:8765, so every URL the course shows is
the one the notebooks' outputs hold; in this process, requests to it never reach the network.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

from .errors import ConfigError
from .i18n import _

if TYPE_CHECKING:
    import requests

    from .sim import Simulator

VARIABLE = "CONOHA_LEARN_SIM"
CHOICES = ("inprocess", "server")

_routes: dict[str, Any] = {}  # "http://127.0.0.1:8765/" → the adapter answering for it
_get_adapter_before: Callable | None = None  # requests' own Session.get_adapter, once replaced


def in_browser() -> bool:
    """Whether this Python runs in a web page (Pyodide, as JupyterLite's kernel)."""
    return sys.platform == "emscripten"


def wanted() -> bool:
    """In-process when in a page, or when CONOHA_LEARN_SIM=inprocess; =server forces a socket."""
    choice = os.environ.get(VARIABLE, "").strip().lower()
    if choice and choice not in CHOICES:
        raise ConfigError(_("{variable}={value!r} is not a way to run the simulator.").format(
                              variable=VARIABLE, value=os.environ[VARIABLE]),
                          hint=_("Set {variable} to 'inprocess' (inside this Python, no port) or "
                                 "'server' (on a port of 127.0.0.1), or unset it.").format(
                              variable=VARIABLE))
    return choice == "inprocess" or (in_browser() and choice != "server")


def find_or_start(say: Callable[[str], None] | None = None) -> tuple[str, Simulator | None]:
    """`local_sim.find_or_start`, or, when `wanted`, this process's in-process simulator."""
    from . import local_sim
    from .cassette import active

    recording = (active() or ("",))[0] == "record"
    if not wanted() or recording:  # a cassette records what crosses a socket (vcrpy): record over one
        return local_sim.find_or_start(say)
    from .sim import DEFAULT_PORT

    sim = local_sim._embedded.get(DEFAULT_PORT)  # one per process, kept between connect()s
    if sim is None:
        sim = start(f"http://{local_sim.HOST}:{DEFAULT_PORT}")
        local_sim._embedded[DEFAULT_PORT] = sim  # so stop_embedded() and the password look-ups see it
    return sim.url, sim


def start(base_url: str, **config: Any) -> Simulator:
    """A simulator answering at ``base_url`` inside this process (no socket, no thread)."""
    from .sim import Simulator

    sim = Simulator(private=False, **config)  # private mode guards a port from other users: none here
    sim.state.base_url = base_url.rstrip("/")
    route(sim.url, sim.app)
    return sim


def route(base_url: str, app: Callable) -> None:
    """From now on, every requests call under ``base_url`` is answered by the WSGI ``app``."""
    import requests

    global _get_adapter_before
    _routes[base_url.rstrip("/") + "/"] = InProcessAdapter(app)
    if _get_adapter_before is None:
        # Every Session, not one: notebooks call requests.get(...), which makes a new Session
        # each time, and openstacksdk makes its own.
        _get_adapter_before = requests.Session.get_adapter
        requests.Session.get_adapter = _get_adapter


def unroute(base_url: str) -> None:
    """Undo `route` for ``base_url`` (requests to it go to the network again)."""
    _routes.pop(base_url.rstrip("/") + "/", None)


def _get_adapter(session: requests.Session, url: str) -> Any:
    for prefix, adapter in _routes.items():
        if url.lower().startswith(prefix.lower()) or url.lower() == prefix[:-1].lower():
            return adapter
    return _get_adapter_before(session, url)


class InProcessAdapter:
    """A requests transport adapter that calls a WSGI app instead of opening a connection.

    It answers as the simulator's server would over a socket: the status line, headers and body
    the app wrote (none for HEAD), and a read timeout when the app took longer than allowed.
    """

    def __init__(self, app: Callable):
        self.app = app

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        from requests.exceptions import ReadTimeout
        from werkzeug.test import run_wsgi_app

        started = time.monotonic()
        app_iter, status, headers = run_wsgi_app(self.app, _environ(request), buffered=True)
        try:
            body = b"".join(app_iter)
        finally:
            getattr(app_iter, "close", lambda: None)()
        limit = timeout[1] if isinstance(timeout, tuple) else timeout
        if limit is not None and time.monotonic() - started > limit:
            raise ReadTimeout(f"in-process read timed out (read timeout={limit})", request=request)
        return _response(request, status, list(headers.items()),
                         b"" if request.method == "HEAD" else body, self)

    def close(self) -> None:
        pass


def _body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if hasattr(body, "read"):
        return body.read()
    return b"".join(part.encode() if isinstance(part, str) else part for part in body)


def _environ(request: requests.PreparedRequest) -> dict[str, Any]:
    """The WSGI environ Werkzeug's server would build for this request."""
    url = urlsplit(request.url)
    body = _body(request.body)
    environ = {
        "REQUEST_METHOD": request.method, "SCRIPT_NAME": "",
        # WSGI: the path percent-decoded, its bytes as latin-1 (PEP 3333)
        "PATH_INFO": unquote_to_bytes(url.path or "/").decode("latin-1"),
        "QUERY_STRING": url.query, "REQUEST_URI": url.path + (f"?{url.query}" if url.query else ""),
        "SERVER_NAME": url.hostname or "127.0.0.1",
        "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0), "wsgi.url_scheme": url.scheme, "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": False,
        "wsgi.run_once": False, "HTTP_HOST": url.netloc,
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    if body and "CONTENT_LENGTH" not in environ:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _response(request: requests.PreparedRequest, status: str, headers: list[tuple[str, str]],
              body: bytes, adapter: InProcessAdapter) -> requests.Response:
    from requests.models import Response
    from requests.structures import CaseInsensitiveDict
    from requests.utils import get_encoding_from_headers

    response = Response()
    code, _space, reason = status.partition(" ")
    response.status_code, response.reason = int(code), reason
    joined: CaseInsensitiveDict = CaseInsensitiveDict()
    for name, value in headers:  # repeated headers joined, as http.client does
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    response.headers = joined
    response.encoding = get_encoding_from_headers(joined)
    response.raw = io.BytesIO(body)
    response._content = body
    response.url = request.url
    response.request = request
    response.connection = adapter
    return response
