"""Compute version discovery and microversions: the root and version documents, which
microversion a request is served at, and the checks every compute request passes first."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .. import fields
from ..call import Call, Reply
from ..errors import ApiError
from .paths import V21

# Microversions. Decision (issue 13): the version documents advertise 2.1 as the maximum, so that
# openstacksdk and the openstack CLI, which negotiate up to the advertised maximum, keep to the
# 2.1 shapes the course teaches and records. A client that *explicitly* asks for 2.2 or 2.3 (a
# header, or `openstack --os-compute-api-version 2.3`) gets that version's shapes, because every
# difference those two make to what this simulator serves is implemented:
#   2.2  key pairs show "type" ("ssh"); creating one answers 201 instead of 200, deleting one
#        204 instead of 202
#   2.3  "delete_on_termination" in os-extended-volumes:volumes_attached (the extended server
#        attributes 2.3 also adds are admin-only under Nova's default policy: never shown here)
# (nova/api/openstack/compute/rest_api_version_history.rst). Anything above 2.3 is refused with
# 406, naming 2.3 as the maximum. Real Nova advertises the range it accepts; this simulator
# advertising less than it accepts is a deliberate difference (docs/fidelity.md). openstacksdk
# (and so the CLI) checks a configured version against the advertised range and refuses 2.2/2.3
# before sending anything: with those clients the simulator is a 2.1 cloud; raw HTTP (curl,
# requests, this course's library) can ask for 2.2 or 2.3.
MIN_VERSION = (2, 1)
ADVERTISED_MAX = (2, 1)
ACCEPTED_MAX = (2, 3)


def _text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def _requested(call: Call) -> str | None:
    """The version the client asked for: the newer header wins over the legacy one, as in Nova."""
    version = call.request.headers.get("X-OpenStack-Nova-API-Version")
    for entry in call.request.headers.get("OpenStack-API-Version", "").split(","):
        service, _, value = entry.strip().partition(" ")
        if service.lower() == "compute":
            version = value.strip()
    return version


def microversion(call: Call) -> tuple[int, int]:
    """The microversion this request is served at: 2.1 without a header, "latest" is the
    advertised maximum; 400 for a malformed version, 406 for one outside what is accepted."""
    if call.version is None:  # a listing asks once per item: parse the headers once
        call.version = _parse(_requested(call))
    return call.version


def _parse(version: str | None) -> tuple[int, int]:
    if version is None:
        return MIN_VERSION
    if version.lower() == "latest":
        return ADVERTISED_MAX
    if not re.fullmatch(r"[1-9]\d{0,3}\.(0|[1-9]\d{0,3})", version):
        raise ApiError(400, f"API Version String {fields.clip(version)} is of invalid format. "
                            "Must be of format MajorNum.MinorNum.")
    major, minor = (int(part) for part in version.split("."))
    if not MIN_VERSION <= (major, minor) <= ACCEPTED_MAX:
        raise ApiError(406, f"Version {version} is not supported by the API. "
                            f"Minimum is {_text(MIN_VERSION)} and maximum is {_text(ACCEPTED_MAX)}.")
    return major, minor


def at_least(call: Call, minor: int) -> bool:
    """Is this request served at microversion 2.<minor> or later?"""
    return microversion(call) >= (2, minor)


def _echo(version: tuple[int, int]) -> dict[str, str]:
    """Nova says which microversion it used, in both headers."""
    text = _text(version)
    return {"OpenStack-API-Version": f"compute {text}", "X-OpenStack-Nova-API-Version": text,
            "Vary": "OpenStack-API-Version, X-OpenStack-Nova-API-Version"}


def guarded(handler: Callable[[Call], Reply]) -> Callable[[Call], Reply]:
    """Checks every compute request makes before its handler runs, and the version echo after."""
    @functools.wraps(handler)
    def guarded(call: Call) -> Reply:
        tenant = call.args.get("tenant_id")
        if tenant is not None and tenant != call.project_id:  # the 2015 path names the tenant
            raise ApiError(400, f"Malformed request URL: URL's project_id '{fields.clip(tenant)}' "
                                f"doesn't match Context's project_id '{call.project_id}'")
        version = microversion(call)
        try:
            reply = handler(call)
        except ApiError as exc:
            exc.headers.update(_echo(version))
            raise
        reply.headers.update(_echo(version))
        return reply
    return guarded


# --- version discovery ------------------------------------------------------------------------
# Shapes follow nova doc/api_samples/versions/ (versions-get-resp.json, v21-version-get-resp.json,
# v2-version-get-resp.json) as they were before Nova marked v2.0 DEPRECATED (commit df630cd1b2,
# July 2025): ConoHa's Nova release is not published, and the older status is the one every
# release up to then served.

def _describedby() -> dict:
    return {"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"}


def _version_v2(call: Call, *, full: bool) -> dict:
    doc = {"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": "",
           "updated": "2011-01-21T11:33:21Z",
           "links": [{"rel": "self", "href": f"{call.base_url}/compute/v2/"}]}
    if full:
        doc["links"].append(_describedby())
        doc["media-types"] = [{"base": "application/json",
                               "type": "application/vnd.openstack.compute+json;version=2"}]
    return doc


def _version_v21(call: Call, *, full: bool) -> dict:
    # "version" is the highest microversion clients may negotiate (see ADVERTISED_MAX above).
    doc = {"id": "v2.1", "status": "CURRENT", "version": _text(ADVERTISED_MAX),
           "min_version": _text(MIN_VERSION), "updated": "2013-07-23T11:33:21Z",
           "links": [{"rel": "self", "href": f"{call.base_url}{V21}/"}]}
    if full:
        doc["links"].append(_describedby())
        doc["media-types"] = [{"base": "application/json",
                               "type": "application/vnd.openstack.compute+json;version=2.1"}]
    return doc


def versions(call: Call) -> Reply:
    """GET /compute: both APIs, the 2015 v2.0 first, as Nova lists them."""
    return Reply({"versions": [_version_v2(call, full=False), _version_v21(call, full=False)]})


def version_v21(call: Call) -> Reply:
    return Reply({"version": _version_v21(call, full=True)})


def version_v2(call: Call) -> Reply:
    """GET /compute/v2: the 2015 API's version document (no microversions there)."""
    return Reply({"version": _version_v2(call, full=True)})
