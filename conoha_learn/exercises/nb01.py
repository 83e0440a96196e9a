"""Exercises of notebook 01 (OpenStack and ConoHa)."""

from __future__ import annotations

from ..catalog import aliases
from . import CONNECT_FIRST, exercise, not_connected

# OpenStack project (the catalog's "name" column, or the project itself) -> its service type.
PROJECT_TYPES = {
    "keystone": "identity", "nova": "compute", "neutron": "network", "cinder": "volumev3",
    "cinderv3": "volumev3", "cinderv2": "volumev2", "glance": "image", "swift": "object-store",
    "designate": "dns", "octavia": "load-balancer", "heat": "orchestration", "ironic": "baremetal",
}
WHAT_IT_STORES = {
    "identity": "Keystone's: users, tenants and tokens",
    "compute": "Nova's: it runs the server, but its disk lives in another service",
    "image": "Glance's: it keeps the OS images a boot volume is copied from, not the volumes",
    "network": "Neutron's: networks, ports, IP addresses and security groups",
    "object-store": "Swift's: files (objects) over HTTP, not disks attached to servers",
    "dns": "Designate's: DNS zones and records",
    "load-balancer": "the load balancers'",
}


@exercise("01.boot-volumes",
          "Which service type in your catalog stores a server's boot volume?",
          "A boot volume is a block storage volume. Look at the type column of conn.catalog, "
          "not the name column.")
def boot_volumes(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return 'answer with a service type as a string, e.g. "compute".'
    name = answer.strip().lower()
    if name in PROJECT_TYPES:
        return (f"{answer!r} names an OpenStack project (the catalog's name column); clients look "
                f"services up by type, such as {PROJECT_TYPES[name]!r} for {name.capitalize()}.")
    if not_connected(conn):
        return CONNECT_FIRST
    types = set(conn.catalog["type"])
    block_storage = aliases("block-storage")
    if name in block_storage and types & set(block_storage):
        return None
    if name not in types:
        return f"there is no {answer!r} in your catalog; its types are {', '.join(sorted(types))}."
    return f"that service type is {WHAT_IT_STORES.get(name, 'not block storage')}."


@exercise("01.tenant-id",
          "What is the ID of the tenant (project) your token is scoped to?",
          "conn.token.project holds the tenant's id and name; the ID is the long one.")
def tenant_id(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return "answer with the tenant ID as a string."
    if not_connected(conn) or not getattr(conn.token, "project", None):
        return CONNECT_FIRST
    project, user = conn.token.project, conn.token.user
    given = answer.strip()
    if given == project.get("id"):
        return None
    if given == project.get("name"):
        return "that is the tenant's name (gnct... on ConoHa); the ID is the other field."
    if given in (user.get("id"), user.get("name")):
        return "that identifies your API user, not the tenant it works in."
    return "that is not the ID of your token's tenant; look at conn.token.project."
