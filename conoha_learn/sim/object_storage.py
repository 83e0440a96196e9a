"""Object storage (Swift v1), as ConoHa serves it: the account, its routes, and ``/info``.

    /object-storage/v1/AUTH_<tenant id>                       the account   (this module)
    /object-storage/v1/AUTH_<tenant id>/<container>           a container   (swift_containers.py)
    /object-storage/v1/AUTH_<tenant id>/<container>/<object>  an object     (swift_objects.py)

ConoHa sells capacity in 100 GB steps: ``POST`` the account with
``X-Account-Meta-Quota-Giga-Bytes: 200`` (doc.conoha.jp, "アカウントクォータ設定"); ``HEAD``
shows it back, with ``X-Account-Meta-Quota-Bytes`` in bytes. Swift answers in plain text or
HTML, never in JSON error envelopes (errors.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import swift_containers as containers
from . import swift_objects as objects
from . import swift_tempurl as tempurl
from .call import Call, Reply, Route
from .clock import isoformat
from .errors import ApiError
from .swift_access import (GIB, LISTING_LIMIT, MAX_CONTAINER_NAME_LENGTH, MAX_META_COUNT,
                           MAX_META_NAME_LENGTH, MAX_META_OVERALL_SIZE, MAX_META_VALUE_LENGTH,
                           MAX_OBJECT_NAME_LENGTH, TEXT_HTML, account_doc, account_project,
                           apply_meta, listing_reply, meta_changes, meta_headers, require_owner,
                           select)

if TYPE_CHECKING:
    from .state import SimState

QUOTA_HEADER = "X-Account-Meta-Quota-Giga-Bytes"
QUOTA_STEP_GB = 100


def limits(sim: SimState) -> dict:
    """What this simulator's object storage allows (shown in GET /_sim and GET /info)."""
    cfg = sim.config
    return {"max_object_bytes": cfg.object_max_bytes, "max_account_bytes": cfg.object_account_bytes,
            "quota_giga_bytes_at_start": cfg.object_quota_gb,
            "max_containers": containers.MAX_CONTAINERS, "max_objects": objects.MAX_OBJECTS}


def info(call: Call) -> Reply:
    """GET /object-storage/info: Swift's capabilities document (clients read limits from it)."""
    return Reply({"swift": {"version": "conoha-learn simulator",
                            "max_file_size": call.sim.config.object_max_bytes,
                            "max_object_name_length": MAX_OBJECT_NAME_LENGTH,
                            "max_container_name_length": MAX_CONTAINER_NAME_LENGTH,
                            "container_listing_limit": LISTING_LIMIT,
                            "account_listing_limit": LISTING_LIMIT,
                            "max_meta_name_length": MAX_META_NAME_LENGTH,
                            "max_meta_value_length": MAX_META_VALUE_LENGTH,
                            "max_meta_count": MAX_META_COUNT,
                            "max_meta_overall_size": MAX_META_OVERALL_SIZE,
                            "policies": [{"name": "Policy-0", "default": True}]},
                  "account_quotas": {},
                  # swift_tempurl.py; upstream's tempurl registers these capabilities
                  "tempurl": {"methods": sorted(tempurl.METHODS), "outgoing_remove_headers": [],
                              "allowed_digests": ["sha1", "sha256", "sha512"]},
                  "conoha_learn": limits(call.sim)})


def _account_headers(call: Call, project: str) -> dict[str, str]:
    doc = account_doc(call.sim, project)
    stored = call.sim.store.list("object", project)
    count, used = str(len(stored)), str(sum(o["size"] for o in stored))
    n_containers = str(call.sim.store.count("container", project))
    return {"X-Account-Container-Count": n_containers, "X-Account-Object-Count": count,
            "X-Account-Bytes-Used": used,
            "X-Account-Storage-Policy-Policy-0-Container-Count": n_containers,
            "X-Account-Storage-Policy-Policy-0-Object-Count": count,
            "X-Account-Storage-Policy-Policy-0-Bytes-Used": used,
            "X-Timestamp": f"{doc['created']:.5f}",
            QUOTA_HEADER: str(doc["quota_gb"]),
            "X-Account-Meta-Quota-Bytes": str(doc["quota_gb"] * GIB),
            **meta_headers(doc["meta"], "account")}


def show(call: Call) -> Reply:
    """GET lists the containers (JSON or plain text); HEAD gives the counts and the quota."""
    require_owner(call)
    project = account_project(call)
    entries = []
    for container in call.sim.store.list("container", project):
        inside = containers.objects_of(call.sim, project, container["name"])
        entries.append({"name": container["name"], "count": len(inside),
                        "bytes": sum(o["size"] for o in inside),
                        "last_modified": isoformat(container["updated"], micro=True, z=False)})
    return listing_reply(call, select(call, entries), _account_headers(call, project))


def _quota(call: Call, current: int) -> int:
    value = call.request.headers.get(QUOTA_HEADER)
    if value is None:
        return current
    if not re.fullmatch(r"\d{1,7}", value.strip()) or int(value) % QUOTA_STEP_GB:
        raise ApiError(400, f"{QUOTA_HEADER} must be a whole number of GB in steps of "
                            f"{QUOTA_STEP_GB} (0, 100, 200, ...), not {value[:20]!r}.")
    # A figure below what is stored is accepted, as upstream's account_quotas accepts any
    # quota: it is enforced at the next upload (413), not here.
    return int(value)


def update(call: Call) -> Reply:
    """POST: account metadata, and the capacity in GB (``X-Account-Meta-Quota-Giga-Bytes``)."""
    require_owner(call)
    if "X-Account-Meta-Quota-Bytes" in call.request.headers:
        # Swift's account_quotas middleware lets only the operator set it.
        raise ApiError(403, "Access was denied to this resource: X-Account-Meta-Quota-Bytes is set "
                            f"by the operator. On ConoHa you buy capacity with {QUOTA_HEADER}.")
    project = account_project(call)
    with call.sim.store.transaction():
        doc = account_doc(call.sim, project)
        doc["quota_gb"] = _quota(call, doc["quota_gb"])
        changes = meta_changes(call, "account")
        changes.pop("quota-giga-bytes", None)
        doc["meta"] = apply_meta(doc["meta"], changes, "account")
        call.sim.store.put("swift_account", doc, project)
    return Reply(b"", 204, {"Content-Type": TEXT_HTML})


API = "/object-storage/v1/<account>"
ROUTES = [
    Route("GET", "/object-storage/info", info, auth=False),
    # Access is decided by each handler (swift_access.py): a public container needs no token.
    Route("GET", API, show, auth=False),
    Route("POST", API, update, auth=False),
    Route("GET", API + "/<container>", containers.show, auth=False),
    Route("PUT", API + "/<container>", containers.create, auth=False),
    Route("POST", API + "/<container>", containers.update, auth=False),
    Route("DELETE", API + "/<container>", containers.delete, auth=False),
    Route("GET", API + "/<container>/<path:name>", objects.download, auth=False),
    Route("PUT", API + "/<container>/<path:name>", objects.upload, auth=False, stream=True),
    Route("POST", API + "/<container>/<path:name>", objects.update, auth=False),
    Route("COPY", API + "/<container>/<path:name>", objects.copy, auth=False),
    Route("DELETE", API + "/<container>/<path:name>", objects.delete, auth=False),
]
