"""Nova v2.1: flavors (ConoHa's plans), servers and their actions, metadata, key pairs.

ConoHa VPS 3.0's way of creating a server differs from upstream OpenStack's: the boot disk is a
Cinder volume made beforehand (block_storage.py) and handed over in ``block_device_mapping_v2``;
``name`` may be left out, the label shown in ConoHa's control panel being
``metadata.instance_name_tag`` (shared/reference §1.3.1). Everything else follows upstream Nova at
microversion 2.1, the only one this simulator speaks: advertising more would make openstacksdk
and the CLI expect later response shapes (§3.5).

Every route exists twice: under ``/compute/v2.1`` (the v3 token's catalog) and under the 2015
``/compute/v2/<tenant_id>`` (the v2.0 token's catalog), whose links keep the tenant in the path.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
import string
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from . import block_storage, fields, lifecycle, network, seed
from . import image as glance
from .app import Call, Reply, Route, paginate
from .clock import isoformat
from .errors import ApiError

if TYPE_CHECKING:
    from .state import SimState

V21 = "/compute/v2.1"
LEGACY = "/compute/v2/<tenant_id>"
MICROVERSION = "2.1"

# Server states, as Nova reports them (status + OS-EXT-STS:*). Power state 0 = no state yet,
# 1 = running, 4 = shut off.
BUILDING = ({"status": "BUILD", "vm_state": "building", "task_state": "scheduling", "power_state": 0},
            {"task_state": "block_device_mapping"},
            {"task_state": "spawning"})
RUNNING = {"status": "ACTIVE", "vm_state": "active", "task_state": None, "power_state": 1}
STOPPED = {"status": "SHUTOFF", "vm_state": "stopped", "task_state": None, "power_state": 4}

# adminPass rule of ConoHa's official MCP server (shared/reference §1.3.1).
PASSWORD_SYMBOLS = "\\^$+-*/|()[]{}.,?!_=&@~%#:;'\""
PASSWORD_RULE = ("adminPass must be 9 to 70 characters long, with at least one upper-case letter, "
                 "one lower-case letter, one digit and one of these symbols: "
                 f"{PASSWORD_SYMBOLS} (and no other characters).")
# Generated passwords avoid quotes and backslashes, so they paste safely into a shell.
GENERATED_ALPHABET = string.ascii_letters + string.digits + "-_.!#%+=@"

USER_DATA_MAX = 16 * 1024  # bytes, before base64 encoding (ConoHa's limit)
USER_DATA_HEADERS = ("#!", "#include", "#cloud-config", "#cloud-boothook")  # "#include-once" too
KEY_TYPES = ("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
             "ecdsa-sha2-nistp521")
DEVICE_LETTERS = "abcdefghijklmnopqrstuvwxyz"
NOT_SIMULATED_ACTIONS = {"resize", "confirmResize", "revertResize", "createImage", "changePassword",
                         "rebuild", "os-getConsoleOutput", "os-getVNCConsole"}


# --- microversions, paths and links ---------------------------------------------------------

def _requested_microversion(call: Call) -> str | None:
    version = call.request.headers.get("X-OpenStack-Nova-API-Version")
    for entry in call.request.headers.get("OpenStack-API-Version", "").split(","):
        service, _, value = entry.strip().partition(" ")
        if service.lower() == "compute":
            version = value.strip()
    return version


def _check_microversion(call: Call) -> None:
    """Nova answers 406 for a microversion outside its range rather than guessing."""
    version = _requested_microversion(call)
    if version is None or version == MICROVERSION or version.lower() == "latest":
        return
    if not re.fullmatch(r"[1-9]\d{0,3}\.(0|[1-9]\d{0,3})", version):
        raise ApiError(400, f"API Version String {fields.clip(version)} is of invalid format. "
                            "Must be of format MajorNum.MinorNum.")
    raise ApiError(406, f"Version {version} is not supported by the API. "
                        f"Minimum is {MICROVERSION} and maximum is {MICROVERSION}.")


def _guarded(handler: Callable[[Call], Reply]) -> Callable[[Call], Reply]:
    """Checks every compute request makes before its handler runs."""
    @functools.wraps(handler)
    def guarded(call: Call) -> Reply:
        tenant = call.args.get("tenant_id")
        if tenant is not None and tenant != call.project_id:  # the 2015 path names the tenant
            raise ApiError(400, f"Malformed request URL: URL's project_id '{fields.clip(tenant)}' "
                                f"doesn't match Context's project_id '{call.project_id}'")
        _check_microversion(call)
        return handler(call)
    return guarded


def _api(call: Call) -> str:
    """The root this request came in on: /compute/v2.1, or the 2015 /compute/v2/<tenant>."""
    tenant = call.args.get("tenant_id")
    return f"/compute/v2/{tenant}" if tenant else V21


def _links(call: Call, collection: str, id: str) -> list[dict]:
    """Nova's self link, and its version-less "bookmark" link."""
    tenant = call.args.get("tenant_id")
    bookmark_root = f"/compute/{tenant}" if tenant else "/compute"
    return [{"rel": "self", "href": f"{call.base_url}{_api(call)}/{collection}/{id}"},
            {"rel": "bookmark", "href": f"{call.base_url}{bookmark_root}/{collection}/{id}"}]


def _bookmark(call: Call, collection: str, id: str) -> list[dict]:
    return _links(call, collection, id)[1:]


def _listing(call: Call, collection: str, items: list[dict], render, path: str) -> Reply:
    """A paged list body: ``{"servers": [...], "servers_links": [next]}``."""
    page, links = paginate(call, items, collection, f"{_api(call)}/{path}")
    body = {collection: [render(call, item) for item in page]}
    if links:
        body[f"{collection}_links"] = links
    return Reply(body)


# --- version discovery ------------------------------------------------------------------------

def _version_v21(call: Call) -> dict:
    # "version" is the highest microversion: 2.1 pins clients to 2.1 response shapes (§3.5).
    return {"id": "v2.1", "status": "CURRENT", "version": MICROVERSION, "min_version": MICROVERSION,
            "updated": "2013-07-23T11:33:21Z",
            "links": [{"rel": "self", "href": f"{call.base_url}{V21}/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.compute+json;version=2.1"}]}


def versions(call: Call) -> Reply:
    return Reply({"versions": [_version_v21(call)]})


def version_v21(call: Call) -> Reply:
    return Reply({"version": _version_v21(call)})


# --- flavors ----------------------------------------------------------------------------------

def find_flavor(ref: str) -> dict | None:
    """A plan by id, or by name (a convenience: Nova itself takes ids only)."""
    return next((f for f in seed.flavors() if ref in (f["id"], f["name"])), None)


def _flavor_summary(call: Call, flavor: dict) -> dict:
    return {"id": flavor["id"], "name": flavor["name"], "links": _links(call, "flavors", flavor["id"])}


def _flavor_detail(call: Call, flavor: dict) -> dict:
    return {**_flavor_summary(call, flavor),
            "vcpus": flavor["vcpus"], "ram": flavor["ram"], "disk": flavor["disk"], "swap": "",
            "rxtx_factor": 1.0, "OS-FLV-EXT-DATA:ephemeral": 0, "OS-FLV-DISABLED:disabled": False,
            "os-flavor-access:is_public": True}


def _flavors(call: Call, render, path: str) -> Reply:
    flavors = seed.flavors()
    # Every plan is public: asking for private ones (is_public=false) finds none.
    # (The CLI sends is_public=None, meaning "all".)
    if call.request.args.get("is_public", "").lower() in ("false", "0", "no", "f"):
        flavors = []
    min_disk = call.query_int("minDisk")
    min_ram = call.query_int("minRam")
    flavors = [f for f in flavors if f["disk"] >= (min_disk or 0) and f["ram"] >= (min_ram or 0)]
    return _listing(call, "flavors", flavors, render, path)


def list_flavors(call: Call) -> Reply:
    return _flavors(call, _flavor_summary, "flavors")


def list_flavors_detail(call: Call) -> Reply:
    return _flavors(call, _flavor_detail, "flavors/detail")


def show_flavor(call: Call) -> Reply:
    flavor_id = call.args["flavor_id"]
    flavor = next((f for f in seed.flavors() if f["id"] == flavor_id), None)
    if flavor is None:
        raise ApiError(404, f"Flavor {fields.clip(flavor_id)} could not be found.")
    return Reply({"flavor": _flavor_detail(call, flavor)})


# --- servers: reading -------------------------------------------------------------------------

def _load_server(call: Call) -> dict:
    """The server named in the path, if it is this project's, with due status changes applied."""
    server_id = call.args["server_id"]
    server = lifecycle.load(call.sim, "server", server_id, call.project_id)
    if server is None:
        raise ApiError(404, f"Instance {fields.clip(server_id)} could not be found.")
    return server


def _server_summary(call: Call, server: dict) -> dict:
    return {"id": server["id"], "name": server["name"], "links": _links(call, "servers", server["id"])}


def _server_detail(call: Call, server: dict) -> dict:
    """A server as Nova 2.1 shows it (the field set of ConoHa's documented sample, §2.6)."""
    image = ""  # boot from volume: Nova shows an empty string, clients print "booted from volume"
    if server["image_id"]:
        image = {"id": server["image_id"], "links": _bookmark(call, "images", server["image_id"])}
    launched = server["launched_at"]
    return {
        "id": server["id"], "name": server["name"], "status": server["status"],
        "tenant_id": server["project_id"], "user_id": server["user_id"],
        "metadata": server["metadata"], "hostId": server["host_id"],
        "image": image,
        "flavor": {"id": server["flavor_id"], "links": _bookmark(call, "flavors", server["flavor_id"])},
        "created": isoformat(server["created"]), "updated": isoformat(server["updated"]),
        "addresses": network.server_addresses(call.sim, server["id"]),
        "accessIPv4": "", "accessIPv6": "", "config_drive": "",
        "key_name": server["key_name"],
        "security_groups": [{"name": name} for name in server["security_groups"]],
        "links": _links(call, "servers", server["id"]),
        "OS-DCF:diskConfig": server["disk_config"],
        "OS-EXT-AZ:availability_zone": "nova",
        "OS-EXT-STS:vm_state": server["vm_state"],
        "OS-EXT-STS:task_state": server["task_state"],
        "OS-EXT-STS:power_state": server["power_state"],
        "OS-SRV-USG:launched_at": isoformat(launched, micro=True, z=False) if launched else None,
        "OS-SRV-USG:terminated_at": None,
        # delete_on_termination is a 2.3 addition upstream; shown here because the course uses it.
        "os-extended-volumes:volumes_attached": [dict(v) for v in server["volumes"]],
        "progress": 0 if server["status"] == "BUILD" else 100,
    }


def _name_matches(pattern: str, name: str) -> bool:
    """Nova treats the ``name`` filter as a regular expression. Only its common forms are
    honoured here: a substring, optionally anchored with ``^`` and ``$`` (running arbitrary
    regular expressions sent by a client could take exponential time)."""
    anchored_start = pattern.startswith("^")
    anchored_end = pattern.endswith("$") and len(pattern) > anchored_start
    core = pattern[int(anchored_start):len(pattern) - int(anchored_end)]
    if anchored_start and anchored_end:
        return name == core
    if anchored_start:
        return name.startswith(core)
    if anchored_end:
        return name.endswith(core)
    return core in name


def _servers(call: Call, render, path: str) -> Reply:
    servers = lifecycle.load_all(call.sim, "server", call.project_id)
    name = call.request.args.get("name")
    if name is not None:
        servers = [s for s in servers if _name_matches(name, s["name"])]
    status = call.request.args.get("status")
    if status is not None:  # an unknown status matches nothing, as in Nova
        servers = [s for s in servers if s["status"] == status.upper()]
    return _listing(call, "servers", servers, render, path)


def list_servers(call: Call) -> Reply:
    return _servers(call, _server_summary, "servers")


def list_servers_detail(call: Call) -> Reply:
    return _servers(call, _server_detail, "servers/detail")


def show_server(call: Call) -> Reply:
    return Reply({"server": _server_detail(call, _load_server(call))})


# --- servers: creating ------------------------------------------------------------------------

def _flavor_ref(body: dict) -> dict:
    ref = body.get("flavorRef")
    if isinstance(ref, int) and not isinstance(ref, bool):
        ref = str(ref)
    ref = fields.text({"flavorRef": ref}, "flavorRef", required=True, min_len=1)
    flavor = find_flavor(ref.rstrip("/").rsplit("/", 1)[-1])  # Nova also takes a flavor's URL
    if flavor is None:
        raise ApiError(400, f"Flavor {fields.clip(ref)} could not be found. Use an id (or name) "
                            "from GET /flavors, such as g2l-t-c2m1.")
    return flavor


def _server_name(call: Call, body: dict) -> str:
    """``name`` is optional on ConoHa (not upstream); the default looks like ConoHa's."""
    name = fields.text(body, "name", min_len=1)
    if name is None:
        when = datetime.fromtimestamp(call.sim.now(), tz=timezone.utc)
        return when.strftime("vps-%Y-%m-%d-%H-%M")
    if name.strip() != name:
        raise fields.invalid("name", name, "It must not start or end with whitespace.")
    return name


def _password_ok(password: str) -> bool:
    allowed = set(string.ascii_letters + string.digits + PASSWORD_SYMBOLS)
    return (9 <= len(password) <= 70 and set(password) <= allowed
            and any(c in string.ascii_uppercase for c in password)
            and any(c in string.ascii_lowercase for c in password)
            and any(c in string.digits for c in password)
            and any(c in PASSWORD_SYMBOLS for c in password))


def _admin_pass(sim: SimState, body: dict) -> str:
    """The root password: checked against ConoHa's rule, or generated. It is returned once in
    the create response and never stored."""
    password = body.get("adminPass")
    if password is None:
        while True:  # draw until the rule is met (about 4 draws in 5 meet it at once)
            password = "".join(sim.ids.choice(GENERATED_ALPHABET) for _ in range(16))
            if _password_ok(password):
                return password
    if not isinstance(password, str) or not _password_ok(password):
        # Never echo the password itself.
        raise ApiError(400, f"Invalid input for field/attribute adminPass. {PASSWORD_RULE}")
    return password


def _check_user_data(body: dict) -> None:
    value = body.get("user_data")
    if value is None:
        return
    if not isinstance(value, str) or len(value) > 4 * USER_DATA_MAX // 3 + 4:  # base64 is 4/3 longer
        raise fields.invalid("user_data", value, "It must be a base64 string of at most "
                                                 f"{USER_DATA_MAX} bytes before encoding.")
    try:
        script = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise fields.invalid("user_data", value, "It is not valid base64. Encode the script, e.g. "
                                                 "base64.b64encode(script.encode()).decode().") from None
    if len(script) > USER_DATA_MAX:
        raise fields.invalid("user_data", value, f"It must be at most {USER_DATA_MAX} bytes "
                                                 "before encoding.")
    if not script.startswith(tuple(h.encode() for h in USER_DATA_HEADERS)):
        raise fields.invalid("user_data", value, "ConoHa accepts scripts whose first line starts "
                                                 "with #!, #include, #include-once, #cloud-config "
                                                 "or #cloud-boothook.")


def _disk_config(body: dict) -> str:
    value = body.get("OS-DCF:diskConfig", "MANUAL")
    if value not in ("AUTO", "MANUAL"):
        raise fields.invalid("OS-DCF:diskConfig", value, 'It must be "AUTO" or "MANUAL".')
    return value


def _check_count(body: dict) -> None:
    for key in ("min_count", "max_count"):
        count = fields.whole_number(body, key)
        if count not in (None, 1):
            raise fields.invalid(key, body[key], "This simulator creates one server per request.")


def _block_devices(body: dict) -> list[dict]:
    """The volumes to attach, boot volume first.

    ConoHa documents the minimal ``[{"uuid": "<volume id>"}]``; upstream clients send the long
    form (``source_type``, ``destination_type``, ``boot_index``, ``delete_on_termination``).
    Both are accepted.
    """
    mappings = []
    for i, item in enumerate(fields.object_list(body, "block_device_mapping_v2",
                                                max_items=len(DEVICE_LETTERS))):
        where = f"block_device_mapping_v2/{i}"
        source, destination = item.get("source_type", "volume"), item.get("destination_type", "volume")
        if (source, destination) != ("volume", "volume"):
            raise ApiError(400, f"{where}: only source_type \"volume\" with destination_type "
                                "\"volume\" is supported. On ConoHa you create the boot volume "
                                "first (POST /block-storage/v3/<project>/volumes with an imageRef) "
                                "and pass its id here as \"uuid\".")
        volume_id = fields.text(item, "uuid", required=True, min_len=1, field=f"{where}/uuid")
        boot_index = fields.whole_number(item, "boot_index", field=f"{where}/boot_index")
        mappings.append({"id": volume_id, "boot_index": boot_index,
                         "delete_on_termination": fields.flag(item, "delete_on_termination", False,
                                                              field=f"{where}/delete_on_termination")})
    # The entry with boot_index 0 boots the server; without boot indexes, the first one does.
    mappings.sort(key=lambda m: m["boot_index"] is None or m["boot_index"] != 0)
    return mappings


def _boot_image(sim: SimState, flavor: dict, image_ref: str | None) -> str:
    """Booting straight from an image: only the dedicated-disk g2d plans can (§1.3.1)."""
    if not flavor["name"].startswith("g2d-"):
        raise ApiError(400, f"Plan {flavor['name']} boots from a volume: on ConoHa VPS 3.0, first "
                            "create a boot volume from the image (POST /block-storage/v3/<project>/"
                            'volumes {"volume": {"size": 100, "imageRef": "<image id>"}}), wait '
                            'until it is "available", then pass "block_device_mapping_v2": '
                            '[{"uuid": "<volume id>"}]. Only g2d-* plans boot from imageRef alone.')
    if not image_ref:
        raise ApiError(400, "Give either \"imageRef\" (g2d-* plans) or a boot volume in "
                            "\"block_device_mapping_v2\".")
    image = glance.find_image(sim, image_ref)
    if image is None:
        raise ApiError(400, f"Can not find requested image {fields.clip(image_ref)}. "
                            "Pick an id from GET /image-service/v2/images.")
    return image["id"]


def _check_server_quota(sim: SimState, project_id: str) -> None:
    used = len(lifecycle.load_all(sim, "server", project_id))
    quota = sim.config.quota_servers
    if used >= quota:
        raise ApiError(403, f"Quota exceeded for instances: Requested 1, but already used "
                            f"{used} of {quota} instances")


def create_server(call: Call) -> Reply:
    """POST /servers: 202 at once; the server is BUILD, then ACTIVE after ``delay`` seconds.

    Upstream fields not listed here (``networks``, ``availability_zone``, ``config_drive``...)
    are accepted and ignored: ConoHa puts every server on its public network.
    """
    body = call.body("server")
    sim, project = call.sim, call.project_id
    # Check the whole body before changing anything.
    flavor = _flavor_ref(body)
    name = _server_name(call, body)
    metadata = fields.metadata(body.get("metadata"))
    metadata.setdefault("instance_name_tag", name)
    admin_pass = _admin_pass(sim, body)
    key_name = fields.text(body, "key_name")
    _check_user_data(body)
    _check_count(body)
    disk_config = _disk_config(body)
    mappings = _block_devices(body)
    image_ref = fields.text(body, "imageRef")  # the CLI sends "" when booting from a volume
    group_refs = fields.object_list(body, "security_groups") or [{"name": "default"}]

    with sim.store.transaction():  # server, volumes and port: all created, or none
        if key_name is not None and find_keypair(sim, project, key_name) is None:
            raise ApiError(400, f"Invalid key_name provided: there is no key pair named "
                                f"{fields.clip(key_name)} in this project (GET /os-keypairs).")
        resolved = network.resolve_security_groups(sim, project, group_refs)
        groups = list({g["id"]: g for g in resolved}.values())  # a group named twice counts once
        _check_server_quota(sim, project)
        # With a boot volume, any imageRef is ignored: the image is already on the volume.
        image_id = None if mappings else _boot_image(sim, flavor, image_ref)
        server_id = sim.ids.uuid()
        for i, mapping in enumerate(mappings):
            block_storage.attach(sim, project, mapping["id"], server_id,
                                 device=f"/dev/vd{DEVICE_LETTERS[i]}", boot=i == 0)
        network.plug_server(sim, project, server_id, [g["id"] for g in groups])
        server = {"id": server_id, "project_id": project, "user_id": call.token["user_id"],
                  "name": name, "flavor_id": flavor["id"], "image_id": image_id,
                  "key_name": key_name, "security_groups": [g["name"] for g in groups],
                  "metadata": metadata, "disk_config": disk_config,
                  "volumes": [{"id": m["id"], "delete_on_termination": m["delete_on_termination"]}
                              for m in mappings],
                  # Nova's hostId: a per-project hash of the host, so tenants cannot compare hosts.
                  "host_id": hashlib.sha224(f"{project}c3j1-host".encode()).hexdigest(),
                  "created": sim.now(), "launched_at": None}
        launched = {**RUNNING, "launched_at": sim.now() + sim.config.delay}
        lifecycle.begin(sim, server, *BUILDING, launched)
        sim.store.put("server", server, project)

    links = _links(call, "servers", server_id)
    created = {"id": server_id, "links": links, "OS-DCF:diskConfig": disk_config,
               "security_groups": [{"name": g["name"]} for g in groups], "adminPass": admin_pass}
    return Reply({"server": created}, 202, {"Location": links[0]["href"]})


def delete_server(call: Call) -> Reply:
    """DELETE /servers/{id}: 204; the server shows task_state "deleting", then is gone.

    Its port is freed at once; its volumes are detached (back to "available"), or deleted too if
    they were attached with delete_on_termination.
    """
    sim = call.sim
    with sim.store.transaction():
        server = _load_server(call)
        if server["task_state"] == "deleting":
            return Reply(None, 204)
        network.unplug_server(sim, server["id"])
        for volume in server["volumes"]:
            block_storage.release(sim, call.project_id, volume["id"],
                                  delete=volume["delete_on_termination"])
        lifecycle.begin(sim, server, {"task_state": "deleting"}, lifecycle.GONE)
        sim.store.put("server", server, call.project_id)
    return Reply(None, 204)


# --- servers: actions -------------------------------------------------------------------------

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
        server = _load_server(call)
        ACTIONS[name](call.sim, server, argument)
        call.sim.store.put("server", server, call.project_id)
    return Reply(None, 202)


# --- servers: metadata and addresses ----------------------------------------------------------

def _metadata_argument(call: Call, root: str) -> dict[str, str]:
    body = call.body()
    if root not in body:
        raise ApiError(400, f"Invalid input: send {{\"{root}\": {{\"key\": \"value\"}}}}.")
    return fields.metadata(body[root], root)


def _save_metadata(call: Call, server: dict, metadata: dict[str, str]) -> None:
    server["metadata"] = fields.metadata(metadata)  # checks the item count after a merge too
    server["updated"] = call.sim.now()
    call.sim.store.put("server", server, call.project_id)


def show_metadata(call: Call) -> Reply:
    return Reply({"metadata": _load_server(call)["metadata"]})


def merge_metadata(call: Call) -> Reply:
    """POST /servers/{id}/metadata: add or change the given keys, keep the others."""
    update = _metadata_argument(call, "metadata")
    with call.sim.store.transaction():
        server = _load_server(call)
        _save_metadata(call, server, {**server["metadata"], **update})
    return Reply({"metadata": server["metadata"]})


def replace_metadata(call: Call) -> Reply:
    """PUT /servers/{id}/metadata: the given keys become the whole metadata."""
    metadata = _metadata_argument(call, "metadata")
    with call.sim.store.transaction():
        server = _load_server(call)
        _save_metadata(call, server, metadata)
    return Reply({"metadata": server["metadata"]})


def _metadata_item(server: dict, key: str) -> str:
    if key not in server["metadata"]:
        raise ApiError(404, "Metadata item was not found")
    return server["metadata"][key]


def show_metadata_item(call: Call) -> Reply:
    key = call.args["key"]
    return Reply({"meta": {key: _metadata_item(_load_server(call), key)}})


def set_metadata_item(call: Call) -> Reply:
    key = call.args["key"]
    meta = _metadata_argument(call, "meta")
    if list(meta) != [key]:
        raise ApiError(400, f"Request body and URI mismatch: send {{\"meta\": {{\"{fields.clip(key)}\": "
                            "\"<value>\"}} with the same single key as the URL.")
    with call.sim.store.transaction():
        server = _load_server(call)
        _save_metadata(call, server, {**server["metadata"], **meta})
    return Reply({"meta": meta})


def delete_metadata_item(call: Call) -> Reply:
    key = call.args["key"]
    with call.sim.store.transaction():
        server = _load_server(call)
        _metadata_item(server, key)
        _save_metadata(call, server, {k: v for k, v in server["metadata"].items() if k != key})
    return Reply(None, 204)


def _ips(call: Call) -> dict:
    """The server's addresses as /ips shows them: only ``addr`` and ``version``."""
    addresses = network.server_addresses(call.sim, _load_server(call)["id"])
    return {net: [{"addr": a["addr"], "version": a["version"]} for a in items]
            for net, items in addresses.items()}


def list_ips(call: Call) -> Reply:
    return Reply({"addresses": _ips(call)})


def show_ips(call: Call) -> Reply:
    network_name = call.args["network"]
    addresses = _ips(call)
    if network_name not in addresses:
        raise ApiError(404, "Instance is not a member of specified network")
    return Reply({network_name: addresses[network_name]})


# --- key pairs --------------------------------------------------------------------------------

def _keypair_doc_id(project_id: str, name: str) -> str:
    # Names are unique per project, not globally: the stored id combines both.
    return f"{project_id}/{name}"


def find_keypair(sim: SimState, project_id: str, name: str) -> dict | None:
    """This project's key pair of that name, or None."""
    return sim.store.get("keypair", _keypair_doc_id(project_id, name))


def fingerprint(public_key: str) -> str:
    """The MD5 fingerprint Nova shows (``aa:bb:...``), of an OpenSSH public key line.

    Raises a 400 when the line is not a public key.
    """
    parts = public_key.split()
    problem = "Keypair data is invalid: failed to generate fingerprint. "
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        raise ApiError(400, problem + "A public key is one line like \"ssh-ed25519 AAAAC3... "
                                      f"comment\"; accepted types: {', '.join(KEY_TYPES)}.")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, problem + "The part after the key type is not valid base64.") from None
    # The decoded key starts with its own type name (RFC 4253 §6.6): a cheap sanity check.
    key_type = parts[0].encode()
    if not blob.startswith(len(key_type).to_bytes(4, "big") + key_type):
        raise ApiError(400, problem + "The key data does not match its type.")
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _ssh_string(data: bytes) -> bytes:
    """SSH's wire encoding of a byte string: its 4-byte length, then the bytes."""
    return len(data).to_bytes(4, "big") + data


def _openssh_private_key(private: bytes, public: bytes, comment: str) -> str:
    """An unencrypted Ed25519 private key in OpenSSH's file format (what ssh-keygen writes).

    Written out here rather than by the `cryptography` package because the format contains a
    "check" number that libraries pick at random, and a seeded simulator must answer the same
    bytes every run.
    """
    key_type = b"ssh-ed25519"
    check = private[:4]  # any value works; it is written twice so a decryption can be verified
    secret = (check + check + _ssh_string(key_type) + _ssh_string(public)
              + _ssh_string(private + public) + _ssh_string(comment.encode()))
    secret += bytes(range(1, (-len(secret) % 8) + 1))  # padded to the 8-byte "cipher" block
    blob = (b"openssh-key-v1\0" + _ssh_string(b"none") + _ssh_string(b"none") + _ssh_string(b"")
            + (1).to_bytes(4, "big") + _ssh_string(_ssh_string(key_type) + _ssh_string(public))
            + _ssh_string(secret))
    text = base64.b64encode(blob).decode()
    lines = [text[i:i + 70] for i in range(0, len(text), 70)]
    return "\n".join(["-----BEGIN OPENSSH PRIVATE KEY-----", *lines,
                      "-----END OPENSSH PRIVATE KEY-----", ""])


def _generate_keypair(sim: SimState) -> tuple[str, str]:
    """A new (public key line, private key file). Nova makes RSA keys; Ed25519 is used here
    because it can be derived from the simulator's seeded random numbers (reproducible runs)."""
    private = bytes.fromhex(sim.ids.hex() + sim.ids.hex())  # 32 bytes
    comment = "Generated-by-Nova"
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    except ImportError:  # the key is only for show in the simulator: say so plainly
        public = hashlib.sha256(private).digest()
        key_line = base64.b64encode(_ssh_string(b"ssh-ed25519") + _ssh_string(public)).decode()
        return (f"ssh-ed25519 {key_line} {comment}",
                "-----BEGIN SIMULATOR FAKE PRIVATE KEY-----\nNot a usable key: install the "
                "'cryptography' package for real ones.\n-----END SIMULATOR FAKE PRIVATE KEY-----\n")
    public = Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)
    key_line = base64.b64encode(_ssh_string(b"ssh-ed25519") + _ssh_string(public)).decode()
    return f"ssh-ed25519 {key_line} {comment}", _openssh_private_key(private, public, comment)


def _keypair_view(keypair: dict, *, full: bool = False) -> dict:
    view = {"name": keypair["name"], "public_key": keypair["public_key"],
            "fingerprint": keypair["fingerprint"]}
    if full:  # GET /os-keypairs/{name} adds these (Nova's numeric "id" is left out)
        view.update({"user_id": keypair["user_id"], "deleted": False, "deleted_at": None,
                     "updated_at": None,
                     "created_at": isoformat(keypair["created"], micro=True, z=False)})
    return view


def _load_keypair(call: Call) -> dict:
    name = call.args["name"]
    keypair = find_keypair(call.sim, call.project_id, name)
    if keypair is None:
        raise ApiError(404, f"Keypair {fields.clip(name)} not found for user {call.token['user_id']}")
    return keypair


def list_keypairs(call: Call) -> Reply:
    keypairs = call.sim.store.list("keypair", call.project_id)
    return Reply({"keypairs": [{"keypair": _keypair_view(k)} for k in keypairs]})


def show_keypair(call: Call) -> Reply:
    return Reply({"keypair": _keypair_view(_load_keypair(call), full=True)})


def create_keypair(call: Call) -> Reply:
    """POST /os-keypairs: import ``public_key``, or without it generate a pair and return the
    private key, once. The private key is never stored."""
    body = call.body("keypair")
    name = fields.text(body, "name", required=True, min_len=1)
    if not re.fullmatch(r"[A-Za-z0-9 _.-]+", name) or name.strip() != name:
        raise ApiError(400, "Keypair data is invalid: Keypair name contains unsafe characters. "
                            "Use 1 to 255 letters, digits, spaces, '_', '.' or '-' (no leading "
                            "or trailing space).")
    public_key = fields.text(body, "public_key", max_len=16384)
    sim = call.sim
    with sim.store.transaction():
        if find_keypair(sim, call.project_id, name) is not None:
            raise ApiError(409, f"Key pair '{name}' already exists.")
        if sim.store.count("keypair", call.project_id) >= sim.config.quota_keypairs:
            raise ApiError(403, "Quota exceeded, too many key pairs.")
        private_key = None
        if public_key is None:
            public_key, private_key = _generate_keypair(sim)
        keypair = {"id": _keypair_doc_id(call.project_id, name), "project_id": call.project_id,
                   "name": name, "public_key": public_key.strip(),
                   "fingerprint": fingerprint(public_key), "user_id": call.token["user_id"],
                   "created": sim.now()}
        sim.store.put("keypair", keypair, call.project_id)
    view = {**_keypair_view(keypair), "user_id": keypair["user_id"]}
    if private_key is not None:
        view["private_key"] = private_key
    return Reply({"keypair": view})


def delete_keypair(call: Call) -> Reply:
    with call.sim.store.transaction():
        keypair = _load_keypair(call)
        call.sim.store.delete("keypair", keypair["id"])
    return Reply(None, 202)  # 202 at microversion 2.1 (204 from 2.2)


# --- routes -----------------------------------------------------------------------------------

API = [
    ("GET", "/flavors", list_flavors),
    ("GET", "/flavors/detail", list_flavors_detail),
    ("GET", "/flavors/<flavor_id>", show_flavor),
    ("GET", "/servers", list_servers),
    ("POST", "/servers", create_server),
    ("GET", "/servers/detail", list_servers_detail),
    ("GET", "/servers/<server_id>", show_server),
    ("DELETE", "/servers/<server_id>", delete_server),
    ("POST", "/servers/<server_id>/action", server_action),
    ("GET", "/servers/<server_id>/metadata", show_metadata),
    ("POST", "/servers/<server_id>/metadata", merge_metadata),
    ("PUT", "/servers/<server_id>/metadata", replace_metadata),
    ("GET", "/servers/<server_id>/metadata/<key>", show_metadata_item),
    ("PUT", "/servers/<server_id>/metadata/<key>", set_metadata_item),
    ("DELETE", "/servers/<server_id>/metadata/<key>", delete_metadata_item),
    ("GET", "/servers/<server_id>/ips", list_ips),
    ("GET", "/servers/<server_id>/ips/<network>", show_ips),
    ("GET", "/os-keypairs", list_keypairs),
    ("POST", "/os-keypairs", create_keypair),
    ("GET", "/os-keypairs/<name>", show_keypair),
    ("DELETE", "/os-keypairs/<name>", delete_keypair),
]

ROUTES = [
    Route("GET", "/compute", versions, auth=False),
    Route("GET", V21, version_v21, auth=False),
] + [Route(method, root + path, _guarded(handler))
     for root in (V21, LEGACY) for method, path, handler in API]
