"""Run the simulator: in a background thread of this process, or in the foreground (CLI)."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import fields
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler, make_server

from ..i18n import _
from . import private as private_mode
from .app import SimApp
from .errors import ApiError, envelope, title
from .populate import ConohaSeeding
from .routes import all_routes
from .seed import ACCOUNTS, DOMAIN, REGION
from .state import SimConfig, SimState

DEFAULT_PORT = 8765


class _Handler(WSGIRequestHandler):
    # Headers and body go out in two writes, and Nagle's algorithm would hold the second ~40 ms
    # for a client that keeps the connection open (shared/reference notes). Werkzeug closes every
    # connection after its answer today (`Connection: close`), which sends both at once anyway;
    # this keeps answers quick should a version keep connections alive.
    disable_nagle_algorithm = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logging.getLogger("conoha_learn.sim.access").debug(
            '%s "%s" %s', self.address_string(), self.requestline, code)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Requests too broken to reach the app (a garbled request line, a URL over 64 KiB, an
        unknown HTTP version) are refused by http.server itself, which writes an HTML page.
        Write the JSON error envelope every other answer uses instead."""
        detail = message or title(code)
        self.log_error("code %d, message %s", code, detail)
        body = json.dumps(envelope("keystone", ApiError(code, detail))).encode()
        self.send_response(code, title(code))
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class Simulator:
    """A ConoHa-compatible API on one loopback port.

    >>> with Simulator(delay=0) as sim:          # port 0: any free port
    ...     print(sim.auth_url)                   # http://127.0.0.1:54321/identity/v3
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, private: bool | None = None,
                 **config: Any):
        known = {f.name for f in fields(SimConfig)}
        unknown = set(config) - known
        if unknown:
            raise TypeError(f"Unknown simulator setting(s): {', '.join(sorted(unknown))}. "
                            f"Known: {', '.join(sorted(known))}")
        self.host = host
        self.port = port
        # private: random passwords and a secret for /_sim (private.py); None: CONOHA_LEARN_PRIVATE_SIM
        self.secret: str | None = None
        if private_mode.enabled() if private is None else private:
            config, self.secret = private_mode.private_settings(config)
        self.state = SimState(SimConfig(**config), ConohaSeeding())
        if self.secret is not None:
            private_mode.guard(self.state, self.secret)
        self.app = SimApp(self.state, all_routes())
        self._server: ThreadedWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def bind(self) -> None:
        self._server = make_server(self.host, self.port, self.app, threaded=True,
                                   request_handler=_Handler)
        self.port = self._server.server_port
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.state.base_url = f"http://{host}:{self.port}"

    def start(self) -> Simulator:
        """Start serving in a daemon thread; returns once the port is open."""
        if self._server is None:
            self.bind()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name=f"conoha-sim:{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        if self._server is None:
            self.bind()
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.state.store.close()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what a client needs to know ------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.state.base_url

    @property
    def auth_url(self) -> str:
        return f"{self.url}/identity/v3"

    def credentials(self, account: int = 0) -> dict[str, str]:
        """OS_* variables for one of the seeded accounts, as the openstack CLI reads them."""
        a = ACCOUNTS[account]
        passwords = self.state.config.account_passwords
        return {"OS_AUTH_URL": self.auth_url, "OS_USERNAME": a["user_name"],
                "OS_PASSWORD": passwords[account] if passwords else a["password"],
                "OS_PROJECT_ID": a["project_id"],
                "OS_USER_DOMAIN_NAME": DOMAIN["name"], "OS_REGION_NAME": REGION,
                "OS_IDENTITY_API_VERSION": "3", "OS_INTERFACE": "public"}

    # -- display --------------------------------------------------------------------------------
    def _settings(self) -> str:
        cfg = self.state.config
        return (f"seed={cfg.seed} delay={cfg.delay:g}s token_lifetime={cfg.token_lifetime}s "
                f"state={cfg.state_file or 'memory'} private={'yes' if self.secret else 'no'}")

    def __repr__(self) -> str:
        where = self.url if self._server is not None else f"{self.host}:{self.port} (not started)"
        return f"<Simulator {where} {self._settings()}>"

    def __str__(self) -> str:
        if self._server is None:
            return _("ConoHa simulator, not started (sim.start(), or `with Simulator() as sim:`)\n"
                     "  settings  {settings}").format(settings=self._settings())
        return _("ConoHa simulator listening on {url}\n"
                 "  identity  {auth_url}  (region {region})\n"
                 "  control   {url}/_sim\n"
                 "  learner   {user} (tenant {tenant}); sim.credentials() gives the OS_* variables\n"
                 "  settings  {settings}").format(
            url=self.url, auth_url=self.auth_url, region=REGION, user=ACCOUNTS[0]["user_name"],
            tenant=ACCOUNTS[0]["project_name"], settings=self._settings())
