"""Plan change (サーバープラン変更): the resize, confirmResize and revertResize actions.

Nova's sequence, which ConoHa VPS Ver.3.0 lists as サーバープラン変更 (doc.conoha.jp/reference/api-vps3/
api-compute-vps3/, "サーバープラン変更"):

    ACTIVE or SHUTOFF --resize--> RESIZE --(delay)--> VERIFY_RESIZE --confirmResize--> ACTIVE/SHUTOFF
                                                                    --revertResize--> REVERT_RESIZE
                                                                                      --> old plan

While VERIFY_RESIZE the server already shows the new plan; confirming keeps it, reverting goes
back to the old one. Whether ConoHa requires the server stopped first could not be read from its
reference here, so the simulator follows upstream Nova, which resizes active and stopped servers
alike (nova/compute/api.py, resize: check_instance_state vm_state ACTIVE or STOPPED); see
docs/fidelity.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import fields, lifecycle
from ..call import Reply
from ..errors import ApiError
from .server_create import check_plan_usable, find_flavor_ref
from .server_views import RUNNING, STOPPED, require_state

if TYPE_CHECKING:
    from ..call import Call

# Nova's task states while a resize runs (nova/compute/task_states.py), then the resized state.
RESIZING = ({"status": "RESIZE", "task_state": "resize_prep"},
            {"task_state": "resize_migrating"},
            {"task_state": "resize_migrated"},
            {"task_state": "resize_finish"})
RESIZED = {"status": "VERIFY_RESIZE", "vm_state": "resized", "task_state": None}


def _settled_state(resize_from: dict) -> dict:
    """A stopped server stays stopped through a resize, confirmed or reverted (as in Nova)."""
    return STOPPED if resize_from["vm_state"] == "stopped" else RUNNING


def resize(call: Call, server: dict, argument) -> None:
    """``{"resize": {"flavorRef": "<plan id>"}}``: 202; RESIZE, then VERIFY_RESIZE."""
    if not isinstance(argument, dict):
        raise fields.invalid("resize", argument, 'Send {"flavorRef": "<plan id from GET /flavors>"}.')
    require_state(server, "resize", {"active", "stopped"})
    flavor = find_flavor_ref(argument)
    if flavor["id"] == server["flavor_id"]:
        # Nova's words (CannotResizeToSameFlavor in nova/exception.py, a 400 from
        # nova/api/openstack/compute/servers.py's resize).
        raise ApiError(400, "When resizing, instances must change flavor! The server already has plan "
                            f"{flavor['name']}; pick another one from GET /flavors.")
    check_plan_usable(flavor)
    server["resize_from"] = {"flavor_id": server["flavor_id"], "vm_state": server["vm_state"]}
    lifecycle.begin(call.sim, server, *RESIZING, {**RESIZED, "flavor_id": flavor["id"]})


def _resized(server: dict, action: str) -> dict:
    require_state(server, action, {"resized"})
    resize_from = server.get("resize_from")
    if resize_from is None:  # already confirmed or reverted, still settling
        raise ApiError(400, "Instance has not been resized.")
    return resize_from


def confirm_resize(call: Call, server: dict, argument) -> Reply:
    """``{"confirmResize": null}``: keep the new plan. 204 in Nova (not 202)."""
    if argument is not None:
        raise fields.invalid("confirmResize", argument, "Send null.")
    resize_from = _resized(server, "confirmResize")
    server.pop("resize_from")
    lifecycle.begin(call.sim, server, {}, _settled_state(resize_from))
    return Reply(None, 204)


def revert_resize(call: Call, server: dict, argument) -> None:
    """``{"revertResize": null}``: back to the old plan; REVERT_RESIZE, then ACTIVE (202)."""
    if argument is not None:
        raise fields.invalid("revertResize", argument, "Send null.")
    resize_from = _resized(server, "revertResize")
    server.pop("resize_from")
    lifecycle.begin(call.sim, server, {"status": "REVERT_RESIZE", "task_state": "resize_reverting"},
                    {**_settled_state(resize_from), "flavor_id": resize_from["flavor_id"]})
