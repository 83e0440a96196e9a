"""ISO images (ISOイメージ): a tenant's own images in Glance, made to boot a server from an
installer or rescue disc.

ConoHa's VPS Ver.3.0 reference documents them as plain Glance calls:

* create (doc.conoha.jp/api-vps3/image-create_iso_image-v3): ``POST /v2/images`` with ``name``,
  ``disk_format`` ("「iso」のみ指定可能です": only "iso"), ``container_format`` ("bare"),
  ``hw_rescue_bus`` ("ide") and ``hw_rescue_device`` ("cdrom"), the bus and device used when the
  server boots it in rescue mode (レスキューモード); 201, ``status: queued``, ``size: null``,
  ``visibility: shared`` (Glance's default for a new image since Ocata);
* the file's upload, Glance's ``PUT /v2/images/{id}/file`` (application/octet-stream, 204), after
  which the image is ``active`` with its ``size`` and checksums;
* list, show and delete as for any image (image.py), and the image capacity,
  ``GET /v2/quota`` → ``{"quota": {"image_size": "50GB"}}``, 50 GB by default
  (doc.conoha.jp/api-vps3/image-get_image_quota-v3/).

What ConoHa answers for another ``disk_format`` is not published: the simulator answers Glance's
400 with a sentence quoting the reference (docs/fidelity.md). An image of a server is not made
here but from its boot volume (volume_actions.py).
"""

from __future__ import annotations

import hashlib

from . import fields, lifecycle
from . import image as glance
from .call import Call, Reply, Route
from .errors import ApiError

# Glance's enums (glance/api/v2/images.py get_schema, the defaults of disk_formats and
# container_formats in glance/common/config.py).
CONTAINER_FORMATS = {"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"}
# Set by Glance itself, never by the request: Glance answers 403 "Attribute 'x' is read-only."
READ_ONLY = {"id", "status", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value",
             "created_at", "updated_at", "owner", "self", "file", "schema", "direct_url",
             "locations"}
# A limit of this simulator (the data is hashed, never kept); Glance's image_size_cap is 1 TiB.
MAX_UPLOAD_BYTES = 64 << 20
DEFAULT_IMAGE_QUOTA = "50GB"  # image-get_image_quota-v3: "デフォルトは、50GBになります。"


def _properties(body: dict) -> dict[str, str]:
    """The other fields, kept as Glance keeps extra properties: strings only."""
    extra = {}
    for key, value in body.items():
        if key in ("name", "disk_format", "container_format", "visibility", "protected",
                   "min_disk", "min_ram", "tags"):
            continue
        if key in READ_ONLY:
            raise ApiError(403, f"Attribute '{fields.clip(key, 40)}' is read-only.")
        if not isinstance(value, str):
            raise ApiError(400, f"Provided object does not match schema 'image': "
                                f"{fields.clip(repr(value), 40)} is not of type 'string' "
                                f"(extra property {fields.clip(key, 40)}).")
        extra[fields.clip(key, 255)] = fields.text(body, key)
    return extra


def _checked(body: dict) -> dict:
    name = fields.text(body, "name")
    disk_format = body.get("disk_format")
    if disk_format != "iso":
        raise ApiError(400, f"Invalid disk_format {fields.clip(repr(disk_format), 40)}: on ConoHa, "
                            "POST /v2/images makes ISO images only (disk_format \"iso\", "
                            "image-create_iso_image-v3). To save a server as an image, use "
                            "os-volume_upload_image on its boot volume.")
    container_format = body.get("container_format")
    if container_format is not None and container_format not in CONTAINER_FORMATS:
        raise ApiError(400, f"Invalid container_format {fields.clip(repr(container_format), 40)}: "
                            f"one of {', '.join(sorted(CONTAINER_FORMATS))} (\"bare\" for an ISO).")
    visibility = body.get("visibility", "shared")
    if visibility == "public":  # Glance's publicize_image policy: admins only
        raise glance.forbidden("publicize_image")
    if visibility not in ("private", "shared"):
        raise ApiError(400, f"Invalid visibility {fields.clip(repr(visibility), 40)}: "
                            "private or shared.")
    return {"name": name, "container_format": container_format, "visibility": visibility,
            "properties": _properties(body)}


def create_image(call: Call) -> Reply:
    """POST /v2/images: 201, the new ISO image, ``queued`` until its file is uploaded."""
    checked = _checked(call.body())
    image = glance.new_image(call.sim, call.project_id, name=checked["name"],
                             visibility=checked["visibility"], disk_format="iso",
                             container_format=checked["container_format"],
                             properties=checked["properties"])
    call.sim.store.put("image", image, call.project_id)
    return Reply(glance.view(image), 201, {"Location": f"{call.base_url}/image-service{image['self']}"})


def _read_file(call: Call) -> bytes:
    data = call.request.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, f"Image exceeds the storage quota: this simulator takes files of at "
                            f"most {MAX_UPLOAD_BYTES} bytes (real ISO files are larger; ConoHa "
                            f"keeps up to your image capacity, GET /v2/quota).")
    return data


def upload_file(call: Call) -> Reply:
    """PUT /v2/images/{id}/file: 204; the image becomes ``active`` with its size and checksums.
    Someone else's (public) image: 403, as Glance's upload_image policy says."""
    with call.sim.store.transaction():
        image = glance.load_image(call)
        if image.get("project_id") != call.project_id:
            raise glance.forbidden("upload_image")
        if call.request.mimetype != "application/octet-stream":
            raise ApiError(415, f"Unsupported Content-Type {fields.clip(call.request.mimetype or '')!r}"
                                ": send the file as application/octet-stream.")
        if image["status"] != "queued" or lifecycle.busy(image):  # busy: a save fills it
            raise ApiError(409, f"Image {image['id']} is {image['status']}: a file can be "
                                "uploaded once, to a queued image. Create a new image for "
                                "another file.")
        if image["container_format"] is None:
            raise ApiError(400, "Properties disk_format, container_format must be set prior "
                                "to saving data.")
        data = _read_file(call)
        image.update({"status": "active", "size": len(data),
                      "checksum": hashlib.md5(data).hexdigest(), "os_hash_algo": "sha512",
                      "os_hash_value": hashlib.sha512(data).hexdigest(),
                      "updated": call.sim.now()})
        call.sim.store.put("image", image, call.project_id)
    return Reply(None, 204)


def quota(call: Call) -> Reply:
    """GET /v2/quota: ConoHa's image capacity (イメージ保存容量), not an upstream Glance API."""
    return Reply({"quota": {"image_size": DEFAULT_IMAGE_QUOTA}})


ROUTES = [
    Route("POST", "/image-service/v2/images", create_image),
    Route("PUT", "/image-service/v2/images/<image_id>/file", upload_file, stream=True),
    Route("GET", "/image-service/v2/quota", quota),
]
