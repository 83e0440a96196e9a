"""Sim mode: find the simulator on 127.0.0.1, or start one inside this Python process.

A simulator started by ``conoha-learn sim`` in a terminal is shared by every notebook; if none is
running, `cl.connect()` starts one in a background thread of the kernel, which lives as long as
the kernel (and keeps its servers between ``connect()`` calls).

On a shared machine (private mode, sim/private.py) the simulator's random password and secret
are written to a file only its owner can read, ``~/.conoha-learn/simulator.json``
(``CONOHA_LEARN_PRIVATE_FILE`` to put it elsewhere): the owner's ``cl.connect()``,
``%openstack`` and ``cl.use_in_terminal()`` find the simulator and log in from it. The file goes
when its simulator's process exits. Each user's port defaults to one of their own there
(:func:`user_port`, from the uid), so a room's learners do not all reach for 8765.

Several kernels may start at once and see the same port free: the port is taken by binding it,
and whoever loses that race uses the winner's simulator (when it may) or a free port.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .config import write_private
from .errors import ConfigError
from .i18n import _
from .sim import private as private_mode

if TYPE_CHECKING:
    from .sim import Simulator

PORT_VARIABLE = "CONOHA_LEARN_SIM_PORT"
FILE_VARIABLE = "CONOHA_LEARN_PRIVATE_FILE"
HOST = "127.0.0.1"

_embedded: dict[int, Simulator] = {}  # port asked for → simulator started in this process


def probe(port: int) -> str:
    """What listens on the port: "sim", "free" or "other". Uses the simulator's /_sim page."""
    return _probe_url(f"http://{HOST}:{port}")


def _probe_url(url: str, secret: str | None = None) -> str:
    import requests

    headers = {private_mode.SECRET_HEADER: secret} if secret else {}
    try:
        r = requests.get(f"{url}/_sim", headers=headers, timeout=(0.5, 2))
    except requests.exceptions.ConnectionError:
        return "free"
    except requests.exceptions.RequestException:
        return "other"
    try:
        return "sim" if r.ok and "simulator" in r.json() else "other"
    except ValueError:
        return "other"


USER_PORTS = (20000, 10000)  # private mode: user_port() is in 20000-29999, below Linux's ephemeral range


def user_port(uid: int | None = None) -> int:
    """The default port of a user's private simulator: 20000 + uid % 10000 (uid 1001: 21001).

    On a shared machine every learner's first ``cl.connect()`` would otherwise try 8765 at once;
    with one port each they do not meet (two uids 10000 apart do, and one falls back to a free port).
    """
    first, count = USER_PORTS
    return first + (os.getuid() if uid is None else uid) % count


def configured_port() -> tuple[int, bool]:
    """The port to use and whether the learner chose it (CONOHA_LEARN_SIM_PORT).

    Unset: 8765, or in private mode the user's own port (:func:`user_port`)."""
    from .sim import DEFAULT_PORT

    text = os.environ.get(PORT_VARIABLE)
    if not text:
        return (user_port() if private_enabled() else DEFAULT_PORT), False
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(_("{variable}={value!r} is not a port number (1-65535).").format(
                              variable=PORT_VARIABLE, value=text),
                          hint=_("Set {variable} to a free port between 1 and 65535 (such as 8766), "
                                 "or unset it to use the simulator's usual port {port}.").format(
                                     variable=PORT_VARIABLE, port=DEFAULT_PORT))
    return int(text), True


def private_enabled() -> bool:
    """CONOHA_LEARN_PRIVATE_SIM, with a learner-readable error when it is neither on nor off."""
    try:
        return private_mode.enabled()
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def find_or_start(say: Callable[[str], None] | None = None) -> tuple[str, Simulator | None]:
    """The simulator's base URL, and the Simulator object when this process runs it.

    Your own private simulator (from the file) first; then the port. ``say`` is told when the
    port is taken and another one is used (default: a warning).
    """
    port, chosen = configured_port()
    if port in _embedded:
        return _embedded[port].url, _embedded[port]
    mine = own_simulator()
    if mine is not None:
        return mine["url"], None
    private = private_enabled()
    found = probe(port)
    if found == "sim" and not private:  # in private mode, only a simulator of our own will do
        return f"http://{HOST}:{port}", None
    if found == "free":
        sim = _bound(port, private)
        if sim is not None:
            return _serve(port, sim)
        # Someone bound it between our probe and our bind: use theirs if it is ours to use.
        winner = _winner(port, private)
        if winner is not None:
            return winner, None
    if chosen and not private:
        raise ConfigError(_("Something that is not the conoha-learn simulator is listening on "
                            "{host}:{port} ({variable}).").format(host=HOST, port=port,
                                                                  variable=PORT_VARIABLE),
                          hint=_("Stop that program, or choose another port in {variable}.")
                          .format(variable=PORT_VARIABLE))
    message = _("Port {port} is used by another program (or another user's simulator); starting "
                "the simulator on a free port instead (set {variable} to choose one).").format(
        port=port, variable=PORT_VARIABLE)
    if say is None:
        warnings.warn(message, stacklevel=3)
    else:
        say(message)
    sim = _bound(0, private)
    if sim is None:
        raise ConfigError(_("Cannot open any port on {host} for the simulator.").format(host=HOST),
                          hint=_("Run `conoha-learn sim --port 0` in a terminal to see why."))
    return _serve(port, sim)


def _bound(port: int, private: bool) -> Simulator | None:
    """A simulator that holds the port, or None when it cannot bind it (taken: EADDRINUSE).

    Binding is the only test of a port that no other process can overtake. Werkzeug reports a
    failed bind on stderr and with ``sys.exit(1)``; a learner's cell should see neither.
    """
    from .sim import Simulator

    sim = Simulator(host=HOST, port=port, private=private)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            sim.bind()
    except (SystemExit, OSError):
        sim.stop()
        return None
    return sim


def _winner(port: int, private: bool, wait: float = 2.0) -> str | None:
    """The URL of the simulator that won the race for the port, if this process may use it:
    our own private one (once its file is written), or any public one."""
    deadline = time.monotonic() + wait
    while True:
        mine = own_simulator()
        if mine is not None:
            return mine["url"]
        if not private and probe(port) == "sim":
            return f"http://{HOST}:{port}"
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)


def _serve(key: int, sim: Simulator) -> tuple[str, Simulator]:
    sim.start()
    _embedded[key] = sim
    if sim.secret is not None:
        publish(sim)
        atexit.register(withdraw, sim)  # the kernel exits: its password and secret mean nothing now
    return sim.url, sim


def stop_embedded() -> None:
    """Stop the simulators this process started (tests; a notebook rarely needs it)."""
    while _embedded:
        _, sim = _embedded.popitem()
        withdraw(sim)
        sim.stop()


# --- the owner's file (private mode) -------------------------------------------------------------

def private_file() -> Path:
    """Where a private simulator's password and secret are kept for its owner."""
    return Path(os.environ.get(FILE_VARIABLE) or Path.home() / ".conoha-learn" / "simulator.json")


def publish(sim: Simulator) -> Path:
    """Write a private simulator's address, secret and learner password for its owner (0600)."""
    path = private_file()
    creds = sim.credentials()
    record = {"url": sim.url, "pid": os.getpid(), "header": private_mode.SECRET_HEADER,
              "secret": sim.secret, "user_name": creds["OS_USERNAME"],
              "password": creds["OS_PASSWORD"], "project_id": creds["OS_PROJECT_ID"]}
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the folder too: nobody lists it
    write_private(path, json.dumps(record, indent=2) + "\n")
    return path


def withdraw(sim: Simulator) -> None:
    """Remove the owner's file if it still describes ``sim`` (another may have replaced it)."""
    record = read_private_file()
    if sim.secret is not None and record is not None and record.get("secret") == sim.secret:
        private_file().unlink(missing_ok=True)


def read_private_file() -> dict | None:
    """The owner's file, or None when there is none (or it is not a simulator record)."""
    try:
        record = json.loads(private_file().read_text())
    except (OSError, ValueError):
        return None
    wanted = ("url", "secret", "password")
    return record if isinstance(record, dict) and all(isinstance(record.get(k), str) for k in wanted) \
        else None


def own_simulator() -> dict | None:
    """The record of our own private simulator, if it still answers; a stale file is removed.

    Ours means: it accepts our secret, and refuses a request without it (a simulator that
    answers both is some other one now listening on that port).
    """
    record = read_private_file()
    if record is None:
        return None
    if _probe_url(record["url"], record["secret"]) == "sim" and _probe_url(record["url"]) != "sim":
        return record
    private_file().unlink(missing_ok=True)  # stale: its password must not be tried elsewhere
    return None


def learner_password(base_url: str) -> str | None:
    """The learner password of our private simulator at ``base_url``; None for a public one."""
    for sim in _embedded.values():
        if sim.url == base_url and sim.secret is not None:
            return sim.credentials()["OS_PASSWORD"]
    record = read_private_file()
    return record["password"] if record is not None and record["url"] == base_url.rstrip("/") else None


def control_headers(base_url: str) -> dict[str, str]:
    """Headers for a request to ``base_url``/_sim/...: the secret, when the simulator is our
    private one: ``requests.post(url + "/_sim/reset", headers=control_headers(url))``."""
    for sim in _embedded.values():
        if sim.url == base_url and sim.secret is not None:
            return {private_mode.SECRET_HEADER: sim.secret}
    record = read_private_file()
    if record is not None and record["url"] == base_url.rstrip("/"):
        return {private_mode.SECRET_HEADER: record["secret"]}
    return {}
