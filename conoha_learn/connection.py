"""The connection: one token, the catalog, raw REST verbs, and the services as attributes.

    import conoha_learn as cl
    conn = cl.connect()                          # sim mode: the local simulator
    conn.get("compute", "/flavors")              # any REST call, parsed JSON back
    print(conn.last_exchange)                    # what went over the wire (secrets hidden)
    conn.compute.servers()                       # a DataFrame

One token per connection, reused for every call: it is renewed shortly before it expires, and if a
call is answered 401 anyway (the token was revoked, the server restarted) we log in again once
and repeat the call once.
"""

from __future__ import annotations

import shlex
import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import cassette
from . import catalog as catalog_module
from .auth import Token, authenticate, normalise_version
from .block_storage import BlockStorage
from .cleanup import CleanupReport, cleanup
from .compute import Compute
from .config import (WHERE_TO_PUT_CREDENTIALS, Credentials, find_credentials, from_env,
                     ignored_in_sim, resolve_mode)
from .errors import ConfigError, api_error, server_message
from .http import Exchange, Transport
from .i18n import _
from .image import Image
from .network import Network
from .object_store import ObjectStore
from .redact import SafeDict

if TYPE_CHECKING:
    import pandas as pd
    import requests

    from .sim import Simulator

REFRESH_MARGIN = 300.0  # renew a token 5 minutes before it expires, as the ConoHa SDKs do

_current: Connection | None = None  # the last connect()'s connection (see current())


class Connection:
    """A logged-in session with one ConoHa (or simulator) project. Make one with `connect()`."""

    def __init__(self, credentials: Credentials, *, mode: str = "sim",
                 transport: Transport | None = None, refresh_margin: float = REFRESH_MARGIN,
                 clock: Callable[[], float] = time.time, simulator: Simulator | None = None):
        self.credentials = credentials
        self.mode = mode
        self.transport = transport or Transport()
        self.refresh_margin = refresh_margin
        self.clock = clock  # replaceable, so tests can move time forward
        self.simulator = simulator  # set when this process runs the simulator we talk to
        self.created_keypairs: set[str] = set()  # what cleanup() may delete besides tagged servers
        self._token: Token | None = None

    # --- the token ---------------------------------------------------------------------------

    def authenticate(self) -> Token:
        """Request a new token now (normally automatic)."""
        self._token = authenticate(self.transport, self.credentials, now=self.clock())
        return self._token

    @property
    def token(self) -> Token:
        """The current token; renewed when less than ``refresh_margin`` seconds remain."""
        if self._token is None or self._expiring(self._token):
            self.authenticate()
        return self._token

    def export_token(self) -> str:
        """``export OS_TOKEN=...``, the line to paste into a terminal before a command from
        ``as_curl()`` (which sends ``$OS_TOKEN``). It holds the token itself, a secret for a day
        on real ConoHa: print it and paste it, never save it (in a terminal with the ``OS_*``
        settings, ``export OS_TOKEN=$(openstack token issue -f value -c id)`` does the same)."""
        return f"export OS_TOKEN={shlex.quote(self.token.id)}"

    def _expiring(self, token: Token) -> bool:
        # For a very short-lived token (a test's), renew at half-life instead of never using it.
        margin = min(self.refresh_margin, token.lifetime / 2) if token.lifetime else self.refresh_margin
        return token.seconds_left(self.clock()) <= margin

    # --- the catalog ---------------------------------------------------------------------------

    @property
    def catalog(self) -> pd.DataFrame:
        """The service catalog as a table: type, name, region, interface, url."""
        return catalog_module.frame(self.token.catalog)

    def endpoint(self, service_type: str, region: str | None = None,
                 interface: str | None = None) -> str:
        """The URL of a service, e.g. ``conn.endpoint("compute")``.

        ``block-storage``, ``volumev3`` and ``volume`` all find Cinder. Region and interface
        default to the connection's (``c3j1`` and ``public`` on ConoHa).
        """
        return catalog_module.find(self.token.catalog, service_type,
                                   region=region or self.credentials.region,
                                   interface=interface or self.credentials.interface)

    def url_for(self, service_type: str, path: str) -> str:
        """Endpoint + path. A full URL is allowed only on a host from the catalog."""
        if not isinstance(path, str):
            raise ConfigError(_("path must be a string such as '/servers', not {type}.").format(
                type=type(path).__name__))
        if path.startswith(("http://", "https://")):
            self._check_host(path)
            return path
        return self.endpoint(service_type).rstrip("/") + "/" + path.lstrip("/")

    def _check_host(self, url: str) -> None:
        # The token goes with every request: never send it to a host the catalog does not name.
        hosts = {urlsplit(row["url"]).netloc for row in catalog_module.rows(self.token.catalog)}
        if urlsplit(url).netloc not in hosts:
            raise ConfigError(_("{url} is not on a host from the service catalog; refusing to send "
                                "your token there. Catalog hosts: {hosts}.").format(
                                    url=url, hosts=", ".join(sorted(hosts))))

    # --- raw REST verbs ---------------------------------------------------------------------------

    def request(self, method: str, service_type: str, path: str, *, json: Any = None,
                params: dict | None = None, headers: dict[str, str] | None = None,
                data: bytes | None = None, raw: bool = False) -> Any:
        """Call any API. Returns the parsed JSON (None for an empty body), or the
        requests.Response with ``raw=True``. ``data`` is a body sent as it is (an object's
        bytes). Errors raise typed `ApiError` subclasses."""
        url = self.url_for(service_type, path)
        response, exchange = self._send(method, url, json=json, params=params, headers=headers,
                                        data=data)
        if response.status_code == 401:
            # The token was refused (revoked, expired early, server restarted): log in again
            # once and repeat the call once. A second 401 is a real authentication problem.
            self.authenticate()
            response, exchange = self._send(method, url, json=json, params=params, headers=headers,
                                            data=data)
        if response.status_code >= 400:
            raise self._error(response, exchange)
        if raw:
            return response
        return _parse(response)

    def _send(self, method: str, url: str, *, headers: dict[str, str] | None,
              **kwargs: Any) -> tuple[requests.Response, Exchange]:
        headers = {**(headers or {}), "X-Auth-Token": self.token.id}
        return self.transport.request(method, url, headers=headers, **kwargs)

    @staticmethod
    def _error(response: requests.Response, exchange: Exchange) -> Exception:
        message = server_message(exchange.response_body, response.reason)
        hint = ""
        if exchange.attempt > 1:
            hint = _("Tried {count} times with pauses in between; wait a while and retry.").format(
                count=exchange.attempt)
        return api_error(response.status_code, message, method=exchange.method, url=exchange.url,
                         request_id=exchange.request_id, exchange=exchange, hint=hint)

    def get(self, service_type: str, path: str, **kwargs: Any) -> Any:
        """``conn.get("compute", "/servers/detail")``"""
        return self.request("GET", service_type, path, **kwargs)

    def post(self, service_type: str, path: str, **kwargs: Any) -> Any:
        """``conn.post("compute", f"/servers/{id}/action", json={"os-stop": None})``"""
        return self.request("POST", service_type, path, **kwargs)

    def put(self, service_type: str, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", service_type, path, **kwargs)

    def patch(self, service_type: str, path: str, **kwargs: Any) -> Any:
        return self.request("PATCH", service_type, path, **kwargs)

    def delete(self, service_type: str, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", service_type, path, **kwargs)

    # --- the transcript ---------------------------------------------------------------------------

    @property
    def last_exchange(self) -> Exchange | None:
        """The last HTTP request and response (``print`` it, or ``.as_curl()``)."""
        return self.transport.history[-1] if self.transport.history else None

    @property
    def history(self) -> list[Exchange]:
        """The recent exchanges, oldest first (the last 100)."""
        return list(self.transport.history)

    # --- services -----------------------------------------------------------------------------------

    @cached_property
    def compute(self) -> Compute:
        """Nova: flavors, servers, keypairs."""
        return Compute(self)

    @cached_property
    def block_storage(self) -> BlockStorage:
        """Cinder: volume types and volumes (a ConoHa server boots from a volume)."""
        return BlockStorage(self)

    @cached_property
    def image(self) -> Image:
        """Glance: the OS images."""
        return Image(self)

    @cached_property
    def object_store(self) -> ObjectStore:
        """Swift: containers and objects (files)."""
        return ObjectStore(self)

    @cached_property
    def network(self) -> Network:
        """Neutron: security groups."""
        return Network(self)

    def cleanup(self, *, wait: bool = True, progress: bool = True,
                timeout: float = 600) -> CleanupReport:
        """Delete what this library created (tagged servers, their boot volumes, tagged
        additional volumes, saved images, containers, keypairs made here); anything else is left
        alone. Waits (``timeout`` seconds in all) until what it deleted is gone. Returns a report
        of what was removed, what was not, and what is still billed."""
        return cleanup(self, wait=wait, progress=progress, timeout=timeout)

    # --- lifetime and display -------------------------------------------------------------------------

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        c = self.credentials
        user = c.username or c.user_id
        project = c.project_name or c.project_id
        if self._token is not None:
            user = self._token.user.get("name") or user
            project = (self._token.project or {}).get("name") or project
        return (f"<Connection mode={self.mode} user={user} project={project} "
                f"region={c.region} auth_url={c.auth_url}>")


def _parse(response: requests.Response) -> Any:
    """The JSON body, every object in it a SafeDict (printing hides adminPass, private_key...)."""
    if not response.content:
        return None
    try:
        return response.json(object_hook=SafeDict)
    except ValueError:
        return response.text


# --- connect() ------------------------------------------------------------------------------------------

def sim_credentials(base_url: str, identity_api_version: str | None = None,
                    password: str | None = None) -> Credentials:
    """The simulator's default learner account (see conoha_learn/sim/seed.py); a private
    simulator's random password comes from its owner's file (local_sim.py)."""
    from .local_sim import learner_password
    from .sim.seed import ACCOUNTS, DOMAIN, REGION

    account = ACCOUNTS[0]
    legacy = normalise_version(identity_api_version) == "2.0"
    password = password or learner_password(base_url) or account["password"]
    return Credentials(
        auth_url=f"{base_url}/identity/" + ("v2.0" if legacy else "v3"),
        username=account["user_name"], password=password,
        project_id=account["project_id"], user_domain_name=None if legacy else DOMAIN["name"],
        region=None if legacy else REGION, source=_("the simulator's default account"))


def connect(mode: str | None = None, *, sim: Simulator | None = None, cloud: str | None = None,
            credentials: Credentials | None = None, auth_url: str | None = None,
            username: str | None = None, user_id: str | None = None, password: str | None = None,
            project_id: str | None = None, project_name: str | None = None,
            user_domain_name: str | None = None, region: str | None = None,
            identity_api_version: str | None = None,
            timeout: float | tuple[float, float] = (5.0, 60.0), max_retries: int = 3,
            refresh_margin: float = REFRESH_MARGIN) -> Connection:
    """Log in and return a `Connection`.

    >>> conn = cl.connect()                       # sim: the local simulator, default account
    >>> conn = cl.connect(sim=my_simulator)       # a Simulator object you started
    >>> conn = cl.connect("live")                 # real ConoHa: OS_* variables or clouds.yaml
    >>> conn = cl.connect("live", cloud="conoha") # one entry of clouds.yaml
    >>> conn = cl.connect(identity_api_version="2.0")   # the 2015 API (sim)

    The mode comes from ``mode``, else CONOHA_LEARN_MODE, else "sim". Keyword arguments such as
    ``password=`` or ``region=`` override whatever was found.
    """
    global _current
    mode = resolve_mode("sim" if mode is None and sim is not None else mode)
    if mode in ("replay", "record"):
        cassette.ensure_active(mode)  # before any requests.Session exists (vcrpy patches new ones)
    overrides = dict(auth_url=auth_url, username=username, user_id=user_id, password=password,
                     project_id=project_id, project_name=project_name,
                     user_domain_name=user_domain_name, region=region,
                     identity_api_version=identity_api_version)
    simulator = None
    if credentials is None and mode == "sim":
        credentials, simulator = _sim_login(sim, cloud, auth_url, identity_api_version)
    elif credentials is None and mode == "replay":
        credentials = _replay_login(identity_api_version)
    elif credentials is None and mode == "record" and find_credentials(cloud) is None:
        # record: the cloud OS_* or clouds.yaml name (`conoha-learn record` puts a fresh
        # simulator's there), else the simulator sim mode would use
        credentials, simulator = _sim_login(sim, cloud, auth_url, identity_api_version)
    elif credentials is None:
        credentials = _live_login(cloud, any(overrides.values()))
    credentials = credentials.merged(**overrides)
    missing = credentials.missing()
    if missing:
        raise ConfigError(_("Missing {missing} (credentials from {source}).").format(
                              missing=_("; ").join(missing), source=credentials.source),
                          hint=WHERE_TO_PUT_CREDENTIALS)
    conn = Connection(credentials, mode=mode, refresh_margin=refresh_margin,
                      transport=Transport(timeout=timeout, max_retries=max_retries),
                      simulator=simulator or sim)
    conn.authenticate()  # now, so a wrong password shows up here and not three cells later
    _current = conn
    return conn


_said: set[str] = set()  # notices already given in this process


def _sim_login(sim: Simulator | None, cloud: str | None, auth_url: str | None,
               identity_api_version: str | None) -> tuple[Credentials, Simulator | None]:
    """The simulator's default account, on the given simulator, at auth_url, or on the one
    found (or started) on 127.0.0.1."""
    if cloud is not None:
        raise ConfigError(_("cloud={cloud!r} picks an entry of clouds.yaml, which is for real "
                            "ConoHa: use cl.connect('live', cloud=...). Sim mode logs in to the "
                            "simulator's own account.").format(cloud=cloud))
    started = None
    if sim is not None:
        base_url = sim.url
    elif auth_url is not None:
        base_url = auth_url.split("/identity")[0]
    else:
        from .inprocess import find_or_start  # a port of 127.0.0.1, or in this process (a page)
        base_url, started = find_or_start()
        notice = ignored_in_sim()
        if notice and notice not in _said:  # once per process
            _said.add(notice)
            warnings.warn(notice, stacklevel=3)
    password = sim.credentials()["OS_PASSWORD"] if sim is not None else None
    return sim_credentials(base_url, identity_api_version, password), started


def _replay_login(identity_api_version: str | None) -> Credentials:
    """The credentials the cassette was recorded with (placeholders where they were scrubbed):
    replayed requests must go to the recorded URLs."""
    path = cassette.active()[1]
    found = from_env(cassette.replay_credentials(path, normalise_version(identity_api_version)))
    return replace(found, source=_("the cassette {name}").format(name=path.name))


def _live_login(cloud: str | None, has_arguments: bool) -> Credentials:
    """Credentials from clouds.yaml or OS_*; an empty set when only arguments were given."""
    found = find_credentials(cloud)
    if found is None and not has_arguments:
        raise ConfigError(_("Live mode needs your ConoHa API credentials, and none were found."),
                          hint=WHERE_TO_PUT_CREDENTIALS)
    return found or Credentials()


def current() -> Connection | None:
    """The connection the last successful `connect()` in this process made, or None.

    ``%openstack`` uses it to reach the same cloud as the notebook's ``conn``.
    """
    return _current
