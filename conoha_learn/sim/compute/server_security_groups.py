"""GET /servers/{id}/os-security-groups: the groups on a server's ports, in Nova's older format.

ConoHa documents it (doc.conoha.jp/api-vps3/compute-get_server_secgps-v3); Ansible's
openstack.cloud.server reads it to compare a server's groups with the ones asked for. Nova shows
only ingress rules, each as ``ip_protocol`` / ``from_port`` / ``to_port`` with either
``ip_range: {"cidr": ...}`` or, for a rule naming a group, ``group: {"name", "tenant_id"}``
(nova/network/security_group_api.py, upstream behaviour).
"""

from __future__ import annotations

from ..call import Call, Reply
from .server_views import load_server


def _nova_rule(sim, rule: dict) -> dict:
    remote = rule["remote_group_id"] and sim.store.get("security_group", rule["remote_group_id"])
    return {"id": rule["id"], "parent_group_id": rule["security_group_id"],
            "ip_protocol": rule["protocol"], "from_port": rule["port_range_min"],
            "to_port": rule["port_range_max"],
            "ip_range": {"cidr": rule["remote_ip_prefix"]} if rule["remote_ip_prefix"] else {},
            "group": {"name": remote["name"], "tenant_id": remote["tenant_id"]} if remote else {}}


def list_server_security_groups(call: Call) -> Reply:
    sim, server = call.sim, load_server(call)
    group_ids = dict.fromkeys(group_id for port in sim.store.find("port", device_id=server["id"])
                              for group_id in port["security_groups"])  # in order, once each
    rules = sim.store.list("security_group_rule", call.project_id)
    groups = []
    for group in filter(None, map(lambda gid: sim.store.get("security_group", gid), group_ids)):
        groups.append({"id": group["id"], "name": group["name"],
                       "description": group["description"], "tenant_id": group["tenant_id"],
                       "rules": [_nova_rule(sim, r) for r in rules
                                 if r["security_group_id"] == group["id"]
                                 and r["direction"] == "ingress"]})
    return Reply({"security_groups": groups})
