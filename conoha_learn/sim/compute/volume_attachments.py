"""Additional volumes (追加ストレージ) on a server: /servers/{id}/os-volume_attachments to attach,
list, show and detach, as ConoHa VPS Ver.3.0 lists them (doc.conoha.jp/reference/api-vps3/
api-compute-vps3/: ボリュームアタッチ, ボリュームデタッチ, アタッチ済みボリューム一覧, アタッチ済みボリューム詳細取得).

Shapes and refusals follow upstream Nova at microversion 2.1 (nova/api/openstack/compute/
volume_attachments.py; api-ref samples os-volume_attachments/*.json): an attachment is
``{"device", "id", "serverId", "volumeId"}``, its id being the volume's id. The volume's side
(reserved -> attaching -> in-use, detaching -> available) is Cinder's, in block_storage.py.
"""

from __future__ import annotations

from .. import block_storage, fields
from ..call import Call, Reply
from ..errors import ApiError
from .server_create import DEVICE_LETTERS
from .server_views import load_server, require_state

# States Nova attaches and detaches volumes in (nova/compute/api.py, attach_volume and
# detach_volume), among those this simulator has: not while building, not during a task.
ATTACHABLE = {"active", "stopped", "resized"}


def _device(call: Call, volume_id: str) -> str:
    volume = block_storage.find_volume(call.sim, call.project_id, volume_id)
    attachments = (volume or {}).get("attachments") or [{}]
    return attachments[0].get("device") or ""


def _view(call: Call, server: dict, volume_id: str) -> dict:
    return {"device": _device(call, volume_id), "id": volume_id, "serverId": server["id"],
            "volumeId": volume_id}


def _attached(server: dict, volume_id: str) -> int:
    """The volume's place among the server's volumes (0 boots it); 404 when it is not there."""
    ids = [v["id"] for v in server["volumes"]]
    if volume_id not in ids:
        raise ApiError(404, f"volume_id not found: {fields.clip(volume_id)} (it is not attached "
                            f"to server {server['id']}; see GET .../os-volume_attachments).")
    return ids.index(volume_id)


def list_attachments(call: Call) -> Reply:
    server = load_server(call)
    return Reply({"volumeAttachments": [_view(call, server, v["id"]) for v in server["volumes"]]})


def show_attachment(call: Call) -> Reply:
    server = load_server(call)
    _attached(server, call.args["volume_id"])
    return Reply({"volumeAttachment": _view(call, server, call.args["volume_id"])})


def _next_device(call: Call, server: dict) -> str:
    used = {_device(call, v["id"]) for v in server["volumes"]}
    free = [f"/dev/vd{letter}" for letter in DEVICE_LETTERS if f"/dev/vd{letter}" not in used]
    if not free:
        raise ApiError(400, "No free device name is left on this server: detach a volume first.")
    return free[0]


def attach_volume(call: Call) -> Reply:
    """POST: ``{"volumeAttachment": {"volumeId": "..."}}`` -> 200 and the attachment. A
    ``device`` may be given, as in Nova, and is only a hint: like Nova on libvirt (ConoHa's
    hypervisor is KVM), the next free /dev/vdX is used."""
    body = call.body("volumeAttachment")
    volume_id = fields.text(body, "volumeId", required=True, min_len=1,
                            field="volumeAttachment/volumeId")
    fields.text(body, "device", field="volumeAttachment/device")
    with call.sim.store.transaction():
        server = load_server(call)
        require_state(server, "attach_volume", ATTACHABLE)
        if volume_id in [v["id"] for v in server["volumes"]]:
            raise ApiError(400, f"Invalid volume: volume {volume_id} is already attached to "
                                f"server {server['id']}.")
        block_storage.reserve(call.sim, call.project_id, volume_id, server["id"],
                              device=_next_device(call, server))
        server["volumes"].append({"id": volume_id, "delete_on_termination": False})
        call.sim.store.put("server", server, call.project_id)
    return Reply({"volumeAttachment": _view(call, server, volume_id)})


def detach_volume(call: Call) -> Reply:
    """DELETE .../os-volume_attachments/{volume_id}: 202; the volume goes detaching, then
    available. The boot volume stays (Nova: 400 "Cannot detach a root device volume")."""
    volume_id = call.args["volume_id"]
    with call.sim.store.transaction():
        server = load_server(call)
        if _attached(server, volume_id) == 0:
            raise ApiError(400, "Cannot detach a root device volume. (It boots the server: it "
                                "is released when the server is deleted.)")
        require_state(server, "detach_volume", ATTACHABLE)
        volume = block_storage.find_volume(call.sim, call.project_id, volume_id)
        if volume is not None and volume["status"] != "in-use":  # Cinder's refusal, still attaching
            raise ApiError(400, "Invalid volume: Unable to detach volume. Volume status must be "
                                f"'in-use' and attach_status must be 'attached' to detach "
                                f"(volume {volume_id} is {volume['status']}; wait a moment).")
        block_storage.release(call.sim, call.project_id, volume_id, delete=False)
        server["volumes"] = [v for v in server["volumes"] if v["id"] != volume_id]
        call.sim.store.put("server", server, call.project_id)
    return Reply(None, 202)
