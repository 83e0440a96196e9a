"""Neutron v2.0: the public network, security groups and their rules, and servers' ports.

ConoHa VPS Ver.3.0 gives every server a port on a shared public network with one IPv4 and one IPv6
address, and four preset security groups per tenant (seed.SECURITY_GROUP_PRESETS).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from . import fields, seed
from .call import Call, Reply, Route, paginate
from .clock import isoformat
from .errors import ApiError

if TYPE_CHECKING:
    from .state import SimState

# Server addresses come from 198.18.0.0/15 (RFC 2544, reserved for benchmarking, never routed on
# the Internet) and 2001:db8::/32 (RFC 3849, documentation): nothing the simulator prints is a
# real host, and 130,000 servers fit.
V4_POOL = ipaddress.ip_network("198.18.0.0/15")
V6_POOL = ipaddress.ip_network("2001:db8:18::/64")
PUBLIC_NAME = "ext-198-18-0-0-15"
# Query parameters that are not field filters (Neutron's list API).
NON_FILTERS = {"fields", "limit", "marker", "page_reverse", "sort_key", "sort_dir"}


def _stamp(sim: SimState, doc: dict) -> dict:
    now = isoformat(sim.now())
    doc.setdefault("created_at", now)
    doc["updated_at"] = now
    doc["revision_number"] = doc.get("revision_number", -1) + 1
    return doc


# --- seeding ----------------------------------------------------------------------------------

def seed_public_network(sim: SimState) -> None:
    net_id = seed.PUBLIC_NETWORK["id"]
    subnets = []
    for version, pool in ((4, V4_POOL), (6, V6_POOL)):
        subnet = {"id": seed.stable_id(f"subnet:public:v{version}"), "name": f"{PUBLIC_NAME}-v{version}",
                  "network_id": net_id, "ip_version": version, "cidr": str(pool),
                  "gateway_ip": str(pool[1]), "enable_dhcp": True, "project_id": "", "tenant_id": "",
                  "allocation_pools": [{"start": str(pool[2]), "end": str(pool[-2])}],
                  "dns_nameservers": [], "host_routes": [], "description": "", "tags": []}
        sim.store.put("subnet", _stamp(sim, subnet))
        subnets.append(subnet["id"])
    sim.store.put("network", _stamp(sim, {
        "id": net_id, "name": PUBLIC_NAME, "status": "ACTIVE", "admin_state_up": True,
        "shared": True, "router:external": True, "subnets": subnets, "mtu": 1500,
        "project_id": "", "tenant_id": "", "description": "", "tags": [],
        "availability_zones": ["nova"], "port_security_enabled": True}))


def seed_project(sim: SimState, project_id: str) -> None:
    """The preset security groups every ConoHa tenant starts with."""
    for name, (description, rules) in seed.SECURITY_GROUP_PRESETS.items():
        group = _create_group(sim, project_id, name, description)
        for ethertype, protocol, low, high, remote in rules:
            _create_rule(sim, project_id, group["id"], {
                "direction": "ingress", "ethertype": ethertype, "protocol": protocol,
                "port_range_min": low, "port_range_max": high,
                "remote_group_id": group["id"] if remote == seed.SELF else None})


def _create_group(sim: SimState, project_id: str, name: str, description: str) -> dict:
    group = _stamp(sim, {"id": sim.ids.uuid(), "name": name, "description": description,
                         "project_id": project_id, "tenant_id": project_id, "stateful": True,
                         "shared": False, "tags": []})
    sim.store.put("security_group", group, project_id)
    # Neutron adds "allow all out" rules to every new group.
    for ethertype in ("IPv4", "IPv6"):
        _create_rule(sim, project_id, group["id"], {"direction": "egress", "ethertype": ethertype})
    return group


def _create_rule(sim: SimState, project_id: str, group_id: str, values: dict) -> dict:
    rule = _stamp(sim, {
        "id": sim.ids.uuid(), "security_group_id": group_id, "project_id": project_id,
        "tenant_id": project_id, "direction": values["direction"], "ethertype": values["ethertype"],
        "protocol": values.get("protocol"), "port_range_min": values.get("port_range_min"),
        "port_range_max": values.get("port_range_max"),
        "remote_ip_prefix": values.get("remote_ip_prefix"),
        "remote_group_id": values.get("remote_group_id"), "description": values.get("description", "")})
    sim.store.put("security_group_rule", rule, project_id)
    return rule


# --- used by compute/ -------------------------------------------------------------------------

def resolve_security_groups(sim: SimState, project_id: str, refs: list) -> list[dict]:
    """Turn Nova's ``[{"name": ...}]`` (a name or an id) into this project's group documents."""
    groups = sim.store.list("security_group", project_id)
    found = []
    for ref in refs:
        key = ref.get("name") if isinstance(ref, dict) else None
        if not isinstance(key, str):
            raise ApiError(400, "Invalid input for field 'security_groups': each item must be "
                                'an object like {"name": "default"}')
        match = next((g for g in groups if key in (g["name"], g["id"])), None)
        if match is None:
            names = ", ".join(sorted(g["name"] for g in groups))
            raise ApiError(400, f"Security group {key} not found for project {project_id}. "
                                f"Existing groups: {names}")
        found.append(match)
    return found


def _allocate(sim: SimState) -> tuple[str, str]:
    n = int(sim.store.get_meta("next_address") or "10")
    sim.store.set_meta("next_address", str(n + 1))
    if n >= V4_POOL.num_addresses - 1:
        raise ApiError(409, "No more IP addresses available on network " + PUBLIC_NAME)
    return str(V4_POOL[n]), str(V6_POOL[n])


def plug_server(sim: SimState, project_id: str, server_id: str, security_group_ids: list[str]) -> None:
    """Give a new server its port on the public network, with one IPv4 and one IPv6 address."""
    v4, v6 = _allocate(sim)
    subnet_v4, subnet_v6 = seed.stable_id("subnet:public:v4"), seed.stable_id("subnet:public:v6")
    sim.store.put("port", _stamp(sim, {
        "id": sim.ids.uuid(), "name": "", "network_id": seed.PUBLIC_NETWORK["id"],
        "mac_address": sim.ids.mac(), "device_id": server_id, "device_owner": "compute:nova",
        "fixed_ips": [{"subnet_id": subnet_v4, "ip_address": v4},
                      {"subnet_id": subnet_v6, "ip_address": v6}],
        "security_groups": list(security_group_ids), "status": "ACTIVE", "admin_state_up": True,
        "project_id": project_id, "tenant_id": project_id, "description": "", "tags": [],
        "allowed_address_pairs": [], "port_security_enabled": True}), project_id)


def _ports_of(sim: SimState, server_id: str) -> list[dict]:
    return sim.store.find("port", device_id=server_id)


def server_addresses(sim: SimState, server_id: str) -> dict:
    """Nova's ``addresses`` view of a server's ports: ``{network name: [{addr, version, ...}]}``."""
    addresses: dict[str, list] = {}
    for port in _ports_of(sim, server_id):
        net = sim.store.get("network", port["network_id"])
        for ip in port["fixed_ips"]:
            addresses.setdefault(net["name"], []).append({
                # ":" tells IPv6 from IPv4 for addresses we made; parsing each one cost a
                # fifth of a 100-server detail listing.
                "addr": ip["ip_address"], "version": 6 if ":" in ip["ip_address"] else 4,
                "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": port["mac_address"]})
    return addresses


def unplug_server(sim: SimState, server_id: str) -> None:
    for port in _ports_of(sim, server_id):
        sim.store.delete("port", port["id"])


# --- handlers ---------------------------------------------------------------------------------

def versions(call: Call) -> Reply:
    return Reply({"versions": [{"id": "v2.0", "status": "CURRENT",
                                "links": [{"rel": "self", "href": f"{call.base_url}/networking/v2.0/"}]}]})


def resources(call: Call) -> Reply:
    names = ["network", "subnet", "port", "security_group", "security_group_rule"]
    return Reply({"resources": [
        {"name": n, "collection": n.replace("_", "-") + "s",
         "links": [{"rel": "self", "href": f"{call.base_url}/networking/v2.0/{n.replace('_', '-')}s"}]}
        for n in names]})


def _visible(call: Call, kind: str) -> list[dict]:
    """This project's documents of a kind; networks and subnets include the shared public ones."""
    if kind in ("network", "subnet"):
        return [d for d in call.sim.store.list(kind) if d["project_id"] in ("", call.project_id)]
    return call.sim.store.list(kind, call.project_id)


def _filtered(call: Call, docs: list[dict]) -> list[dict]:
    """Neutron treats every other query parameter as an exact-match field filter."""
    for key, values in call.request.args.lists():
        if key in NON_FILTERS:
            continue
        docs = [d for d in docs if key in d and str(d[key]).lower() in {v.lower() for v in values}]
    return docs


def _fields(call: Call, doc: dict) -> dict:
    wanted = call.request.args.getlist("fields")
    return {k: v for k, v in doc.items() if k in wanted} if wanted else doc


def _lister(kind: str, collection: str, render=lambda call, d: d):
    def handler(call: Call) -> Reply:
        docs = _filtered(call, [render(call, d) for d in _visible(call, kind)])
        page, links = paginate(call, docs, collection, f"/networking/v2.0/{collection.replace('_', '-')}")
        body = {collection: [_fields(call, d) for d in page]}
        if links:
            body[f"{collection}_links"] = links
        return Reply(body)
    handler.__name__ = f"list_{collection}"
    return handler


# Neutron's NotFound words: security groups and rules "does not exist" (SecurityGroupNotFound,
# SecurityGroupRuleNotFound in neutron/extensions/securitygroup.py), networks, subnets and ports
# "could not be found." (neutron_lib/exceptions/__init__.py).
_NOT_FOUND = {"security_group": "Security group {id} does not exist",
              "security_group_rule": "Security group rule {id} does not exist"}


def _get(call: Call, kind: str, id: str) -> dict:
    doc = call.sim.store.get(kind, id)
    if doc is None or doc.get("project_id") not in ("", call.project_id):
        words = _NOT_FOUND.get(kind, kind.replace("_", " ").capitalize() + " {id} could not be found.")
        raise ApiError(404, words.format(id=id),
                       error_type=kind.title().replace("_", "") + "NotFound")
    return doc


def _shower(kind: str, render=lambda call, d: d):
    def handler(call: Call) -> Reply:
        return Reply({kind: _fields(call, render(call, _get(call, kind, call.args["id"])))})
    handler.__name__ = f"show_{kind}"
    return handler


def _with_rules(call: Call, group: dict) -> dict:
    rules = [r for r in call.sim.store.list("security_group_rule", group["project_id"])
             if r["security_group_id"] == group["id"]]
    return {**group, "security_group_rules": rules}


def _check_quota(call: Call, kind: str, quota: int, adding: int = 1) -> None:
    """Neutron's quota refusal (409 OverQuota): without one, any loop could grow the store
    without bound."""
    if call.sim.store.count(kind, call.project_id) + adding > quota:
        raise ApiError(409, f"Quota exceeded for resources: ['{kind}'].", error_type="OverQuota")


def create_security_group(call: Call) -> Reply:
    body = call.body("security_group")
    name = fields.text(body, "name") or ""
    description = fields.text(body, "description") or ""
    config = call.sim.config
    with call.sim.store.transaction():
        _check_quota(call, "security_group", config.quota_security_groups)
        # Each new group comes with its two "allow all out" rules.
        _check_quota(call, "security_group_rule", config.quota_security_group_rules, adding=2)
        group = _create_group(call.sim, call.project_id, name, description)
    return Reply({"security_group": _with_rules(call, group)}, 201)


def update_security_group(call: Call) -> Reply:
    # Read and write in one transaction: a group deleted meanwhile must not come back.
    with call.sim.store.transaction():
        group = _get(call, "security_group", call.args["id"])
        body = call.body("security_group")
        for key in ("name", "description"):
            if key in body:
                group[key] = fields.text(body, key) or ""
        call.sim.store.put("security_group", _stamp(call.sim, group), call.project_id)
    return Reply({"security_group": _with_rules(call, group)})


def delete_security_group(call: Call) -> Reply:
    # The in-use check and the delete in one transaction, or a server created between them
    # would keep a port in a group that no longer exists.
    with call.sim.store.transaction():
        group = _get(call, "security_group", call.args["id"])
        if group["name"] == "default":
            raise ApiError(409, "Removing default security group not allowed.")
        in_use = [p["device_id"] for p in call.sim.store.list("port", call.project_id)
                  if group["id"] in p["security_groups"]]
        if in_use:
            raise ApiError(409, f"Security Group {group['id']} in use by server(s) {', '.join(in_use)}.",
                           error_type="SecurityGroupInUse")
        for rule in call.sim.store.list("security_group_rule", call.project_id):
            if rule["security_group_id"] == group["id"]:
                call.sim.store.delete("security_group_rule", rule["id"])
        call.sim.store.delete("security_group", group["id"])
    return Reply(None, 204)


def create_security_group_rule(call: Call) -> Reply:
    body = call.body("security_group_rule")
    group_id = body.get("security_group_id")
    if not isinstance(group_id, str):
        raise ApiError(400, "Invalid input: security_group_id is required (the group to add the rule to).")
    if body.get("direction") not in ("ingress", "egress"):
        raise ApiError(400, "Invalid input for direction. Reason: it must be 'ingress' or 'egress'.")
    if body.get("ethertype", "IPv4") not in ("IPv4", "IPv6"):
        raise ApiError(400, "Invalid input for ethertype. Reason: it must be 'IPv4' or 'IPv6'.")
    protocol = body.get("protocol")
    if protocol is not None and protocol not in ("tcp", "udp", "icmp", "ipv6-icmp", "any"):
        raise ApiError(400, f"Security group rule protocol {str(protocol)[:20]} not supported. "
                            "Use tcp, udp, icmp or ipv6-icmp.", error_type="SecurityGroupRuleInvalidProtocol")
    ports = [body.get("port_range_min"), body.get("port_range_max")]
    for port in ports:
        if port is not None and (not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535):
            raise ApiError(400, "Invalid input: port_range_min and port_range_max must be whole "
                                "numbers from 0 to 65535.")
    if None not in ports and ports[0] > ports[1]:
        raise ApiError(400, "For TCP/UDP protocols, port_range_min must be <= port_range_max",
                       error_type="SecurityGroupInvalidPortRange")
    prefix = body.get("remote_ip_prefix")
    if prefix is not None:
        try:
            ipaddress.ip_network(str(prefix), strict=False)
        except ValueError:
            raise ApiError(400, f"Invalid input for remote_ip_prefix. Reason: '{str(prefix)[:50]}' "
                                "is not a valid IP prefix such as 192.0.2.0/24.") from None
    values = {"direction": body["direction"], "ethertype": body.get("ethertype", "IPv4"),
              "protocol": protocol, "port_range_min": ports[0], "port_range_max": ports[1],
              "remote_ip_prefix": prefix, "description": fields.text(body, "description") or ""}
    # Like Neutron, the body is checked first, then the group; in one transaction with the
    # insert, so a group deleted meanwhile cannot end up with an orphan rule.
    with call.sim.store.transaction():
        _get(call, "security_group", group_id)
        _check_quota(call, "security_group_rule", call.sim.config.quota_security_group_rules)
        rule = _create_rule(call.sim, call.project_id, group_id, values)
    return Reply({"security_group_rule": rule}, 201)


def delete_security_group_rule(call: Call) -> Reply:
    rule = _get(call, "security_group_rule", call.args["id"])
    call.sim.store.delete("security_group_rule", rule["id"])
    return Reply(None, 204)


_V2 = "/networking/v2.0"
ROUTES = [
    Route("GET", "/networking", versions, auth=False),
    Route("GET", _V2, resources),
    Route("GET", f"{_V2}/networks", _lister("network", "networks")),
    Route("GET", f"{_V2}/networks/<id>", _shower("network")),
    Route("GET", f"{_V2}/subnets", _lister("subnet", "subnets")),
    Route("GET", f"{_V2}/subnets/<id>", _shower("subnet")),
    Route("GET", f"{_V2}/ports", _lister("port", "ports")),
    Route("GET", f"{_V2}/ports/<id>", _shower("port")),
    Route("GET", f"{_V2}/security-groups", _lister("security_group", "security_groups", _with_rules)),
    Route("POST", f"{_V2}/security-groups", create_security_group),
    Route("GET", f"{_V2}/security-groups/<id>", _shower("security_group", _with_rules)),
    Route("PUT", f"{_V2}/security-groups/<id>", update_security_group),
    Route("DELETE", f"{_V2}/security-groups/<id>", delete_security_group),
    Route("GET", f"{_V2}/security-group-rules", _lister("security_group_rule", "security_group_rules")),
    Route("POST", f"{_V2}/security-group-rules", create_security_group_rule),
    Route("GET", f"{_V2}/security-group-rules/<id>", _shower("security_group_rule")),
    Route("DELETE", f"{_V2}/security-group-rules/<id>", delete_security_group_rule),
]
