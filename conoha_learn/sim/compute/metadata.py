"""Server metadata (/servers/{id}/metadata): Nova's key/value pairs, where ConoHa keeps the
name tag."""

from __future__ import annotations

from .. import fields
from ..call import Call, Reply
from ..errors import ApiError
from .server_views import load_server


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
    return Reply({"metadata": load_server(call)["metadata"]})


def merge_metadata(call: Call) -> Reply:
    """POST /servers/{id}/metadata: add or change the given keys, keep the others."""
    update = _metadata_argument(call, "metadata")
    with call.sim.store.transaction():
        server = load_server(call)
        _save_metadata(call, server, {**server["metadata"], **update})
    return Reply({"metadata": server["metadata"]})


def replace_metadata(call: Call) -> Reply:
    """PUT /servers/{id}/metadata: the given keys become the whole metadata."""
    metadata = _metadata_argument(call, "metadata")
    with call.sim.store.transaction():
        server = load_server(call)
        _save_metadata(call, server, metadata)
    return Reply({"metadata": server["metadata"]})


def _metadata_item(server: dict, key: str) -> str:
    if key not in server["metadata"]:
        raise ApiError(404, "Metadata item was not found")
    return server["metadata"][key]


def show_metadata_item(call: Call) -> Reply:
    key = call.args["key"]
    return Reply({"meta": {key: _metadata_item(load_server(call), key)}})


def set_metadata_item(call: Call) -> Reply:
    key = call.args["key"]
    meta = _metadata_argument(call, "meta")
    if list(meta) != [key]:
        raise ApiError(400, f"Request body and URI mismatch: send {{\"meta\": {{\"{fields.clip(key)}\": "
                            "\"<value>\"}} with the same single key as the URL.")
    with call.sim.store.transaction():
        server = load_server(call)
        _save_metadata(call, server, {**server["metadata"], **meta})
    return Reply({"meta": meta})


def delete_metadata_item(call: Call) -> Reply:
    key = call.args["key"]
    with call.sim.store.transaction():
        server = load_server(call)
        _metadata_item(server, key)
        _save_metadata(call, server, {k: v for k, v in server["metadata"].items() if k != key})
    return Reply(None, 204)
