"""Object storage (Swift) basics every Swift handler shares: whose account a path names, who may
do what there, metadata headers, listings and timestamps.

The account is the last part of the catalog URL: ``/v1/AUTH_<tenant id>`` on ConoHa VPS Ver.3.0
(``nc_<tenant id>`` in the 2015 Ver.2.0 catalog; both name the same account here). Swift's
keystoneauth middleware decides access: your own account, yes; another tenant's, 403; no (or a
bad) token, 401 — unless a container's read ACL (``X-Container-Read: .r:*``) makes it public.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable

from werkzeug.http import http_date

from typing import TYPE_CHECKING

from . import swift_tempurl as tempurl
from .call import Call, Reply
from .errors import AUTH_REQUIRED, ApiError
from .identity import lookup_token

if TYPE_CHECKING:
    from .state import SimState

RESELLER_PREFIXES = ("AUTH_", "nc_")

# Upstream Swift's default constraints (swift.conf [swift-constraints]); ConoHa publishes none.
MAX_META_NAME_LENGTH = 128
MAX_META_VALUE_LENGTH = 256
MAX_META_COUNT = 90
MAX_META_OVERALL_SIZE = 4096
MAX_CONTAINER_NAME_LENGTH = 256
MAX_OBJECT_NAME_LENGTH = 1024
LISTING_LIMIT = 10000

TEXT_HTML = "text/html; charset=UTF-8"  # what Swift labels its empty and error bodies with
GIB = 1024 ** 3  # ConoHa's quota bytes are GiB: 100 GB shows as 107374182400 (2015 API docs)


# --- who is asking --------------------------------------------------------------------------

def account_project(call: Call) -> str:
    """The tenant id in the path's account (``AUTH_<id>``); '' when it has no known prefix."""
    account = call.args["account"]
    for prefix in RESELLER_PREFIXES:
        if account.startswith(prefix):
            return account[len(prefix):]
    return ""


def is_owner(call: Call) -> bool:
    """Look at the token (these routes are open: public containers need no token). True when
    it is a valid token of the account's own tenant, or (for an object) a valid temporary URL
    (swift_tempurl.py; an invalid one is 401 whatever the token)."""
    if "name" in call.args and tempurl.offered(call):
        tempurl.check(call, account_doc(call.sim, account_project(call))["meta"])
        call.token = None
        return True
    call.token = lookup_token(call.sim, call.request.headers.get("X-Auth-Token"))
    return call.token is not None and call.token["project_id"] == account_project(call)


def denied(call: Call) -> ApiError:
    """401 without a (valid) token, 403 with another tenant's: what keystoneauth answers."""
    if call.token is None:
        return ApiError(401, f"{AUTH_REQUIRED} Send your token in X-Auth-Token (or make the "
                             "container public with X-Container-Read: .r:* to read without one).")
    return ApiError(403, f"Access was denied to this resource: {call.args['account']} is not your "
                         f"account. Yours is AUTH_{call.token['project_id']}, the object-store "
                         "URL in your token's catalog.")


def require_owner(call: Call) -> None:
    if not is_owner(call):
        raise denied(call)


def account_doc(sim: SimState, project: str, *, save: bool = False) -> dict:
    """The account's own record: its metadata and the capacity bought, in GB. Swift makes it on
    the first write (account_autocreate): until then, and without ``save``, a default unsaved."""
    doc = sim.store.get("swift_account", project)
    if doc is None:
        doc = {"id": project, "project_id": project, "created": sim.now(), "meta": {},
               "quota_gb": sim.config.object_quota_gb}
        if save:
            sim.store.put("swift_account", doc, project)
    return doc


# --- metadata headers -------------------------------------------------------------------------

def meta_changes(call: Call, kind: str) -> dict[str, str | None]:
    """``X-<Kind>-Meta-<name>`` headers (an empty value removes one) and
    ``X-Remove-<Kind>-Meta-<name>``. Keys come back lower-case; None means "remove"."""
    set_prefix, remove_prefix = f"x-{kind}-meta-", f"x-remove-{kind}-meta-"
    changes: dict[str, str | None] = {}
    for header, value in call.request.headers.items():
        name = header.lower()
        if name.startswith(remove_prefix):
            changes[name[len(remove_prefix):]] = None
        elif name.startswith(set_prefix):
            key = name[len(set_prefix):]
            if not key:
                raise plain_error(400, f"Metadata name cannot be empty: a header {header} needs "
                                       "a name after the prefix.")
            changes[key] = value or None
    return changes


def plain_error(status: int, message: str, *, text_plain: bool = True) -> ApiError:
    """Swift's constraint and quota errors: a plain sentence, not an HTML page. Most are sent as
    ``text/plain`` (swift/common/constraints.py: check_metadata, check_object_creation); a few
    keep swob's default ``text/html`` type around the same bare sentence ("Maximum limit is",
    swift/common/request_helpers.py; "Upload exceeds quota.", middleware/account_quotas.py)."""
    headers = {"Content-Type": "text/plain; charset=UTF-8"} if text_plain else None
    return ApiError(status, message, headers=headers, plain=True)


def apply_meta(meta: dict[str, str], changes: dict[str, str | None], kind: str) -> dict[str, str]:
    """``meta`` with the changes applied, checked against Swift's limits (400 past them)."""
    result = dict(meta)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    for key, value in result.items():
        if len(key) > MAX_META_NAME_LENGTH:
            raise plain_error(400, f"Metadata name too long: X-{kind.title()}-Meta-{key[:40]}...; "
                                   f"at most {MAX_META_NAME_LENGTH} characters.")
        if len(value) > MAX_META_VALUE_LENGTH:
            raise plain_error(400, f"Metadata value longer than {MAX_META_VALUE_LENGTH}: "
                                   f"X-{kind.title()}-Meta-{key}")
    if len(result) > MAX_META_COUNT:
        raise plain_error(400, f"Too many metadata items; max {MAX_META_COUNT}")
    if sum(len(k) + len(v) for k, v in result.items()) > MAX_META_OVERALL_SIZE:
        raise plain_error(400, f"Total metadata too large; max {MAX_META_OVERALL_SIZE} (bytes of "
                               "names and values together)")
    return result


def meta_headers(meta: dict[str, str], kind: str) -> dict[str, str]:
    return {f"X-{kind.title()}-Meta-{key.title()}": value for key, value in meta.items()}


# --- time -------------------------------------------------------------------------------------

def time_headers(ts: float) -> dict[str, str]:
    """``X-Timestamp`` (Swift's 5-decimal seconds) and ``Last-Modified`` (whole seconds, up)."""
    return {"X-Timestamp": f"{ts:.5f}", "Last-Modified": http_date(math.ceil(ts))}


# --- listings (account: containers; container: objects) ---------------------------------------

def _limit(call: Call) -> int:
    value = call.request.args.get("limit")
    if value is None:
        return LISTING_LIMIT
    if not re.fullmatch(r"\d{1,9}", value):
        raise ApiError(400, f"Invalid limit '{value[:20]}': a whole number from 0 to {LISTING_LIMIT}.")
    if int(value) > LISTING_LIMIT:
        raise plain_error(412, f"Maximum limit is {LISTING_LIMIT}", text_plain=False)
    return int(value)


def select(call: Call, entries: Iterable[dict]) -> list[dict]:
    """Swift's listing parameters over entries that have a ``name``: ``prefix``, ``delimiter``
    (names going on past it fold into one ``{"subdir": ...}``), ``marker`` / ``end_marker``
    (names after / before, in byte order), ``limit``."""
    args = call.request.args
    prefix, delimiter = args.get("prefix", ""), args.get("delimiter", "")
    marker, end_marker = args.get("marker", ""), args.get("end_marker")
    limit = _limit(call)
    chosen: list[dict] = []
    seen_subdirs: set[str] = set()
    for entry in sorted(entries, key=lambda e: e["name"].encode()):
        name = entry["name"]
        if not name.startswith(prefix) or (marker and name.encode() <= marker.encode()):
            continue
        if end_marker is not None and name.encode() >= end_marker.encode():
            break
        if delimiter and delimiter in name[len(prefix):]:
            cut = name.index(delimiter, len(prefix)) + len(delimiter)
            subdir = name[:cut]
            if subdir in seen_subdirs or (marker and subdir.encode() <= marker.encode()):
                continue
            seen_subdirs.add(subdir)
            entry = {"subdir": subdir}
        if len(chosen) >= limit:
            break
        chosen.append(entry)
    return chosen


def wants_json(call: Call) -> bool:
    """``?format=json`` (or ``plain``), else the Accept header; plain text by default."""
    fmt = call.request.args.get("format")
    if fmt is not None:
        if fmt.lower() not in ("json", "plain"):
            raise ApiError(406, f"format={fmt[:20]}: this simulator lists as json or plain "
                                "(Swift also knows xml).")
        return fmt.lower() == "json"
    best = call.request.accept_mimetypes.best_match(["text/plain", "application/json"])
    return best == "application/json"


def listing_reply(call: Call, entries: list[dict], headers: dict[str, str]) -> Reply:
    """A listing as Swift writes it: JSON, or one name per line (204 when there are none)."""
    headers = {**headers, "Accept-Ranges": "bytes"}
    if call.request.method == "HEAD":
        return Reply(b"", 204, {**headers, "Content-Type": TEXT_HTML})
    if wants_json(call):
        body = json.dumps(entries, ensure_ascii=False).encode()
        return Reply(body, 200, {**headers, "Content-Type": "application/json; charset=utf-8"})
    if not entries:
        return Reply(b"", 204, {**headers, "Content-Type": "text/plain; charset=utf-8"})
    names = "".join((e.get("name") or e["subdir"]) + "\n" for e in entries)
    return Reply(names.encode(), 200, {**headers, "Content-Type": "text/plain; charset=utf-8"})
