"""Cinder's volume actions: ``os-volume_upload_image``, image save (イメージ保存) the VPS Ver.3.0 way.

ConoHa's VPS Ver.3.0 reference documents image save as this Cinder action on the server's boot
volume (doc.conoha.jp/api-vps3/volume-save_vol-v3/): ``POST /v3/{project}/volumes/{volume}/action``
with ``{"os-volume_upload_image": {"image_name": "..."}}``, 202, "サーバーにアタッチされている
ボリュームの場合、対象のサーバーが停止中である必要があります" (an attached volume's server must be
stopped) and "サイズが1TB以上のボリュームはイメージ保存ができません" (no image save for volumes of
1 TB or more).

Upstream Cinder (cinder/api/contrib/volume_actions.py, cinder/volume/api.py copy_volume_to_image)
answers 202 with the upload's summary under ``os-volume_upload_image``, registers the image in
Glance at once (``queued``) and shows the volume ``uploading`` until the copy is done, then its
previous status again. Upstream refuses an ``in-use`` volume unless ``force`` is sent; ConoHa
accepts it when the server is stopped, so the simulator checks the server instead. The refusals'
exact words on ConoHa are not published; they are Cinder's 400 ``Invalid volume: ...`` with a
sentence saying what to do (docs/fidelity.md).
"""

from __future__ import annotations

from . import block_storage, fields, lifecycle
from . import image as glance
from .call import Call, Reply, Route
from .clock import isoformat
from .errors import ApiError

# "サイズが1TB以上のボリュームはイメージ保存ができません" (volume-save_vol-v3): ConoHa's volume sizes
# are in GB, 1000 of them being its "1TB".
MAX_SAVE_GB = 1000
# Cinder's defaults when the request does not say (volume_actions.py, _volume_upload_image).
DEFAULT_FORMATS = {"disk_format": "raw", "container_format": "bare"}
DISK_FORMATS = {"raw", "qcow2", "vmdk", "vdi", "vhd", "vhdx", "ploop"}
CONTAINER_FORMATS = {"bare", "ovf", "ova", "compressed"}


def _server_of(call: Call, volume: dict) -> dict | None:
    """The server this volume is attached to, up to date, if any."""
    for attachment in volume["attachments"]:
        return lifecycle.load(call.sim, "server", attachment["server_id"], call.project_id)
    return None


def _check_can_save(call: Call, volume: dict) -> None:
    volume_id = volume["id"]
    if volume["size"] >= MAX_SAVE_GB:
        raise ApiError(400, f"Invalid volume: volume {volume_id} is {volume['size']} GB; ConoHa "
                            "saves images only of volumes smaller than 1 TB (volume-save_vol-v3).")
    server = _server_of(call, volume)
    if volume["status"] == "in-use" and server is not None:
        if server["vm_state"] != "stopped" or server["task_state"] is not None:
            raise ApiError(400, f"Invalid volume: volume {volume_id} is in use by server "
                                f"{server['id']}, which is {server['status']}. Stop the server "
                                "first (os-stop) and wait until it is SHUTOFF.")
    elif volume["status"] != "available":
        raise ApiError(400, f"Invalid volume: Volume {volume_id} status must be available or "
                            f"in-use (with its server stopped); it is {volume['status']}.")


def _formats(params: dict) -> dict:
    chosen = {}
    for key, allowed in (("disk_format", DISK_FORMATS), ("container_format", CONTAINER_FORMATS)):
        value = fields.text(params, key) or DEFAULT_FORMATS[key]
        if value not in allowed:
            raise fields.invalid(key, value, f"One of: {', '.join(sorted(allowed))}.")
        chosen[key] = value
    return chosen


def upload_image(call: Call, volume: dict, params) -> Reply:
    """``{"os-volume_upload_image": {"image_name": ...}}``: 202 and the upload's summary; a
    private image of the tenant appears in Glance (queued, saving, active) while the volume
    shows ``uploading`` and then its previous status."""
    if not isinstance(params, dict):
        raise fields.invalid("os-volume_upload_image", params, 'Send {"image_name": "<name>"}.')
    name = fields.text(params, "image_name", required=True, min_len=1)
    formats = _formats(params)
    _check_can_save(call, volume)
    source = glance.find_image(call.sim, (volume.get("image") or {}).get("image_id"), call.project_id)
    properties = {"volume_id": volume["id"]}
    if source is not None:
        properties["base_image_ref"] = source["id"]
        properties["os_type"] = source.get("os_type", "linux")
    image = glance.add_saved_image(call.sim, call.project_id, name=name, properties=properties,
                                   min_disk=volume["size"], size=source["size"] if source else None,
                                   **formats)
    previous = volume["status"]
    lifecycle.begin(call.sim, volume, {"status": "uploading"}, {"status": previous})
    call.sim.store.put("volume", volume, call.project_id)
    volume_type = block_storage.find_type(volume["volume_type"]) or {"name": volume["volume_type"]}
    return Reply({"os-volume_upload_image": {
        "id": volume["id"], "updated_at": isoformat(volume["updated"], micro=True, z=False),
        "status": "uploading", "display_description": volume["description"],
        "size": volume["size"], "volume_type": volume_type, "image_id": image["id"],
        "container_format": image["container_format"], "disk_format": image["disk_format"],
        "image_name": image["name"], "protected": image["protected"],
        "visibility": image["visibility"]}}, 202)


def volume_action(call: Call) -> Reply:
    """POST /volumes/{id}/action: one action, named by the body's only key."""
    body = call.body()
    if len(body) != 1:
        raise ApiError(400, "Malformed request body: send exactly one action, such as "
                            '{"os-volume_upload_image": {"image_name": "..."}}.')
    (action, params), = body.items()
    if action != "os-volume_upload_image":
        raise ApiError(501, f"The volume action {fields.clip(action)} is not simulated; this "
                            "simulator supports os-volume_upload_image (image save).")
    with call.sim.store.transaction():
        volume = block_storage.load_volume(call)
        return upload_image(call, volume, params)


ROUTES = [Route("POST", block_storage.API + "/volumes/<volume_id>/action",
                block_storage.in_token_project(volume_action))]
