"""Creating a server (POST /servers): checking the body by ConoHa's rules, then the server, its
volumes and its port, all at once.

ConoHa VPS Ver.3.0's way differs from upstream OpenStack's: the boot disk is a Cinder volume made
beforehand (block_storage.py) and handed over in ``block_device_mapping_v2``; ``name`` may be left
out, the label shown in ConoHa's control panel being ``metadata.instance_name_tag``
(shared/reference §1.3.1)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import string
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .. import block_storage, fields, lifecycle, network, seed
from ..call import Call, Reply
from ..errors import ApiError
from .flavors import find_flavor
from .keypairs import find_keypair
from .paths import resource_links
from .server_views import BUILDING, RUNNING

if TYPE_CHECKING:
    from ..state import SimState

# adminPass rule of ConoHa's API reference (compute-create_vm-v2: upper, lower, and a digit OR a
# symbol); its official MCP server asks for a digit AND a symbol (shared/reference §1.3.1).
PASSWORD_SYMBOLS = "\\^$+-*/|()[]{}.,?!_=&@~%#:;'\""
PASSWORD_RULE = ("adminPass must be 9 to 70 characters long, with at least one upper-case letter, "
                 "one lower-case letter, and a digit or one of these symbols: "
                 f"{PASSWORD_SYMBOLS} (and no other characters).")
# Generated passwords avoid quotes and backslashes, so they paste safely into a shell.
GENERATED_ALPHABET = string.ascii_letters + string.digits + "-_.!#%+=@"

USER_DATA_MAX = 16 * 1024  # bytes, before base64 encoding (ConoHa's limit)
USER_DATA_HEADERS = ("#!", "#include", "#cloud-config", "#cloud-boothook")  # "#include-once" too
DEVICE_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def find_flavor_ref(body: dict) -> dict:
    """The plan ``body["flavorRef"]`` names (an id, a name or a flavor URL), or Nova's 400
    FlavorNotFound, "Flavor X could not be found." (nova/exception.py; create and resize alike)."""
    ref = body.get("flavorRef")
    if isinstance(ref, int) and not isinstance(ref, bool):
        ref = str(ref)
    ref = fields.text({"flavorRef": ref}, "flavorRef", required=True, min_len=1)
    flavor = find_flavor(ref.rstrip("/").rsplit("/", 1)[-1])  # Nova also takes a flavor's URL
    if flavor is None:
        raise ApiError(400, f"Flavor {fields.clip(ref)} could not be found. Use an id (or name) from GET /flavors, such as g2l-t-c2m1.")
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
            and any(c in string.digits or c in PASSWORD_SYMBOLS for c in password))


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


def _require_boot_volume(flavor: dict, mappings: list[dict]) -> None:
    """Every plan boots from a volume made beforehand: doc.conoha.jp/api-vps3/compute-create_vm-v3
    ("VPSを作成するには、予めブートストレージ用のボリュームが作成されている必要があります"), no exception."""
    if not mappings:
        raise ApiError(400, f"Plan {flavor['name']} boots from a volume: on ConoHa VPS 3.0, first "
                            "create a boot volume from the image (POST /block-storage/v3/<project>/"
                            'volumes {"volume": {"size": 100, "imageRef": "<image id>"}}), wait '
                            'until it is "available", then pass "block_device_mapping_v2": '
                            '[{"uuid": "<volume id>"}]. An "imageRef" alone is not enough.')


def check_plan_usable(flavor: dict) -> None:
    """Only hourly VPS plans can be used through the API (seed.creatable_through_api). ConoHa's
    exact answer for the others is not published: this is current Nova's answer for a flavor the
    project may not use, FlavorNotFound ("Flavor %(flavor_id)s could not be found.",
    nova/exception.py, a 400 from POST /servers and resize in nova/api/openstack/compute/
    servers.py; "Invalid flavorRef provided." left Nova in 2016), with a hint after it."""
    if seed.creatable_through_api(flavor["name"]):
        return
    if flavor["name"].startswith("g2d-"):
        why = "is a DBaaS (database service) plan, not a VPS plan"
    else:
        why = ("is a long-term (-p-) plan, bought as a contract in the control panel; through "
               "the API, use an hourly -t- plan")
    raise ApiError(400, f"Flavor {flavor['id']} could not be found. Plan {flavor['name']} {why}.")


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
    flavor = find_flavor_ref(body)
    name = _server_name(call, body)
    metadata = fields.metadata(body.get("metadata"))
    metadata.setdefault("instance_name_tag", name)
    admin_pass = _admin_pass(sim, body)
    key_name = fields.text(body, "key_name")
    _check_user_data(body)
    _check_count(body)
    disk_config = _disk_config(body)
    mappings = _block_devices(body)
    check_plan_usable(flavor)
    _require_boot_volume(flavor, mappings)
    fields.text(body, "imageRef")  # checked, then ignored; the CLI sends "" with a boot volume
    group_refs = fields.object_list(body, "security_groups") or [{"name": "default"}]

    with sim.store.transaction():  # server, volumes and port: all created, or none
        if key_name is not None and find_keypair(sim, call.token["user_id"], key_name) is None:
            raise ApiError(400, f"Invalid key_name provided: you have no key pair named "
                                f"{fields.clip(key_name)} (GET /os-keypairs; key pairs belong "
                                "to the API user who made them).")
        resolved = network.resolve_security_groups(sim, project, group_refs)
        groups = list({g["id"]: g for g in resolved}.values())  # a group named twice counts once
        _check_server_quota(sim, project)
        # Any imageRef is ignored: the image is already on the boot volume.
        image_id = None
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

    links = resource_links(call, "servers", server_id)
    created = {"id": server_id, "links": links, "OS-DCF:diskConfig": disk_config,
               "security_groups": [{"name": g["name"]} for g in groups], "adminPass": admin_pass}
    return Reply({"server": created}, 202, {"Location": links[0]["href"]})
