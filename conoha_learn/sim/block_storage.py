"""Cinder v3: volume types and volumes, including the boot volume every VPS Ver.3.0 server needs.

On ConoHa VPS Ver.3.0 a (non-dedicated) server has no disk of its own: you first create a *boot
volume* from an OS image here, wait until it is ``available``, then give its id to Nova when you
create the server (compute/server_create.py). Sizes are fixed by ConoHa (shared/reference §1.4): boot volumes
are 30 GB (512 MB plan) or 100 GB, additional volumes 200 GB to 10 TB.

The catalog URL carries the project id (``<base>/block-storage/v3/<project_id>``), as upstream
Cinder's does; the project in the path must be the token's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import fields, lifecycle, seed
from . import image as glance
from .call import Call, Reply, Route, paginate
from .clock import isoformat
from .errors import ApiError

if TYPE_CHECKING:
    from .state import SimState

API = "/block-storage/v3/<project_id>"

# Upstream Cinder's refusal to delete a volume that is attached or busy, word for word.
CANNOT_DELETE = ("Invalid volume: Volume status must be available or error or error_restoring or "
                 "error_extending or error_managing and must not be migrating, attached, belong to "
                 "a group, have snapshots or be disassociated from snapshots after volume transfer.")
DELETABLE = {"available", "error"}


# --- version discovery ------------------------------------------------------------------------

def _versions_body(call: Call) -> dict:
    """Cinder's versions list (api-ref/source/v3/samples/versions/versions-response.json).

    ``version`` 3.0 (the highest microversion) keeps openstacksdk and the CLI on plain v3
    shapes; keystoneauth fetches ``<base>/block-storage/v3/`` for a catalog URL ending in the
    project id (shared/reference §3.4).
    """
    v3 = {"id": "v3.0", "status": "CURRENT", "version": "3.0", "min_version": "3.0",
          "updated": "2016-02-08T12:20:21Z",
          "links": [{"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
                    {"rel": "self", "href": f"{call.base_url}/block-storage/v3/"}],
          "media-types": [{"base": "application/json",
                           "type": "application/vnd.openstack.volume+json;version=3"}]}
    return {"versions": [v3]}


def versions(call: Call) -> Reply:
    """GET /block-storage: upstream Cinder answers its root 300 Multiple Choices
    (api-ref/source/v3/api-versions.inc, "List All Api Versions")."""
    return Reply(_versions_body(call), 300)


def version_v3(call: Call) -> Reply:
    """GET /block-storage/v3: the same list, 200 (version-show-response.json)."""
    return Reply(_versions_body(call))


def in_token_project(handler: Callable[[Call], Reply]) -> Callable[[Call], Reply]:
    """Cinder refuses a path whose project is not the token's, with this (terse) upstream text."""
    def scoped(call: Call) -> Reply:
        if call.args["project_id"] != call.project_id:
            raise ApiError(400, "Malformed request url: the project id in the path must be the "
                                "project your token is scoped to (see the volumev3 catalog entry).")
        return handler(call)
    scoped.__name__ = handler.__name__
    return scoped


def _links(call: Call, collection: str, id: str) -> list[dict]:
    project = call.project_id
    return [{"rel": "self", "href": f"{call.base_url}/block-storage/v3/{project}/{collection}/{id}"},
            {"rel": "bookmark", "href": f"{call.base_url}/block-storage/{project}/{collection}/{id}"}]


# --- volume types -----------------------------------------------------------------------------

def _volume_types() -> list[dict]:
    return [{"id": id, "name": name, "description": description, "is_public": True,
             "os-volume-type-access:is_public": True, "extra_specs": {}, "qos_specs_id": None}
            for name, id, description in seed.VOLUME_TYPES]


def find_type(ref: str) -> dict | None:
    """A volume type by name or id (clients send either)."""
    return next((t for t in _volume_types() if ref in (t["id"], t["name"])), None)


def _is_boot_type(volume_type: dict) -> bool:
    return volume_type["name"].endswith("-boot")


def list_types(call: Call) -> Reply:
    return Reply({"volume_types": _volume_types()})


def show_type(call: Call) -> Reply:
    found = find_type(call.args["type_id"])
    if found is None:
        raise ApiError(404, f"Volume type {fields.clip(call.args['type_id'])} could not be found.")
    return Reply({"volume_type": found})


# --- volumes: lookups other services use -------------------------------------------------------

def find_volume(sim: SimState, project_id: str, volume_id: str) -> dict | None:
    """A volume of this project, with any due status change applied; None if there is none."""
    return lifecycle.load(sim, "volume", volume_id, project_id)


def attach(sim: SimState, project_id: str, volume_id: str, server_id: str, *,
           device: str, boot: bool) -> dict:
    """Mark a volume ``in-use`` by a server that is being created (called by compute/server_create.py).

    Raises a 400 (Nova's "Block Device Mapping is Invalid") when the volume is missing, busy, or
    not bootable but meant to boot the server.
    """
    volume = find_volume(sim, project_id, volume_id)
    if volume is None:
        raise ApiError(400, f"Block Device Mapping is Invalid: failed to get volume "
                            f"{fields.clip(volume_id)}. Create it first with POST "
                            f"/block-storage/v3/{project_id}/volumes, in this project.")
    if volume["status"] != "available":
        raise ApiError(400, f"Block Device Mapping is Invalid: volume {volume_id} is "
                            f"{volume['status']}; it must be available. Wait until GET .../volumes/"
                            f"{volume_id} shows \"available\" (and that no server uses it).")
    if boot and not volume["bootable"]:
        raise ApiError(400, f"Block Device {volume_id} is not bootable. A boot volume is made "
                            "from an OS image: create it with an \"imageRef\".")
    volume["status"] = "in-use"
    volume["updated"] = sim.now()
    volume["attachments"] = [_attachment(sim, volume_id, server_id, device)]
    sim.store.put("volume", volume, project_id)
    return volume


def _attachment(sim: SimState, volume_id: str, server_id: str, device: str) -> dict:
    return {"id": volume_id, "volume_id": volume_id, "server_id": server_id,
            "attachment_id": sim.ids.uuid(), "host_name": None, "device": device,
            "attached_at": isoformat(sim.now(), micro=True, z=False)}


def reserve(sim: SimState, project_id: str, volume_id: str, server_id: str, *, device: str) -> dict:
    """Attach an additional volume to a running or stopped server (Nova's os-volume_attachments):
    Cinder shows it ``reserved``, then ``attaching``, then ``in-use`` after the delay.

    404 for a volume this project does not have; 400 (Nova's answer for Cinder's InvalidVolume)
    for one that is not ``available``; 400 for a boot volume, which on ConoHa is not attached as
    an additional one (cloud.z.com/jp/for-app-guide/compute-attach_volume-v5, GMO's sister
    service on the same platform: "ブートディスク用のボリュームはアタッチできません").
    """
    volume = find_volume(sim, project_id, volume_id)
    if volume is None:
        raise ApiError(404, f"Volume {fields.clip(volume_id)} could not be found.")
    if volume["status"] != "available":
        raise ApiError(400, f"Invalid volume: volume {volume_id} status must be available to "
                            f"reserve, but the current status is {volume['status']}. A volume is "
                            "attached to one server at a time: detach it there first.")
    if volume["bootable"] or _is_boot_type(find_type(volume["volume_type"]) or {"name": ""}):
        raise ApiError(400, f"Invalid volume: volume {volume_id} is a boot volume (type "
                            f"{volume['volume_type']}); only additional volumes (made without an "
                            "imageRef) can be attached to a running server.")
    lifecycle.begin(sim, volume, {"status": "reserved",
                                  "attachments": [_attachment(sim, volume_id, server_id, device)]},
                    {"status": "attaching"}, {"status": "in-use"})
    sim.store.put("volume", volume, project_id)
    return volume


def release(sim: SimState, project_id: str, volume_id: str, *, delete: bool) -> None:
    """The server using this volume is being deleted: detach it, or delete it with the server
    when it was attached with ``delete_on_termination``."""
    volume = find_volume(sim, project_id, volume_id)
    if volume is None:
        return
    if delete:
        lifecycle.begin(sim, volume, {"status": "deleting"}, lifecycle.GONE)
    else:
        lifecycle.begin(sim, volume, {"status": "detaching"},
                        {"status": "available", "attachments": []})
    sim.store.put("volume", volume, project_id)


# --- volumes: the API -------------------------------------------------------------------------

def load_volume(call: Call) -> dict:
    volume = find_volume(call.sim, call.project_id, call.args["volume_id"])
    if volume is None:
        raise ApiError(404, f"Volume {fields.clip(call.args['volume_id'])} could not be found.")
    return volume


def _detail(call: Call, volume: dict) -> dict:
    """A volume as Cinder v3 shows it. Cinder writes times without the trailing ``Z``."""
    view = {
        "id": volume["id"], "name": volume["name"], "description": volume["description"],
        "status": volume["status"], "size": volume["size"], "volume_type": volume["volume_type"],
        "bootable": "true" if volume["bootable"] else "false",  # a string, as Cinder sends it
        "attachments": volume["attachments"], "availability_zone": "nova",
        "created_at": isoformat(volume["created"], micro=True, z=False),
        "updated_at": (isoformat(volume["updated"], micro=True, z=False)
                       if volume["updated"] is not None else None),
        "encrypted": False, "multiattach": False, "metadata": volume["metadata"],
        "links": _links(call, "volumes", volume["id"]),
        "os-vol-tenant-attr:tenant_id": volume["project_id"], "user_id": volume["user_id"],
        "snapshot_id": None, "source_volid": None, "replication_status": None,
        "consistencygroup_id": None,
    }
    if volume.get("image"):
        view["volume_image_metadata"] = dict(volume["image"])
    return view


def _summary(call: Call, volume: dict) -> dict:
    return {"id": volume["id"], "name": volume["name"], "links": _links(call, "volumes", volume["id"])}


def _listing(call: Call, render: Callable[[Call, dict], dict], path: str) -> Reply:
    volumes = lifecycle.load_all(call.sim, "volume", call.project_id)
    # Cinder filters on exact values; these two are the ones learners use.
    for key in ("name", "status"):
        wanted = call.request.args.get(key)
        if wanted is not None:
            volumes = [v for v in volumes if v[key] == wanted]
    page, links = paginate(call, volumes, "volumes",
                           f"/block-storage/v3/{call.project_id}/{path}")
    body = {"volumes": [render(call, v) for v in page]}
    if links:
        body["volumes_links"] = links
    return Reply(body)


def list_volumes(call: Call) -> Reply:
    return _listing(call, _summary, "volumes")


def list_volumes_detail(call: Call) -> Reply:
    return _listing(call, _detail, "volumes/detail")


def show_volume(call: Call) -> Reply:
    return Reply({"volume": _detail(call, load_volume(call))})


def _choose_type(type_ref: str | None, image: dict | None, size: int) -> dict:
    """The volume type: the one asked for (it must suit the kind of volume) or ConoHa's default."""
    boot_names = [t["name"] for t in _volume_types() if _is_boot_type(t)]
    add_names = [t["name"] for t in _volume_types() if not _is_boot_type(t)]
    if type_ref is None:
        if image is None:
            type_ref = add_names[0]
        else:  # the 512 MB plan's 30 GB volume has its own type on ConoHa (§1.4)
            type_ref = "c3j1-as01-boot" if size == 30 else "c3j1-ds02-boot"
    chosen = find_type(type_ref)
    if chosen is None:
        raise ApiError(404, f"Volume type with name {fields.clip(type_ref)} could not be found. "
                            f"Known types: {', '.join(boot_names + add_names)} (GET .../types).")
    if image is not None and not _is_boot_type(chosen):
        raise ApiError(400, f"Volume type {chosen['name']} is for additional volumes; a volume made "
                            f"from an image is a boot volume and needs one of: {', '.join(boot_names)}.")
    if image is None and _is_boot_type(chosen):
        raise ApiError(400, f"Volume type {chosen['name']} is for boot volumes, which are made from "
                            f"an image: add an \"imageRef\", or use {', '.join(add_names)} for an "
                            "additional (data) volume.")
    return chosen


def _check_size(size: int | None, image: dict | None) -> int:
    if size is None:
        raise ApiError(400, "Invalid input: 'size' is a required property. Give the size in GB: "
                            f"{_sizes(seed.BOOT_VOLUME_SIZES)} for a boot volume (with imageRef), "
                            f"{_sizes(seed.ADDITIONAL_VOLUME_SIZES)} for an additional volume.")
    if image is not None and size not in seed.BOOT_VOLUME_SIZES:
        raise fields.invalid("size", size, "On ConoHa a boot volume (one made from an imageRef) is "
                                           "30 GB for the 512 MB plan and 100 GB for every other plan.")
    if image is None and size not in seed.ADDITIONAL_VOLUME_SIZES:
        raise fields.invalid("size", size, "On ConoHa an additional volume is "
                                           f"{_sizes(seed.ADDITIONAL_VOLUME_SIZES)} GB. (A boot volume "
                                           "is made from an OS image: add \"imageRef\".)")
    return size


def _sizes(sizes: tuple[int, ...]) -> str:
    return ", ".join(map(str, sizes[:-1])) + " or " + str(sizes[-1])


def _check_quotas(sim: SimState, project_id: str, size: int) -> None:
    """Cinder's two volume quotas (cinder/quota.py), at the figures of SimConfig: ConoHa
    publishes neither. Cinder's QuotaError is a 413 with ``Retry-After: 0`` (cinder/exception.py)
    and the words of VolumeLimitExceeded / VolumeSizeExceedsAvailableQuota."""
    volumes = lifecycle.load_all(sim, "volume", project_id)
    retry = {"Retry-After": "0"}
    if len(volumes) >= sim.config.quota_volumes:
        raise ApiError(413, f"VolumeLimitExceeded: Maximum number of volumes allowed "
                            f"({sim.config.quota_volumes}) exceeded for quota 'volumes'.",
                       headers=retry)
    consumed = sum(v["size"] for v in volumes)
    if consumed + size > sim.config.quota_gigabytes:
        raise ApiError(413, f"VolumeSizeExceedsAvailableQuota: Requested volume or snapshot "
                            f"exceeds allowed gigabytes quota. Requested {size}G, quota is "
                            f"{sim.config.quota_gigabytes}G and {consumed}G has been consumed.",
                       headers=retry)


def create_volume(call: Call) -> Reply:
    """POST /volumes: a boot volume (with ``imageRef``) or an additional one (without)."""
    body = call.body("volume")
    for key in ("snapshot_id", "source_volid", "backup_id"):
        if body.get(key) is not None:
            raise ApiError(501, "Creating a volume from a snapshot, another volume or a backup "
                                "is not simulated; create it from an image (imageRef) or empty.")
    name = fields.text(body, "name")
    description = fields.text(body, "description")
    metadata = fields.metadata(body.get("metadata"))
    image_ref = fields.text(body, "imageRef") or None
    image = None
    if image_ref is not None:
        image = glance.find_image(call.sim, image_ref, call.project_id)
        if image is not None and image["status"] != "active":  # a saved image still uploading
            raise ApiError(400, f"Image {image['id']} is not active. Wait until GET "
                                f"/image-service/v2/images/{image['id']} shows \"active\".")
        if image is None:
            raise ApiError(400, f"Invalid image identifier or unable to access requested image: "
                                f"no image with id {fields.clip(image_ref)}. Pick an id from "
                                "GET /image-service/v2/images (ids, not names, are accepted).")
    size = _check_size(fields.whole_number(body, "size"), image)
    volume_type = _choose_type(fields.text(body, "volume_type"), image, size)

    sim = call.sim
    with sim.store.transaction():
        _check_quotas(sim, call.project_id, size)
        volume = {"id": sim.ids.uuid(), "project_id": call.project_id,
                  "user_id": call.token["user_id"], "name": name, "description": description,
                  "size": size, "volume_type": volume_type["name"], "metadata": metadata,
                  "bootable": False, "image": None, "attachments": [],
                  "created": sim.now(), "updated": None}
        if image is None:
            lifecycle.begin(sim, volume, {"status": "creating"}, {"status": "available"})
        else:  # Cinder copies the image in (downloading), then marks the volume bootable
            lifecycle.begin(sim, volume, {"status": "creating"}, {"status": "downloading"},
                            {"status": "available", "bootable": True,
                             "image": {"image_id": image["id"], "image_name": image["name"]}})
        volume["updated"] = None  # Cinder leaves updated_at empty until the first change
        sim.store.put("volume", volume, call.project_id)
    return Reply({"volume": _detail(call, volume)}, 202)


def update_volume(call: Call) -> Reply:
    """PUT /volumes/{id}: rename, describe, or replace the metadata."""
    body = call.body("volume")
    changes = {"name": fields.text(body, "name"), "description": fields.text(body, "description")}
    with call.sim.store.transaction():
        volume = load_volume(call)
        volume.update({key: value for key, value in changes.items() if key in body})
        if "metadata" in body:
            volume["metadata"] = fields.metadata(body["metadata"])
        volume["updated"] = call.sim.now()
        call.sim.store.put("volume", volume, call.project_id)
    return Reply({"volume": _detail(call, volume)})


def delete_volume(call: Call) -> Reply:
    with call.sim.store.transaction():
        volume = load_volume(call)
        if volume["status"] not in DELETABLE or volume["attachments"]:
            raise ApiError(400, f"{CANNOT_DELETE} (This volume is {volume['status']}"
                                + ("; delete its server first.)" if volume["attachments"] else ".)"))
        lifecycle.begin(call.sim, volume, {"status": "deleting"}, lifecycle.GONE)
        call.sim.store.put("volume", volume, call.project_id)
    return Reply(None, 202)


ROUTES = [
    Route("GET", "/block-storage", versions, auth=False),
    Route("GET", "/block-storage/v3", version_v3, auth=False),
] + [Route(method, API + path, in_token_project(handler)) for method, path, handler in [
    ("GET", "/types", list_types),
    ("GET", "/types/<type_id>", show_type),
    ("GET", "/volumes", list_volumes),
    ("GET", "/volumes/detail", list_volumes_detail),
    ("POST", "/volumes", create_volume),
    ("GET", "/volumes/<volume_id>", show_volume),
    ("PUT", "/volumes/<volume_id>", update_volume),
    ("DELETE", "/volumes/<volume_id>", delete_volume),
]]
