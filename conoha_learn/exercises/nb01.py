"""Exercises of notebook 01 (OpenStack and ConoHa): judged against your own catalog, token and call."""

from __future__ import annotations

from typing import Any

from ..catalog import aliases
from ..i18n import N_, _
from . import exercise
from .answers import CONNECT_FIRST, Unjudgeable, require_connection, text
from .calls import judge_get

# OpenStack project (the catalog's "name" column, or the project itself) -> its service type.
PROJECT_TYPES = {
    "keystone": "identity", "nova": "compute", "neutron": "network", "cinder": "volumev3",
    "cinderv3": "volumev3", "cinderv2": "volumev2", "glance": "image", "swift": "object-store",
    "designate": "dns", "octavia": "load-balancer", "heat": "orchestration", "ironic": "baremetal",
}
WHAT_IT_STORES = {
    "identity": N_("that service type is Keystone's: users, tenants and tokens."),
    "compute": N_("that service type is Nova's: it runs the server, but its disk lives in another "
                  "service."),
    "image": N_("that service type is Glance's: it keeps the OS images a boot volume is copied "
                "from, not the volumes."),
    "network": N_("that service type is Neutron's: networks, ports, IP addresses and security "
                  "groups."),
    "object-store": N_("that service type is Swift's: files (objects) over HTTP, not disks "
                       "attached to servers."),
    "dns": N_("that service type is Designate's: DNS zones and records."),
    "load-balancer": N_("that service type is the load balancers'."),
}
NOT_BLOCK_STORAGE = N_("that service type is not block storage.")


@exercise("01.boot-volumes",
          N_("Which service type in your catalog stores a server's boot volume?"),
          N_("A boot volume is a block storage volume. Look at the type column of conn.catalog, "
             "not the name column."))
def boot_volumes(answer: Any, conn: Any) -> str | None:
    given = text(answer, N_('answer with a service type as a string, e.g. "compute".'))
    name = given.lower()
    if name in PROJECT_TYPES:
        return _("{answer!r} names an OpenStack project (the catalog's name column); clients look "
                 "services up by type, such as {type!r} for {project}.").format(
                     answer=given, type=PROJECT_TYPES[name], project=name.capitalize())
    types = set(require_connection(conn).catalog["type"])
    block_storage = aliases("block-storage")
    if name in block_storage and types & set(block_storage):
        return None
    if name not in types:
        return _("there is no {answer!r} in your catalog; its types are {types}.").format(
            answer=given, types=", ".join(sorted(types)))
    return _(WHAT_IT_STORES.get(name, NOT_BLOCK_STORAGE))


@exercise("01.tenant-id",
          N_("What is the ID of the tenant (project) your token is scoped to?"),
          N_("conn.token.project holds the tenant's id and name; the ID is the long one."))
def tenant_id(answer: Any, conn: Any) -> str | None:
    given = text(answer, N_("answer with the tenant ID as a string."))
    project = getattr(require_connection(conn).token, "project", None)
    if not project:  # a token without a tenant: nothing to compare with
        raise Unjudgeable(_(CONNECT_FIRST))
    user = conn.token.user
    if given == project.get("id"):
        return None
    if given == project.get("name"):
        return _("that is the tenant's name (gnct... on ConoHa); the ID is the other field.")
    if given in (user.get("id"), user.get("name")):
        return _("that identifies your API user, not the tenant it works in.")
    return _("that is not the ID of your token's tenant; look at conn.token.project.")


# Near misses of Cinder's volume type list, as the block storage endpoint sees the path.
TYPE_PATHS = {
    "/volumes": N_("{path} lists your volumes (none yet, so an empty list); the kinds of volume "
                   "the service offers are its volume types, at /types."),
    "/volume_types": N_("{path} answered {status}: Cinder's API calls the collection just "
                        "/types."),
    "/volume-types": N_("{path} answered {status}: Cinder's API calls the collection just "
                        "/types."),
    "/type": N_("{path} answered {status}: a collection's name is plural, /types."),
}


@exercise("01.volume-types",
          N_("Ask the service that stores boot volumes which volume types it offers: a GET of "
             "/types with conn.get. Pass what it returned."),
          N_("Exercise 01.boot-volumes found that service's type in your catalog. conn.get takes "
             "the type, then the path: conn.get(type, \"/types\")."),
          builds=True)
def volume_types(answer: Any, conn: Any) -> str | None:
    return judge_get(answer, conn, service_type="block-storage", path="/types",
                     other_service=lambda sent_to: _(WHAT_IT_STORES.get(sent_to, NOT_BLOCK_STORAGE)),
                     near_paths=TYPE_PATHS,
                     other_path=N_("{path} is not the list of volume types (the answer was "
                                   "{status}); the path is /types."))
