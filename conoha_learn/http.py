"""The one HTTP client: a requests.Session with timeouts, bounded retries and a transcript.

Every request the library makes goes through `Transport.request`, which

* sets a timeout on every call (a hung server never hangs your notebook),
* retries 429 (rate limited) and 503 (unavailable) a few times with exponential backoff,
  honouring the server's ``Retry-After`` header, capped so one call cannot sleep for ages,
* records each attempt as an `Exchange`, with secrets replaced before it is stored.

`Exchange` is what ``conn.last_exchange`` shows: the request and response as they went over the
wire, and ``as_curl()`` to repeat the call from a terminal.
"""

from __future__ import annotations

import json
import re
import shlex
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import CannotConnect, RequestTimeout
from .i18n import N_, _
from .pausing import pause
from .redact import SHELL_VARIABLES, Redactor

if TYPE_CHECKING:
    import requests

RETRY_STATUSES = (429, 503)

# Headers that carry no lesson and would make transcripts change from run to run.
NOISE_HEADERS = {"accept-encoding", "connection", "content-length", "user-agent", "date",
                 "server", "keep-alive"}

CANNOT_CONNECT_HINT = N_(
    "Nothing answered there. In sim mode, let cl.connect() start the simulator or run "
    "`conoha-learn sim` in a terminal; in live mode, check auth_url and your internet connection; "
    "set the mode with cl.connect(mode=...) or CONOHA_LEARN_MODE.")


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, secrets already replaced by ``$OS_TOKEN`` etc.

    ``print(exchange)`` shows it; ``exchange.as_curl()`` gives the same call as a curl command.
    Bodies are parsed JSON when they were JSON (``exchange.response_body["server"]["id"]``).
    """

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    status: int
    reason: str
    response_headers: dict[str, str]
    response_body: Any
    elapsed: float = field(default=0.0, compare=False)  # seconds; not in the text view (unstable)
    attempt: int = 1

    @property
    def request_id(self) -> str | None:
        return _header(self.response_headers, "x-openstack-request-id")

    @property
    def ok(self) -> bool:
        return self.status < 400

    def text(self, max_body_lines: int | None = 40) -> str:
        """The transcript as text; long bodies are cut after ``max_body_lines`` (None: never)."""
        lines = [f"{self.method} {self.url}"]
        lines += _header_lines(self.request_headers)
        if self.request_body is not None:
            lines += ["", *_body_lines(self.request_body, max_body_lines)]
        lines += ["", f"HTTP {self.status} {self.reason}".rstrip()]
        lines += _header_lines(self.response_headers)
        if self.response_body is not None:
            lines += ["", *_body_lines(self.response_body, max_body_lines)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<Exchange {self.method} {self.url} -> {self.status} {self.reason}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython / Jupyter display
        p.text(self.text())

    def as_curl(self) -> str:
        """The request as a curl command. Secrets stay shell variables (``$OS_TOKEN``...), so:

            export OS_TOKEN=...      # print(conn.export_token()) gives this line
            curl -i ...              # paste the command

        The variable is pasted into the JSON body as it is, so a password containing ``"`` or
        ``\\`` must be written JSON-escaped in $OS_PASSWORD (``\\"``, ``\\\\``).
        """
        parts = ["curl -i"]
        if self.method != "GET":
            parts.append(f"-X {self.method}")
        parts.append(shlex.quote(self.url))
        for name, value in self.request_headers.items():
            if name.lower() not in NOISE_HEADERS:
                parts.append(f"-H {_shell_quote(f'{name}: {value}')}")
        if self.request_body is not None:
            body = self.request_body
            text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
            parts.append(f"-d {_shell_quote(text)}")
        return " \\\n  ".join(parts)


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _header_lines(headers: dict[str, str]) -> list[str]:
    return [f"{k}: {v}" for k, v in headers.items() if k.lower() not in NOISE_HEADERS]


def _body_lines(body: Any, max_lines: int | None) -> list[str]:
    text = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
    lines = text.splitlines()
    if max_lines is not None and len(lines) > max_lines:
        hidden = len(lines) - max_lines
        lines = lines[:max_lines] + [_("... {count} more lines (the whole body: .request_body / "
                                       ".response_body, or .text(max_body_lines=None))").format(count=hidden)]
    return lines


_VARIABLE = re.compile("(" + "|".join(re.escape(v) for v in SHELL_VARIABLES) + ")")


def _shell_quote(text: str) -> str:
    """Quote for a POSIX shell, leaving our placeholders as expandable ``$VARIABLE``s."""
    pieces = _VARIABLE.split(text)
    if len(pieces) == 1:
        return shlex.quote(text)
    literal = "".join(pieces[0::2])
    if not any(c in literal for c in '"\\`$!'):  # simple: one double-quoted word
        return f'"{text}"'
    quoted = []  # otherwise: single-quoted literals with "$VARIABLE" spliced in between
    for i, piece in enumerate(pieces):
        if i % 2:
            quoted.append(f'"{piece}"')
        elif piece:
            quoted.append("'" + piece.replace("'", "'\\''") + "'")
    return "".join(quoted)


# --- the transport --------------------------------------------------------------------------------

class Transport:
    """A requests.Session plus timeouts, retries on 429/503, and a redacted transcript.

    >>> t = Transport(timeout=(5, 30), max_retries=3)
    >>> response, exchange = t.request("GET", "http://127.0.0.1:8765/identity")
    """

    def __init__(self, *, timeout: float | tuple[float, float] = (5.0, 60.0), max_retries: int = 3,
                 backoff: float = 1.0, max_wait: float = 30.0, history_size: int = 100,
                 sleep: Callable[[float], None] | None = None):
        import requests  # here, not at module level: `import conoha_learn` stays light

        self.session = requests.Session()
        self.session.headers.update({"User-Agent": f"conoha-learn/{__version__}",
                                     "Accept": "application/json"})
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = pause if sleep is None else sleep  # retry waits are skipped while replaying
        self.history: deque[Exchange] = deque(maxlen=history_size)
        self.redactor = Redactor()

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None,
                json: Any = None, params: dict | None = None, data: bytes | None = None,
                timeout: float | tuple[float, float] | None = None) -> tuple[requests.Response, Exchange]:
        """Send one request (retrying 429/503); returns the response and its transcript."""
        attempt = 1
        while True:
            response = self._send(method, url, headers=headers, json=json, params=params, data=data,
                                   timeout=timeout or self.timeout)
            exchange = self.record(response, attempt)
            if response.status_code not in RETRY_STATUSES or attempt > self.max_retries:
                return response, exchange
            self.sleep(self.retry_wait(response, attempt))
            attempt += 1

    def retry_wait(self, response: requests.Response, attempt: int) -> float:
        """Seconds to wait before the next attempt: Retry-After if given, else 1, 2, 4... (capped)."""
        wait = _parse_retry_after(response.headers.get("Retry-After"))
        if wait is None:
            wait = self.backoff * 2 ** (attempt - 1)
        return max(0.0, min(wait, self.max_wait))

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        import requests

        try:
            return self.session.request(method, url, **kwargs)
        except requests.exceptions.ConnectTimeout:
            raise CannotConnect(_("Timed out connecting to {url}").format(url=self.redactor.text(url)),
                                hint=CANNOT_CONNECT_HINT) from None
        except requests.exceptions.Timeout:
            timeout = kwargs["timeout"]  # (connect, read) or one number for both
            waited = timeout[1] if isinstance(timeout, tuple) else timeout
            raise RequestTimeout(_("{method} {url} got no answer within {seconds:g} s (the read "
                                   "timeout)").format(method=method, url=self.redactor.text(url),
                                                      seconds=waited),
                                 hint=_("The server is slow or stuck; try again, or pass a longer "
                                        "timeout to cl.connect(timeout=...).")) from None
        except requests.exceptions.ConnectionError:
            raise CannotConnect(_("Could not connect to {url}").format(url=self.redactor.text(url)),
                                hint=CANNOT_CONNECT_HINT) from None

    def record(self, response: requests.Response, attempt: int = 1) -> Exchange:
        """Turn a response into a redacted `Exchange` and add it to the history."""
        exchange = to_exchange(response, self.redactor, attempt)
        self.history.append(exchange)
        return exchange

    def close(self) -> None:
        self.session.close()


def to_exchange(response: requests.Response, redactor: Redactor | None = None,
                attempt: int = 1) -> Exchange:
    """The redacted `Exchange` of any requests response (also one sent with plain ``requests``).

    Without a ``redactor`` (which knows the secrets seen so far), tokens and passwords are still
    recognised by where they sit: the X-Auth-Token header, a "password" key.
    """
    r = redactor or Redactor()
    request = response.request
    return Exchange(
        method=request.method or "", url=r.text(request.url or ""),
        request_headers=r.headers(dict(request.headers)), request_body=r.body(request.body),
        status=response.status_code, reason=response.reason or "",
        response_headers=r.headers(dict(response.headers)), response_body=r.body(response.content),
        elapsed=response.elapsed.total_seconds(), attempt=attempt)


def _parse_retry_after(value: str | None) -> float | None:
    """Retry-After is either seconds ("120") or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        return parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None
