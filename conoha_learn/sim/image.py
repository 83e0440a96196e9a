"""Glance v2: ConoHa's public OS images (``vmi-*``), refused to writes as Glance refuses them, and
the tenant's own images, which it may delete: saved images (保存イメージ, made by Nova's
createImage or Cinder's os-volume_upload_image) and ISO images (ISOイメージ, image_iso.py).

The catalog URL is unversioned (``<base>/image-service``), as on ConoHa; clients add ``/v2``.
Unlike Nova, Glance returns a single image without a wrapper object, and pages with a relative
``next`` link.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import lifecycle, seed
from .call import Call, Reply, Route, paginate
from .clock import isoformat
from .errors import ApiError

if TYPE_CHECKING:
    from .state import SimState

PUBLISHED = "2025-04-01T00:00:00Z"  # fixed, so image listings never change between runs
SORTABLE = {"name", "created_at", "updated_at", "size", "id", "status"}
NOT_FILTERS = {"limit", "marker", "sort_key", "sort_dir", "sort", "member_status"}


def seed_images(sim: SimState) -> None:
    for image in seed.images():
        digest = hashlib.sha512(image["name"].encode()).hexdigest()
        sim.store.put("image", {
            "id": image["id"], "name": image["name"], "status": "active", "visibility": "public",
            "protected": True, "os_hidden": False, "os_type": image["os_type"],
            "disk_format": "qcow2", "container_format": "bare",
            "min_disk": 30, "min_ram": 0, "size": image["size"], "virtual_size": None,
            "checksum": hashlib.md5(image["name"].encode()).hexdigest(),
            "os_hash_algo": "sha512", "os_hash_value": digest, "owner": "",
            "created_at": PUBLISHED, "updated_at": PUBLISHED, "tags": [],
            "self": f"/v2/images/{image['id']}", "file": f"/v2/images/{image['id']}/file",
            "schema": "/v2/schemas/image"})


# Kept in a saved image's document for the simulator's own use, never shown.
_INTERNAL = ("project_id", "_pending", "updated")


def _visible(sim: SimState, image: dict | None, project_id: str) -> dict | None:
    """The image, up to date, if this project may see it: a public one, or one of its own
    (another tenant's private image looks exactly like a missing one, 404)."""
    if image is None or image["visibility"] == "public":  # else private or shared, the tenant's
        return image
    if image.get("project_id") != project_id:
        return None
    return lifecycle.refresh(sim, "image", image)


def find_image(sim: SimState, image_id: str, project_id: str) -> dict | None:
    """An image this project can see (block storage checks a volume's ``imageRef`` with it)."""
    image = sim.store.get("image", image_id) if isinstance(image_id, str) else None
    return _visible(sim, image, project_id)


def view(image: dict) -> dict:
    """An image as Glance shows it: a flat object, times as ``...Z`` strings."""
    shown = {key: value for key, value in image.items() if key not in _INTERNAL}
    if image.get("updated") is not None:
        shown["updated_at"] = isoformat(image["updated"])
    return shown


def add_saved_image(sim: SimState, project_id: str, *, name: str, properties: dict[str, str],
                    min_disk: int, size: int | None, disk_format: str = "qcow2",
                    container_format: str = "bare") -> dict:
    """A private image of the tenant, as Nova's createImage (or Cinder's os-volume_upload_image)
    registers it: ``queued`` at once, then ``saving`` and ``active`` over the simulator's delay.
    Nova adds its own properties (image_type "snapshot", instance_uuid ...) beside the ones the
    request's metadata gave."""
    image = new_image(sim, project_id, name=name, visibility="private", disk_format=disk_format,
                      container_format=container_format, min_disk=min_disk, properties=properties)
    image_id = image["id"]
    digest = hashlib.sha512(image_id.encode())
    lifecycle.begin(sim, image, {"status": "queued"}, {"status": "saving"},
                    {"status": "active", "size": size, "os_hash_algo": "sha512",
                     "os_hash_value": digest.hexdigest(),
                     "checksum": hashlib.md5(image_id.encode()).hexdigest()})
    sim.store.put("image", image, project_id)
    return image


def new_image(sim: SimState, project_id: str, *, name: str, visibility: str, disk_format: str,
              container_format: str, min_disk: int = 0, properties: dict[str, str]) -> dict:
    """The document of a tenant's image as Glance first shows it: no data yet, ``queued``."""
    image_id = sim.ids.uuid()
    created = isoformat(sim.now())
    return {"id": image_id, "name": name, "status": "queued", "visibility": visibility,
            "protected": False, "os_hidden": False, "disk_format": disk_format,
            "container_format": container_format,
            "min_disk": min_disk, "min_ram": 0, "size": None, "virtual_size": None,
            "checksum": None, "os_hash_algo": None, "os_hash_value": None,
            "owner": project_id, "project_id": project_id, "created_at": created,
            "updated_at": created, "tags": [],
            "self": f"/v2/images/{image_id}", "file": f"/v2/images/{image_id}/file",
            "schema": "/v2/schemas/image", **properties}


def versions(call: Call) -> Reply:
    # Glance answers its root with 300 Multiple Choices, like Keystone.
    entries = [{"id": v, "status": status,
                "links": [{"rel": "self", "href": f"{call.base_url}/image-service/v2/"}]}
               for v, status in (("v2.16", "CURRENT"), ("v2.15", "SUPPORTED"), ("v2.0", "SUPPORTED"))]
    return Reply({"versions": entries}, 300)


def _matches(image: dict, key: str, value: str) -> bool:
    if key == "id" and value.startswith("in:"):
        return image["id"] in value[3:].split(",")
    return str(image.get(key)) == value


def list_images(call: Call) -> Reply:
    with call.sim.store.lock:
        images = [_visible(call.sim, image, call.project_id) for image in call.sim.store.list("image")]
    images = [view(image) for image in images if image is not None]
    for key, value in call.request.args.items(multi=True):
        if key not in NOT_FILTERS:
            images = [i for i in images if _matches(i, key, value)]
    sort_key = call.request.args.get("sort_key", "created_at")
    sort_dir = call.request.args.get("sort_dir", "desc")
    if sort_key not in SORTABLE or sort_dir not in ("asc", "desc"):
        raise ApiError(400, f"Invalid sort: sort_key must be one of {', '.join(sorted(SORTABLE))} "
                            "and sort_dir asc or desc.")
    images.sort(key=lambda i: (str(i[sort_key]), i["name"]), reverse=sort_dir == "desc")
    page, links = paginate(call, images, "images", "/v2/images")
    body = {"images": page, "first": "/v2/images", "schema": "/v2/schemas/images"}
    if links:
        body["next"] = links[0]["href"].removeprefix(call.base_url)
    return Reply(body)


def load_image(call: Call) -> dict:
    image = find_image(call.sim, call.args["image_id"], call.project_id)
    if image is None:
        raise ApiError(404, f"No image found with ID {call.args['image_id']}")
    return image


def show_image(call: Call) -> Reply:
    return Reply(view(load_image(call)))


# --- writes --------------------------------------------------------------------------------------
# ConoHa's public images are owned by ConoHa's admin project. Glance checks its policy first
# (glance/api/v2/images.py, ImageAPIPolicy): delete_image, modify_image and upload_image default
# to "admin or the image's owner", so for a public image a member of another project gets 403
# "You are not authorized to complete <action> action." (Forbidden's message,
# glance/common/exception.py); an unknown id is 404. Deleting the tenant's own images is
# simulated, and uploading an ISO image's file (image_iso.py); changing them is refused like the rest.

def forbidden(action: str) -> ApiError:
    return ApiError(403, f"You are not authorized to complete {action} action.")


def _refuse(action: str) -> Callable[[Call], Reply]:
    def refuse(call: Call) -> Reply:
        load_image(call)  # 404 first, for an id this project cannot see
        raise forbidden(action)
    refuse.__name__ = f"refuse_{action}"
    return refuse


def delete_image(call: Call) -> Reply:
    """DELETE /v2/images/{id}: 204 for the tenant's own image, 403 for a public one."""
    with call.sim.store.transaction():
        image = load_image(call)
        if image.get("project_id") != call.project_id:
            raise forbidden("delete_image")
        call.sim.store.delete("image", image["id"])
    return Reply(None, 204)


ROUTES = [
    Route("GET", "/image-service", versions, auth=False),
    Route("GET", "/image-service/versions", versions, auth=False),
    Route("GET", "/image-service/v2/images", list_images),
    Route("GET", "/image-service/v2/images/<image_id>", show_image),
    Route("DELETE", "/image-service/v2/images/<image_id>", delete_image),
    Route("PATCH", "/image-service/v2/images/<image_id>", _refuse("modify_image")),
    Route("PUT", "/image-service/v2/images/<image_id>/tags/<tag>", _refuse("modify_image")),
    Route("DELETE", "/image-service/v2/images/<image_id>/tags/<tag>", _refuse("modify_image")),
]
