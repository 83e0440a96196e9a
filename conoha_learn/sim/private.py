"""Private mode: on a machine several learners share, only the owner can use their simulator.

Users of one machine (The Littlest JupyterHub without containers, a shared lab PC) share
``127.0.0.1``: anyone could log in to anyone's simulator with the documented learner password,
or reset it. In private mode (``CONOHA_LEARN_PRIVATE_SIM=1``, which the hub's spawner sets;
``conoha-learn sim --private``; ``Simulator(private=True)``):

* the seeded learner accounts get random passwords, so nobody else can get a token, and every
  OpenStack call without one is answered 401 as usual;
* the control API ``/_sim/*`` wants this simulator's secret in the ``X-Conoha-Learn-Secret``
  header, and answers 401 (Keystone's error body) without it.

The owner's tools learn both from a file only the owner can read (conoha_learn/local_sim.py).
That file goes when its simulator does: ``conoha-learn sim`` removes it when it stops, and a kernel
whose ``cl.connect()`` started the simulator removes it when it exits. A process killed outright
(SIGKILL, ``os._exit``) cannot; the next ``cl.connect()`` finds that simulator gone and removes
the file then. On a hub, stop servers with SIGTERM so their kernels exit cleanly
(deploy/jupyterhub_config.py).
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..i18n import _
from . import seed
from .errors import ApiError

if TYPE_CHECKING:
    from .call import Call, Reply
    from .state import SimState

VARIABLE = "CONOHA_LEARN_PRIVATE_SIM"
SECRET_HEADER = "X-Conoha-Learn-Secret"
ON, OFF = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether CONOHA_LEARN_PRIVATE_SIM asks for private mode."""
    value = environ.get(VARIABLE, "").strip().lower()
    if value not in ON + OFF:
        raise ValueError(_("{variable}={value!r}: use 1 to make the simulator private (a shared "
                           "machine), or 0 (or leave it unset) for the documented accounts.")
                         .format(variable=VARIABLE, value=environ[VARIABLE]))
    return value in ON


def private_settings(config: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Simulator settings with a random password for each seeded account, and a new secret."""
    state_file = config.get("state_file")
    if state_file and os.path.exists(state_file):
        # Its accounts were made with other passwords; the new ones would open nothing.
        raise ValueError(_("A private simulator starts with new random passwords, so it cannot "
                           "reuse the state file {path}: start it without the state file, or "
                           "delete the file.").format(path=state_file))
    # secrets, not random: these are what keeps other users of the machine out.
    passwords = tuple("Sim-" + secrets.token_urlsafe(18) for _ in seed.ACCOUNTS)
    return {**config, "account_passwords": passwords}, secrets.token_urlsafe(32)


class ControlGuard:
    """Consulted before every request: ``/_sim/*`` without the secret is refused, everything
    else goes on to the hook that was there before (fault injection)."""

    def __init__(self, secret: str, then: Callable[[Call], Reply | None] | None):
        self.secret = secret.encode()
        self.then = then

    def __call__(self, call: Call) -> Reply | None:
        if call.service == "_sim":
            given = call.request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
            if not hmac.compare_digest(given, self.secret):  # constant time: no guessing by timing
                raise ApiError(401, f"This simulator is private: its control API needs the "
                                    f"{SECRET_HEADER} header of the user who started it.")
        return self.then(call) if self.then is not None else None


def guard(state: SimState, secret: str) -> None:
    """Put the secret check in front of whatever ``state`` consults before each request."""
    state.before_request = ControlGuard(secret, state.before_request)
