"""conoha-learn: learn the OpenStack REST API hands-on, with ConoHa as the running example.

    import conoha_learn as cl
    conn = cl.connect()                 # the local simulator; cl.connect("live") for real ConoHa
    conn.compute.flavors()              # a table of plans
    print(conn.last_exchange)           # the HTTP request and response behind it
    print(conn.last_exchange.as_curl()) # the same call from a terminal

Importing this package is cheap: requests, pandas, ipywidgets, tqdm and yaml are loaded only when
first used, so the names below are fetched from their modules on first access.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    ApiError,
    AuthenticationError,
    BadRequest,
    CannotConnect,
    ConfigError,
    Conflict,
    ConohaLearnError,
    Forbidden,
    NotFound,
    NotFoundLocally,
    OverLimit,
    RequestTimeout,
    ResourceFailed,
    ServiceUnavailable,
    WaitTimeout,
)

from ._version import __version__

# Public name → module that defines it (imported on first use; see __getattr__).
_LAZY = {
    "connect": "connection",
    "Connection": "connection",
    "Credentials": "config",
    "write_clouds_yaml": "clouds_yaml",
    "login_form": "login_form",
    "Exchange": "http",
    "Token": "auth",
    "check": "exercises",
    "hint": "exercises",
    "use_in_terminal": "magics",
    "set_language": "i18n",
    "browser_tab_notice": "browser",
    "in_browser_tab": "browser",
    "example_public_key": "browser",
}

__all__ = [
    "__version__", *_LAZY,
    "ConohaLearnError", "ConfigError", "NotFoundLocally", "CannotConnect", "RequestTimeout",
    "WaitTimeout", "ResourceFailed", "ApiError", "BadRequest", "AuthenticationError",
    "Forbidden", "NotFound", "Conflict", "OverLimit", "ServiceUnavailable",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # next time, a plain attribute
        return value
    raise AttributeError(f"module 'conoha_learn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext conoha_learn``: the ``%openstack`` magic (magics.py)."""
    from .magics import load_ipython_extension as load
    load(ipython)


def _set_up_jupyter_kernel() -> None:
    """In a Jupyter kernel: register ``%openstack``, and start the cassette that
    CONOHA_LEARN_MODE=replay/record asks for before the notebook sends anything (cassette/)."""
    import os
    import sys

    if "IPython" not in sys.modules:  # a plain script: nothing to do, nothing imported
        return
    from .magics import register_in_running_kernel
    if register_in_running_kernel() and os.environ.get("CONOHA_LEARN_MODE", "").strip().lower() \
            in ("replay", "record"):
        from .cassette import activate_from_environment
        activate_from_environment()


_set_up_jupyter_kernel()


if TYPE_CHECKING:  # for editors and type checkers; at run time these come from __getattr__
    # ruff: noqa: F401
    from .auth import Token
    from .browser import browser_tab_notice, example_public_key, in_browser_tab
    from .clouds_yaml import write_clouds_yaml
    from .config import Credentials
    from .connection import Connection, connect
    from .http import Exchange
    from .i18n import set_language
    from .login_form import login_form
