"""Compute version discovery and microversions: the root and v2.1 version documents, which
microversion a request asked for, and the checks every compute request passes first."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .. import fields
from ..call import Call, Reply
from ..errors import ApiError
from .paths import V21

MICROVERSION = "2.1"


def _requested_microversion(call: Call) -> str | None:
    version = call.request.headers.get("X-OpenStack-Nova-API-Version")
    for entry in call.request.headers.get("OpenStack-API-Version", "").split(","):
        service, _, value = entry.strip().partition(" ")
        if service.lower() == "compute":
            version = value.strip()
    return version


def check_microversion(call: Call) -> None:
    """Nova answers 406 for a microversion outside its range rather than guessing."""
    version = _requested_microversion(call)
    if version is None or version == MICROVERSION or version.lower() == "latest":
        return
    if not re.fullmatch(r"[1-9]\d{0,3}\.(0|[1-9]\d{0,3})", version):
        raise ApiError(400, f"API Version String {fields.clip(version)} is of invalid format. "
                            "Must be of format MajorNum.MinorNum.")
    raise ApiError(406, f"Version {version} is not supported by the API. "
                        f"Minimum is {MICROVERSION} and maximum is {MICROVERSION}.")


def guarded(handler: Callable[[Call], Reply]) -> Callable[[Call], Reply]:
    """Checks every compute request makes before its handler runs."""
    @functools.wraps(handler)
    def guarded(call: Call) -> Reply:
        tenant = call.args.get("tenant_id")
        if tenant is not None and tenant != call.project_id:  # the 2015 path names the tenant
            raise ApiError(400, f"Malformed request URL: URL's project_id '{fields.clip(tenant)}' "
                                f"doesn't match Context's project_id '{call.project_id}'")
        check_microversion(call)
        return handler(call)
    return guarded


# --- version discovery ------------------------------------------------------------------------

def _version_v21(call: Call) -> dict:
    # "version" is the highest microversion: 2.1 pins clients to 2.1 response shapes (§3.5).
    return {"id": "v2.1", "status": "CURRENT", "version": MICROVERSION, "min_version": MICROVERSION,
            "updated": "2013-07-23T11:33:21Z",
            "links": [{"rel": "self", "href": f"{call.base_url}{V21}/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.compute+json;version=2.1"}]}


def versions(call: Call) -> Reply:
    return Reply({"versions": [_version_v21(call)]})


def version_v21(call: Call) -> Reply:
    return Reply({"version": _version_v21(call)})
