"""Image save (保存イメージ): the createImage action, which registers a private image of the
tenant in Glance.

ConoHa documents it for the 2015 API (www.conoha.jp/docs/compute-create_image.php, Compute API
v2.0: ``{"createImage": {"name": ...}}``, 202, a ``Location`` header, "VMは停止されている必要があり
ます": the server must be stopped). Its VPS Ver.3.0 reference lists image save under block storage
instead (doc.conoha.jp/api-vps3/volume-save_vol-v3, ``os-volume_upload_image``, which also
needs the server stopped); Nova's createImage is what OpenStack clients send
(``openstack server image create``), so the simulator serves it with ConoHa's stopped-server rule
(docs/fidelity.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import block_storage, fields, lifecycle
from .. import image as glance
from ..call import Reply
from ..errors import ApiError
from .server_views import require_state

if TYPE_CHECKING:
    from ..call import Call

# Nova's task states while it snapshots a server (nova/compute/task_states.py); the server keeps
# its status (SHUTOFF here) and shows them in OS-EXT-STS:task_state.
SNAPSHOTTING = ({"task_state": "image_snapshot"}, {"task_state": "image_pending_upload"},
                {"task_state": "image_uploading"}, {"task_state": None})


def _source(call: Call, server: dict) -> tuple[int, dict | None]:
    """The boot volume's size, and the OS image it was made from (if still known)."""
    boot = block_storage.find_volume(call.sim, call.project_id, server["volumes"][0]["id"])
    if boot is None:
        return 0, None
    made_from = (boot.get("image") or {}).get("image_id")
    return boot["size"], glance.find_image(call.sim, made_from, call.project_id) if made_from else None


def create_image(call: Call, server: dict, argument) -> Reply:
    """``{"createImage": {"name": "...", "metadata": {...}}}``: 202, no body, and the new
    image's address in ``Location`` (Nova before microversion 2.45)."""
    if not isinstance(argument, dict):
        raise fields.invalid("createImage", argument, 'Send {"name": "<image name>"}.')
    name = fields.text(argument, "name", required=True, min_len=1, field="createImage/name")
    if name.strip() != name:
        raise fields.invalid("createImage/name", name, "It must not start or end with whitespace.")
    metadata = fields.metadata(argument.get("metadata"), "createImage/metadata")
    # ConoHa: "VMは停止されている必要があります" (see the module docstring); Nova itself would also
    # snapshot an active server.
    require_state(server, "createImage", {"stopped"})
    size, source = _source(call, server)
    properties = {**metadata, "image_type": "snapshot", "instance_uuid": server["id"],
                  "user_id": call.token["user_id"]}
    if source is not None:
        properties["base_image_ref"] = source["id"]
        properties["os_type"] = source.get("os_type", "linux")
    image = glance.add_saved_image(call.sim, call.project_id, name=name, properties=properties,
                                   min_disk=size, size=source["size"] if source else None)
    lifecycle.begin(call.sim, server, *SNAPSHOTTING)
    # Nova answers with Glance's address of the image: the image endpoint + /images/<id>
    # (nova/image/glance.py, generate_image_url), not a /v2 path.
    return Reply(None, 202, {"Location": f"{call.base_url}/image-service/images/{image['id']}"})
