"""How a server is shown: its states, Nova's summary and detail views, and finding one."""

from __future__ import annotations

from .. import fields, lifecycle, network
from ..call import Call
from ..clock import isoformat
from ..errors import ApiError
from .paths import bookmark_links, resource_links
from .versions import at_least

# Server states, as Nova reports them (status + OS-EXT-STS:*). Power state 0 = no state yet,
# 1 = running, 4 = shut off.
BUILDING = ({"status": "BUILD", "vm_state": "building", "task_state": "scheduling", "power_state": 0},
            {"task_state": "block_device_mapping"},
            {"task_state": "spawning"})
RUNNING = {"status": "ACTIVE", "vm_state": "active", "task_state": None, "power_state": 1}
STOPPED = {"status": "SHUTOFF", "vm_state": "stopped", "task_state": None, "power_state": 4}


def load_server(call: Call) -> dict:
    """The server named in the path, if it is this project's, with due status changes applied."""
    server_id = call.args["server_id"]
    server = lifecycle.load(call.sim, "server", server_id, call.project_id)
    if server is None:
        raise ApiError(404, f"Instance {fields.clip(server_id)} could not be found.")
    return server


def require_state(server: dict, action: str, vm_states: set[str]) -> None:
    """Nova's check, and its wording, for an action that does not fit the server's state
    (409; nova/api/openstack/common.py, raise_http_conflict_for_instance_invalid_state)."""
    if server["vm_state"] not in vm_states:
        raise ApiError(409, f"Cannot '{action}' instance {server['id']} while it is in "
                            f"vm_state {server['vm_state']}")
    if server["task_state"] is not None:
        raise ApiError(409, f"Cannot '{action}' instance {server['id']} while it is in "
                            f"task_state {server['task_state']}")


def _volumes_attached(call: Call, server: dict) -> list[dict]:
    """``[{"id": ...}]``; from microversion 2.3 each also says ``delete_on_termination``
    (nova doc/api_samples/servers/server-get-resp.json, and v2.3/server-get-resp.json)."""
    if at_least(call, 3):
        return [dict(v) for v in server["volumes"]]
    return [{"id": v["id"]} for v in server["volumes"]]


def server_summary(call: Call, server: dict) -> dict:
    return {"id": server["id"], "name": server["name"], "links": resource_links(call, "servers", server["id"])}


def server_detail(call: Call, server: dict) -> dict:
    """A server as Nova 2.1 shows it (the field set of ConoHa's documented sample, §2.6)."""
    image = ""  # boot from volume: Nova shows an empty string, clients print "booted from volume"
    if server["image_id"]:
        image = {"id": server["image_id"], "links": bookmark_links(call, "images", server["image_id"])}
    launched = server["launched_at"]
    return {
        "id": server["id"], "name": server["name"], "status": server["status"],
        "tenant_id": server["project_id"], "user_id": server["user_id"],
        "metadata": server["metadata"], "hostId": server["host_id"],
        "image": image,
        "flavor": {"id": server["flavor_id"], "links": bookmark_links(call, "flavors", server["flavor_id"])},
        "created": isoformat(server["created"]), "updated": isoformat(server["updated"]),
        "addresses": network.server_addresses(call.sim, server["id"]),
        "accessIPv4": "", "accessIPv6": "", "config_drive": "",
        "key_name": server["key_name"],
        "security_groups": [{"name": name} for name in server["security_groups"]],
        "links": resource_links(call, "servers", server["id"]),
        "OS-DCF:diskConfig": server["disk_config"],
        "OS-EXT-AZ:availability_zone": "nova",
        "OS-EXT-STS:vm_state": server["vm_state"],
        "OS-EXT-STS:task_state": server["task_state"],
        "OS-EXT-STS:power_state": server["power_state"],
        "OS-SRV-USG:launched_at": isoformat(launched, micro=True, z=False) if launched else None,
        "OS-SRV-USG:terminated_at": None,
        "os-extended-volumes:volumes_attached": _volumes_attached(call, server),
        "progress": 0 if server["status"] == "BUILD" else 100,
    }
