"""Server actions (POST /servers/{id}/action): stop, start and reboot, with Nova's state checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import fields, lifecycle
from ..call import Call, Reply
from ..errors import ApiError
from .server_views import RUNNING, STOPPED, load_server

if TYPE_CHECKING:
    from ..state import SimState

NOT_SIMULATED_ACTIONS = {"resize", "confirmResize", "revertResize", "createImage", "changePassword",
                         "rebuild", "os-getConsoleOutput", "os-getVNCConsole"}


def _require_state(server: dict, action: str, vm_states: set[str]) -> None:
    """Nova's check, and its wording, for an action that does not fit the server's state."""
    if server["vm_state"] not in vm_states:
        raise ApiError(409, f"Cannot '{action}' instance {server['id']} while it is in "
                            f"vm_state {server['vm_state']}")
    if server["task_state"] is not None:
        raise ApiError(409, f"Cannot '{action}' instance {server['id']} while it is in "
                            f"task_state {server['task_state']}")


def _stop(sim: SimState, server: dict, argument) -> None:
    # {"os-stop": null}, or ConoHa's forced stop {"os-stop": {"force_shutdown": true}}.
    if argument is not None:
        if not isinstance(argument, dict):
            raise fields.invalid("os-stop", argument, 'Send null, or {"force_shutdown": true}.')
        fields.flag(argument, "force_shutdown", False, field="os-stop/force_shutdown")
    _require_state(server, "stop", {"active"})
    lifecycle.begin(sim, server, {"task_state": "powering-off"}, STOPPED)


def _start(sim: SimState, server: dict, argument) -> None:
    if argument is not None and argument != {}:
        raise fields.invalid("os-start", argument, "Send null.")
    _require_state(server, "start", {"stopped"})
    lifecycle.begin(sim, server, {"task_state": "powering-on"}, RUNNING)


def _reboot(sim: SimState, server: dict, argument) -> None:
    kind = argument.get("type") if isinstance(argument, dict) else None
    if not isinstance(kind, str) or kind.upper() not in ("SOFT", "HARD"):
        raise fields.invalid("reboot", argument, 'Send {"type": "SOFT"} or {"type": "HARD"}.')
    if kind.upper() == "SOFT":
        _require_state(server, "reboot", {"active"})
        lifecycle.begin(sim, server, {"status": "REBOOT", "task_state": "rebooting"}, RUNNING)
    else:  # a hard reboot also powers on a stopped server, as in Nova
        _require_state(server, "reboot", {"active", "stopped"})
        lifecycle.begin(sim, server, {"status": "HARD_REBOOT", "task_state": "rebooting_hard"},
                        RUNNING)


ACTIONS = {"os-stop": _stop, "os-start": _start, "reboot": _reboot}


def server_action(call: Call) -> Reply:
    """POST /servers/{id}/action with one action, e.g. ``{"os-stop": null}``: 202, no body."""
    body = call.body()
    if len(body) != 1:
        raise ApiError(400, 'Invalid action body: send exactly one action, like {"os-stop": null}.')
    (name, argument), = body.items()
    if name in NOT_SIMULATED_ACTIONS:
        raise ApiError(501, f"The '{name}' action is not simulated. Supported: "
                            f"{', '.join(ACTIONS)}.")
    if name not in ACTIONS:
        raise ApiError(400, f"There is no such action: {fields.clip(name)}. "
                            f"Supported: {', '.join(ACTIONS)}.")
    with call.sim.store.transaction():
        server = load_server(call)
        ACTIONS[name](call.sim, server, argument)
        call.sim.store.put("server", server, call.project_id)
    return Reply(None, 202)
