"""Listing, showing and deleting servers, and their addresses (/ips)."""

from __future__ import annotations

from .. import block_storage, lifecycle, network
from ..call import Call, Reply
from ..errors import ApiError
from .paths import listing
from .server_views import load_server, server_detail, server_summary
from .versions import microversion


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
    def build() -> tuple[Reply, bool]:
        servers = lifecycle.load_all(call.sim, "server", call.project_id)
        keepable = not any(lifecycle.busy(s) for s in servers)  # nothing can fall due later
        name = call.request.args.get("name")
        if name is not None:
            servers = [s for s in servers if _name_matches(name, s["name"])]
        status = call.request.args.get("status")
        if status is not None:  # an unknown status matches nothing, as in Nova
            servers = [s for s in servers if s["status"] == status.upper()]
        return listing(call, "servers", servers, render, path), keepable

    # Everything the answer depends on besides the store: who asks, the path (v2.1 or the 2015
    # tenant path), the query, the microversion and the address the links start with.
    key = (call.project_id, call.request.path, call.request.query_string, microversion(call),
           call.base_url)
    return call.sim.views.answer(key, call.sim.store.generation, build)


def list_servers(call: Call) -> Reply:
    return _servers(call, server_summary, "servers")


def list_servers_detail(call: Call) -> Reply:
    return _servers(call, server_detail, "servers/detail")


def show_server(call: Call) -> Reply:
    return Reply({"server": server_detail(call, load_server(call))})


def delete_server(call: Call) -> Reply:
    """DELETE /servers/{id}: 204; the server shows task_state "deleting", then is gone.

    Its port is freed at once; its volumes are detached (back to "available"), or deleted too if
    they were attached with delete_on_termination.
    """
    sim = call.sim
    with sim.store.transaction():
        server = load_server(call)
        if server["task_state"] == "deleting":
            return Reply(None, 204)
        network.unplug_server(sim, server["id"])
        for volume in server["volumes"]:
            block_storage.release(sim, call.project_id, volume["id"],
                                  delete=volume["delete_on_termination"])
        lifecycle.begin(sim, server, {"task_state": "deleting"}, lifecycle.GONE)
        sim.store.put("server", server, call.project_id)
    return Reply(None, 204)


def _ips(call: Call) -> dict:
    """The server's addresses as /ips shows them: only ``addr`` and ``version``."""
    addresses = network.server_addresses(call.sim, load_server(call)["id"])
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
