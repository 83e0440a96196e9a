"""Object storage (Swift) containers: create, list their objects, metadata and read ACLs, delete.

A container is a document ``container`` with id ``<tenant id>/<name>``; its objects are documents
``object`` (swift_objects.py) that name it. Counts and bytes are summed from the objects on each
request, so they are always exact (real Swift updates them a moment later).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .call import Call, Reply
from .clock import isoformat
from .errors import ApiError
from .swift_access import (MAX_CONTAINER_NAME_LENGTH, TEXT_HTML, account_doc, account_project, apply_meta,
                           denied, is_owner, listing_reply, meta_changes, meta_headers, plain_error,
                           require_owner, select, time_headers)

if TYPE_CHECKING:
    from .state import SimState

MAX_CONTAINERS = 1000  # per account; Swift's default is unlimited, a simulator's store is not


def container_id(project: str, name: str) -> str:
    return f"{project}/{name}"


def find(sim: SimState, project: str, name: str) -> dict | None:
    return sim.store.get("container", container_id(project, name))


def objects_of(sim: SimState, project: str, name: str) -> list[dict]:
    return sim.store.find("object", project_id=project, container=name)


def check_name(name: str) -> None:
    if len(name.encode()) > MAX_CONTAINER_NAME_LENGTH:
        raise plain_error(400, f"Container name length of {len(name.encode())} longer than "
                               f"{MAX_CONTAINER_NAME_LENGTH}", text_plain=False)


def load(call: Call) -> dict:
    """The path's container, in the token's own account; 404 when there is none."""
    require_owner(call)
    container = find(call.sim, account_project(call), call.args["container"])
    if container is None:
        raise ApiError(404, f"The resource could not be found: no container "
                            f"{call.args['container'][:80]!r} in this account (PUT it first).")
    return container


# --- who may read ------------------------------------------------------------------------------

def _grants(container: dict, token: dict | None, *, listing: bool) -> bool:
    """Does the container's read ACL let this caller read (objects, or the listing too)?

    ``.r:*`` opens objects to anyone (no token needed), ``.rlistings`` adds the listing;
    ``<tenant id>:*`` or ``<tenant id>:<user id>`` opens both to another tenant's users.
    """
    entries = {e.strip() for e in (container.get("read") or "").split(",") if e.strip()}
    if token is not None and entries & {f"{token['project_id']}:*",
                                        f"{token['project_id']}:{token['user_id']}"}:
        return True
    return ".r:*" in entries and (not listing or ".rlistings" in entries)


def readable(call: Call, *, listing: bool) -> dict | None:
    """The container, if the caller may read it (owner or ACL); otherwise 401/403 (or 404 for
    the owner). Others cannot tell a missing container from a private one."""
    owner = is_owner(call)
    container = find(call.sim, account_project(call), call.args["container"])
    if owner:
        return container
    if container is not None and _grants(container, call.token, listing=listing):
        return container
    raise denied(call)


# --- handlers ----------------------------------------------------------------------------------

def _acl_changes(call: Call, container: dict) -> None:
    for acl in ("read", "write"):
        header = f"X-Container-{acl.title()}"
        if f"X-Remove-Container-{acl.title()}" in call.request.headers:
            container[acl] = None
        if header in call.request.headers:
            container[acl] = call.request.headers[header].strip() or None


def create(call: Call) -> Reply:
    """PUT: 201 for a new container, 202 when it exists (its metadata is updated)."""
    require_owner(call)
    project, name = account_project(call), call.args["container"]
    check_name(name)
    sim = call.sim
    with sim.store.transaction():
        container = find(sim, project, name)
        status = 202 if container else 201
        if container is None:
            if sim.store.count("container", project) >= MAX_CONTAINERS:
                raise ApiError(403, f"Reached container limit of {MAX_CONTAINERS} (a limit of this "
                                    "simulator); delete some containers first.")
            account_doc(sim, project, save=True)  # the account exists from its first container
            container = {"id": container_id(project, name), "project_id": project, "name": name,
                         "created": sim.now(), "meta": {}, "read": None, "write": None}
        container["meta"] = apply_meta(container["meta"], meta_changes(call, "container"), "container")
        _acl_changes(call, container)
        container["updated"] = sim.now()
        sim.store.put("container", container, project)
    return Reply(b"", status, {"Content-Type": TEXT_HTML})


def update(call: Call) -> Reply:
    """POST: change metadata and ACLs; 204."""
    with call.sim.store.transaction():
        container = load(call)
        container["meta"] = apply_meta(container["meta"], meta_changes(call, "container"), "container")
        _acl_changes(call, container)
        container["updated"] = call.sim.now()
        call.sim.store.put("container", container, container["project_id"])
    return Reply(b"", 204, {"Content-Type": TEXT_HTML})


def delete(call: Call) -> Reply:
    """DELETE: 204; 409 while objects are in it."""
    with call.sim.store.transaction():
        container = load(call)
        inside = objects_of(call.sim, container["project_id"], container["name"])
        if inside:
            raise ApiError(409, f"There was a conflict when trying to complete your request: "
                                f"container {container['name']!r} still holds {len(inside)} "
                                "object(s). Delete them first (a container must be empty).")
        call.sim.store.delete("container", container["id"])
    return Reply(b"", 204, {"Content-Type": TEXT_HTML})


def stats(container: dict, objects: list[dict]) -> dict[str, str]:
    headers = {"X-Container-Object-Count": str(len(objects)),
               "X-Container-Bytes-Used": str(sum(o["size"] for o in objects)),
               "X-Storage-Policy": "Policy-0", **time_headers(container["updated"]),
               "X-Timestamp": f"{container['created']:.5f}",
               **meta_headers(container["meta"], "container")}
    for acl in ("read", "write"):
        if container.get(acl):
            headers[f"X-Container-{acl.title()}"] = container[acl]
    return headers


def _entry(obj: dict) -> dict:
    return {"name": obj["name"], "hash": obj["etag"], "bytes": obj["size"],
            "content_type": obj["content_type"],
            "last_modified": isoformat(obj["created"], micro=True, z=False)}


def show(call: Call) -> Reply:
    """GET lists the objects (JSON or plain text); HEAD only counts them. Both 404 if missing."""
    container = readable(call, listing=True)
    if container is None:
        raise ApiError(404, f"The resource could not be found: no container "
                            f"{call.args['container'][:80]!r} in this account.")
    objects = objects_of(call.sim, container["project_id"], container["name"])
    entries = select(call, [_entry(o) for o in objects])
    return listing_reply(call, entries, stats(container, objects))
