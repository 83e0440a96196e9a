"""Sim mode: find the simulator on 127.0.0.1, or start one inside this Python process.

A simulator started by ``conoha-learn sim`` in a terminal is shared by every notebook; if none is
running, `cl.connect()` starts one in a background thread of the kernel, which lives as long as
the kernel (and keeps its servers between ``connect()`` calls).
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

from .errors import ConfigError
from .i18n import _

if TYPE_CHECKING:
    from .sim import Simulator

PORT_VARIABLE = "CONOHA_LEARN_SIM_PORT"
HOST = "127.0.0.1"

_embedded: dict[int, Simulator] = {}  # port asked for → simulator started in this process


def probe(port: int) -> str:
    """What listens on the port: "sim", "free" or "other". Uses the simulator's /_sim page."""
    import requests

    try:
        r = requests.get(f"http://{HOST}:{port}/_sim", timeout=(0.5, 2))
    except requests.exceptions.ConnectionError:
        return "free"
    except requests.exceptions.RequestException:
        return "other"
    try:
        return "sim" if r.ok and "simulator" in r.json() else "other"
    except ValueError:
        return "other"


def configured_port() -> tuple[int, bool]:
    """The port to use and whether the learner chose it (CONOHA_LEARN_SIM_PORT)."""
    from .sim import DEFAULT_PORT

    text = os.environ.get(PORT_VARIABLE)
    if not text:
        return DEFAULT_PORT, False
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(_("{variable}={value!r} is not a port number (1-65535).").format(
                              variable=PORT_VARIABLE, value=text),
                          hint=_("Set {variable} to a free port between 1 and 65535 (such as 8766), "
                                 "or unset it to use the simulator's usual port {port}.").format(
                                     variable=PORT_VARIABLE, port=DEFAULT_PORT))
    return int(text), True


def find_or_start() -> tuple[str, Simulator | None]:
    """The simulator's base URL, and the Simulator object when this process runs it."""
    port, chosen = configured_port()
    if port in _embedded:
        return _embedded[port].url, _embedded[port]
    found = probe(port)
    if found == "sim":
        return f"http://{HOST}:{port}", None
    if found == "other":
        if chosen:
            raise ConfigError(_("Something that is not the conoha-learn simulator is listening on "
                                "{host}:{port} ({variable}).").format(
                                    host=HOST, port=port, variable=PORT_VARIABLE),
                              hint=_("Stop that program, or choose another port in "
                                     "{variable}.").format(variable=PORT_VARIABLE))
        warnings.warn(_("Port {port} is used by another program; starting the simulator on a free "
                        "port instead (set {variable} to choose one).").format(
                            port=port, variable=PORT_VARIABLE), stacklevel=3)
        return _start(port, 0)
    return _start(port, port)


def _start(key: int, port: int) -> tuple[str, Simulator]:
    from .sim import Simulator

    sim = Simulator(host=HOST, port=port).start()
    _embedded[key] = sim
    return sim.url, sim


def stop_embedded() -> None:
    """Stop the simulators this process started (tests; a notebook rarely needs it)."""
    while _embedded:
        _, sim = _embedded.popitem()
        sim.stop()
