"""Server actions (POST /servers/{id}/action): the dispatcher, and stop, start and reboot, with
Nova's state checks. Plan change lives in resize.py, image save in save_image.py."""

from __future__ import annotations

from .. import fields, lifecycle
from ..call import Call, Reply
from ..errors import ApiError
from .resize import confirm_resize, resize, revert_resize
from .save_image import create_image
from .server_views import RUNNING, STOPPED, load_server, require_state

NOT_SIMULATED_ACTIONS = {"changePassword", "rebuild", "os-getConsoleOutput", "os-getVNCConsole",
                         "rescue", "unrescue"}


def _stop(call: Call, server: dict, argument) -> None:
    # {"os-stop": null}, or ConoHa's forced stop {"os-stop": {"force_shutdown": true}}.
    if argument is not None:
        if not isinstance(argument, dict):
            raise fields.invalid("os-stop", argument, 'Send null, or {"force_shutdown": true}.')
        fields.flag(argument, "force_shutdown", False, field="os-stop/force_shutdown")
    require_state(server, "stop", {"active"})
    lifecycle.begin(call.sim, server, {"task_state": "powering-off"}, STOPPED)


def _start(call: Call, server: dict, argument) -> None:
    if argument is not None and argument != {}:
        raise fields.invalid("os-start", argument, "Send null.")
    require_state(server, "start", {"stopped"})
    lifecycle.begin(call.sim, server, {"task_state": "powering-on"}, RUNNING)


def _reboot(call: Call, server: dict, argument) -> None:
    kind = argument.get("type") if isinstance(argument, dict) else None
    if not isinstance(kind, str) or kind.upper() not in ("SOFT", "HARD"):
        raise fields.invalid("reboot", argument, 'Send {"type": "SOFT"} or {"type": "HARD"}.')
    if kind.upper() == "SOFT":
        require_state(server, "reboot", {"active"})
        lifecycle.begin(call.sim, server, {"status": "REBOOT", "task_state": "rebooting"}, RUNNING)
    else:  # a hard reboot also powers on a stopped server, as in Nova
        require_state(server, "reboot", {"active", "stopped"})
        lifecycle.begin(call.sim, server, {"status": "HARD_REBOOT", "task_state": "rebooting_hard"},
                        RUNNING)


# Each action checks its argument and the server's state, then changes the server (saved by
# server_action). It returns None for Nova's usual 202 with no body, or its own Reply.
ACTIONS = {"os-stop": _stop, "os-start": _start, "reboot": _reboot, "resize": resize,
           "confirmResize": confirm_resize, "revertResize": revert_resize,
           "createImage": create_image}


def server_action(call: Call) -> Reply:
    """POST /servers/{id}/action with one action, e.g. ``{"os-stop": null}``: 202, no body
    (unless the action answers otherwise)."""
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
        reply = ACTIONS[name](call, server, argument)
        call.sim.store.put("server", server, call.project_id)
    return reply or Reply(None, 202)
