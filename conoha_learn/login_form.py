"""A login form for Jupyter, so a password never has to be typed into a code cell.

A widget can only be filled in after its cell has finished running, so logging in takes two
cells:

    form = cl.login_form()        # cell 1: shows the form; fill it in and press "Connect"
    conn = form.connection        # cell 2: the connection the button made

The password is read once when you press the button and then cleared from the form, so it is
not kept in the widget (whose state Jupyter can save into the notebook file).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .config import CONOHA_AUTH_URL, CONOHA_DOMAIN, CONOHA_REGION, find_credentials
from .connection import Connection, connect
from .errors import ConfigError, ConohaLearnError
from .i18n import _


class LoginForm:
    """Fields for auth URL, API user, password, tenant ID and region, and a Connect button."""

    def __init__(self, mode: str = "live", on_connect: Callable[[Connection], Any] | None = None,
                 **connect_kwargs: Any):
        import ipywidgets as w  # only when a form is wanted

        found = _found_credentials()
        # Wide enough for a whole tenant ID (32 hex digits) and the auth URL, with room for the
        # Japanese labels; narrower on a narrow screen. (ipywidgets' default cuts the tenant ID.)
        field = {"layout": w.Layout(width="min(100%, 44em)"), "style": {"description_width": "8em"}}
        self.mode = mode
        self.on_connect = on_connect
        self.connect_kwargs = connect_kwargs
        self.auth_url = w.Text(value=found.get("auth_url", CONOHA_AUTH_URL), description=_("Auth URL"),
                               **field)
        self.username = w.Text(value=found.get("username", ""), description=_("API user"),
                               placeholder=_("gncu12345678 (control panel → API)"), **field)
        self.password = w.Password(description=_("Password"), **field)
        self.project_id = w.Text(value=found.get("project_id", ""), description=_("Tenant ID"),
                                 placeholder=_("32 hex digits (control panel → API)"), **field)
        self.region = w.Text(value=found.get("region", CONOHA_REGION), description=_("Region"),
                             **field)
        self.button = w.Button(description=_("Connect"), button_style="primary", icon="sign-in")
        self.output = w.Output()
        self.button.on_click(self._connect)
        self.widget = w.VBox([self.auth_url, self.username, self.password, self.project_id,
                              self.region, self.button, self.output])
        self._connection: Connection | None = None

    def _connect(self, _button: Any = None) -> None:
        password = self.password.value
        self.password.value = ""  # do not keep it in the widget state
        self.output.clear_output()
        with self.output:
            try:
                self._connection = connect(
                    self.mode, auth_url=self.auth_url.value.strip(),
                    username=self.username.value.strip(), password=password,
                    project_id=self.project_id.value.strip(), region=self.region.value.strip(),
                    user_domain_name=CONOHA_DOMAIN, **self.connect_kwargs)
            except ConohaLearnError as exc:
                print(_("Could not connect: {error}").format(error=exc))
                return
            print(_("Connected: {connection!r}\nNext cell: conn = form.connection").format(
                connection=self._connection))
        if self.on_connect is not None:
            self.on_connect(self._connection)

    @property
    def connection(self) -> Connection:
        """The connection made by the Connect button."""
        if self._connection is None:
            raise ConfigError(_("Not connected yet: fill in the form above and press Connect, "
                                "then run this cell again."))
        return self._connection

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:  # Jupyter displays the widget
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        state = repr(self._connection) if self._connection else "not connected"
        return f"<LoginForm ({state}); display it in Jupyter>"


def _found_credentials() -> dict:
    """Prefill from OS_* / clouds.yaml when present (never the password)."""
    try:
        creds = find_credentials()
    except ConohaLearnError:
        return {}
    if creds is None:
        return {}
    values = {"auth_url": creds.auth_url, "username": creds.username,
              "project_id": creds.project_id, "region": creds.region}
    return {k: v for k, v in values.items() if v}


def login_form(mode: str = "live", on_connect: Callable[[Connection], Any] | None = None,
               **connect_kwargs: Any) -> LoginForm:
    """Show a login form (Jupyter). ``form.connection`` is the connection once you press Connect;
    ``on_connect(conn)`` is called then too, if given."""
    return LoginForm(mode, on_connect, **connect_kwargs)
