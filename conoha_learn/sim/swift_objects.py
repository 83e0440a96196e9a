"""Object storage (Swift) objects: upload, download (whole or a byte range), metadata, copy, delete.

Each object is a document ``object`` (id ``<tenant>/<container>/<name>``: size, ETag, type,
metadata) and its bytes in the store's ``blobs`` table under the same id, written in one
transaction: a 201 means both are on disk (with ``--state``), even if the simulator is killed.

Sizes are capped (SimConfig.object_max_bytes per object, object_account_bytes per account, and
the capacity bought with ``X-Account-Meta-Quota-Giga-Bytes``); past a cap the answer is 413.
"""

from __future__ import annotations

import hashlib
import mimetypes
from urllib.parse import quote, unquote

from werkzeug.http import parse_range_header

from . import swift_containers as containers
from .call import Call, Reply
from .errors import ApiError
from .swift_access import (GIB, MAX_OBJECT_NAME_LENGTH, TEXT_HTML, account_doc, account_project,
                           apply_meta, meta_changes, meta_headers, plain_error, require_owner,
                           time_headers)

MAX_OBJECTS = 10000  # per account, a limit of this simulator (with 0-byte objects, bytes alone
#                      would not bound the store)
DRAIN_LIMIT = 64 << 20  # read and drop at most this much of a refused upload (see _drain)


def object_name(call: Call) -> str:
    """The object name from the raw path: the route's match lost a trailing '/', which is part
    of names like ``photos/`` (pseudo-directory markers)."""
    name = call.request.path.split("/", 5)[5]
    if len(name.encode()) > MAX_OBJECT_NAME_LENGTH:
        raise plain_error(400, f"Object name length of {len(name.encode())} longer than "
                               f"{MAX_OBJECT_NAME_LENGTH}")
    return name


def _object_id(project: str, container: str, name: str) -> str:
    return f"{project}/{container}/{name}"


def _load(call: Call, project: str, container: str, name: str) -> dict:
    obj = call.sim.store.get("object", _object_id(project, container, name))
    if obj is None:
        raise ApiError(404, f"The resource could not be found: no object {name[:120]!r} in "
                            f"container {container[:80]!r}.")
    return obj


def account_limits(call: Call, project: str) -> tuple[int, str]:
    """The account's byte cap now, and why: the simulator's cap or the bought capacity."""
    cap, why = call.sim.config.object_account_bytes, "this simulator's limit per account"
    bought = account_doc(call.sim, project)["quota_gb"] * GIB
    if bought < cap:
        cap, why = bought, ("the capacity bought for this account (X-Account-Meta-Quota-Giga-Bytes; "
                            "POST it to the account, in 100 GB steps)")
    return cap, why


def _check_room(call: Call, project: str, size: int, replacing: dict | None) -> None:
    """413 when storing ``size`` more bytes would pass a cap (replacing an object frees its own)."""
    sim = call.sim
    if size > sim.config.object_max_bytes:
        raise plain_error(413, f"Your request is too large. ({size} bytes; this simulator takes at "
                               f"most {sim.config.object_max_bytes} bytes per object, upstream "
                               "Swift 5 GiB per PUT, larger ones in segments.)")
    objects = sim.store.list("object", project)
    if replacing is None and len(objects) >= MAX_OBJECTS:
        raise plain_error(413, f"Upload exceeds quota. (At most {MAX_OBJECTS} objects per account "
                               "in this simulator.)", text_plain=False)
    used = sum(o["size"] for o in objects) - (replacing["size"] if replacing else 0)
    cap, why = account_limits(call, project)
    if used + size > cap:
        raise plain_error(413, f"Upload exceeds quota. ({used} bytes are stored, this object is "
                               f"{size}, and {why} is {cap} bytes.)", text_plain=False)


def _drain(call: Call) -> None:
    """Swallow (some of) a refused upload's body, so the client gets to read our 413 instead of a
    broken connection."""
    stream, left = call.request.stream, DRAIN_LIMIT
    while left > 0 and (chunk := stream.read(min(left, 1 << 16))):
        left -= len(chunk)


def _read_body(call: Call, project: str, replacing: dict | None) -> bytes:
    request, cap = call.request, call.sim.config.object_max_bytes
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if request.content_length is None and not chunked:
        raise ApiError(411, "Length Required: send Content-Length (or a chunked body).")
    try:
        if request.content_length is not None:
            _check_room(call, project, request.content_length, replacing)
        data = request.stream.read(cap + 1)
        _check_room(call, project, len(data), replacing)
    except ApiError:
        _drain(call)
        raise
    return data


def _store(call: Call, project: str, container: str, name: str, data: bytes, *,
           content_type: str, meta: dict[str, str]) -> dict:
    sim = call.sim
    obj = {"id": _object_id(project, container, name), "project_id": project,
           "container": container, "name": name, "size": len(data),
           "etag": hashlib.md5(data, usedforsecurity=False).hexdigest(),
           "content_type": content_type, "meta": meta, "created": sim.now()}
    sim.store.put_blob(obj["id"], data)
    sim.store.put("object", obj, project)
    return obj


def _content_type(call: Call, name: str, default: str | None = None) -> str:
    given = call.request.headers.get("Content-Type")
    if given:
        return given
    # As Swift's proxy does: guess from the name, else a generic type.
    return default or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _split_source(value: str, header: str) -> tuple[str, str]:
    """``container/object`` (URL-quoted, a leading '/' allowed), as X-Copy-From and Destination
    give it; 412 otherwise, as Swift answers."""
    container, _, name = unquote(value).lstrip("/").partition("/")
    if not container or not name:
        raise ApiError(412, f"{header} header must be of the form <container name>/<object name>.")
    return container, name


def _created(obj: dict, extra: dict[str, str] | None = None) -> Reply:
    return Reply(b"", 201, {"ETag": obj["etag"], "Content-Type": TEXT_HTML,
                            **time_headers(obj["created"]), **(extra or {})})


def _copy(call: Call, project: str, source: tuple[str, str], target: tuple[str, str]) -> Reply:
    sim = call.sim
    with sim.store.transaction():
        original = _load(call, project, *source)
        if containers.find(sim, project, target[0]) is None:
            raise ApiError(404, f"The resource could not be found: no container {target[0][:80]!r} "
                                "to copy into.")
        replacing = sim.store.get("object", _object_id(project, *target))
        _check_room(call, project, original["size"], replacing)
        base = {} if call.request.headers.get("X-Fresh-Metadata", "").lower() == "true" else original["meta"]
        meta = apply_meta(base, meta_changes(call, "object"), "object")
        data = sim.store.get_blob(original["id"]) or b""
        obj = _store(call, project, *target, data, meta=meta,
                     content_type=call.request.headers.get("Content-Type") or original["content_type"])
    return _created(obj, {"X-Copied-From": quote(f"{source[0]}/{source[1]}"),
                          "X-Copied-From-Last-Modified": time_headers(original["created"])["Last-Modified"]})


def _check_if_none_match(call: Call, existing: dict | None) -> None:
    """``If-None-Match: *`` uploads only when no such object exists: 412 otherwise; any other
    value is 400 "If-None-Match only supports *" (swift/proxy/controllers/obj.py)."""
    value = call.request.headers.get("If-None-Match")
    if value is None:
        return
    if value.strip() != "*":
        _drain(call)
        raise plain_error(400, "If-None-Match only supports *", text_plain=False)
    if existing is not None:
        _drain(call)
        raise ApiError(412, "A precondition for this request was not met. (If-None-Match: * and "
                            "the object already exists; nothing was overwritten.)")


def upload(call: Call) -> Reply:
    """PUT: store the body (201, ETag = its MD5), or copy with ``X-Copy-From``."""
    require_owner(call)
    project, container, name = account_project(call), call.args["container"], object_name(call)
    if containers.find(call.sim, project, container) is None:
        raise ApiError(404, f"The resource could not be found: no container {container[:80]!r}; "
                            "create it first with PUT .../" + container[:80])
    if "X-Copy-From" in call.request.headers:
        return _copy(call, project, _split_source(call.request.headers["X-Copy-From"], "X-Copy-From"),
                     (container, name))
    replacing = call.sim.store.get("object", _object_id(project, container, name))
    _check_if_none_match(call, replacing)
    data = _read_body(call, project, replacing)
    expected = call.request.headers.get("ETag", "").strip('"').lower()
    actual = hashlib.md5(data, usedforsecurity=False).hexdigest()
    if expected and expected != actual:
        raise ApiError(422, f"Unprocessable Entity: the ETag you sent ({expected[:40]}) is not the "
                            f"MD5 of the body that arrived ({actual}); nothing was stored.")
    meta = apply_meta({}, meta_changes(call, "object"), "object")
    with call.sim.store.transaction():
        if containers.find(call.sim, project, container) is None:  # deleted meanwhile
            raise ApiError(404, f"The resource could not be found: no container {container[:80]!r}.")
        replacing = call.sim.store.get("object", _object_id(project, container, name))
        _check_if_none_match(call, replacing)
        _check_room(call, project, len(data), replacing)
        obj = _store(call, project, container, name, data, meta=meta,
                     content_type=_content_type(call, name))
    return _created(obj)


def copy(call: Call) -> Reply:
    """COPY with ``Destination: <container>/<object>``: 201."""
    require_owner(call)
    project = account_project(call)
    target = _split_source(call.request.headers.get("Destination", ""), "Destination")
    return _copy(call, project, (call.args["container"], object_name(call)), target)


def download(call: Call) -> Reply:
    """GET (the bytes; ``Range: bytes=a-b`` gives 206) and HEAD (the headers only)."""
    container = containers.readable(call, listing=False)
    name = object_name(call)
    if container is None:
        raise ApiError(404, f"The resource could not be found: no container "
                            f"{call.args['container'][:80]!r}.")
    obj = _load(call, container["project_id"], container["name"], name)
    data = call.sim.store.get_blob(obj["id"]) or b""
    headers = {"Content-Type": obj["content_type"], "ETag": obj["etag"], "Accept-Ranges": "bytes",
               **time_headers(obj["created"]), **meta_headers(obj["meta"], "object")}
    ranges = parse_range_header(call.request.headers.get("Range"))
    # One range is served; a malformed Range, or several ranges, get the whole object.
    if ranges is None or len(ranges.ranges) != 1 or not data:
        return Reply(data, 200, headers)
    span = ranges.range_for_length(len(data))
    if span is None:
        raise ApiError(416, f"Requested Range Not Satisfiable: the object is {len(data)} bytes.",
                       headers={"Content-Range": f"bytes */{len(data)}"})
    start, stop = span
    headers["Content-Range"] = f"bytes {start}-{stop - 1}/{len(data)}"
    return Reply(data[start:stop], 206, headers)


def update(call: Call) -> Reply:
    """POST: replace the object's metadata (all of it, as Swift does) and maybe its type; 202."""
    require_owner(call)
    project, container, name = account_project(call), call.args["container"], object_name(call)
    with call.sim.store.transaction():
        obj = _load(call, project, container, name)
        obj["meta"] = apply_meta({}, meta_changes(call, "object"), "object")
        obj["content_type"] = call.request.headers.get("Content-Type") or obj["content_type"]
        call.sim.store.put("object", obj, project)
    return Reply(b"<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>",
                 202, {"Content-Type": TEXT_HTML})


def delete(call: Call) -> Reply:
    require_owner(call)
    project, container, name = account_project(call), call.args["container"], object_name(call)
    with call.sim.store.transaction():
        obj = _load(call, project, container, name)
        call.sim.store.delete("object", obj["id"])
        call.sim.store.delete_blob(obj["id"])
    return Reply(b"", 204, {"Content-Type": TEXT_HTML})
