"""Exercises of notebook 03 (the service catalog): your compute endpoint, and a function of yours
that picks endpoints, called on your own catalog and on catalogs made to trip it up."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..i18n import N_, _
from . import exercise
from .answers import Unjudgeable, require_connection, text

MICROVERSION = re.compile(r"\d+\.\d+")


@exercise("03.compute-url",
          N_("What is the URL of the compute (Nova) endpoint in your catalog?"),
          N_("Choose it from the catalog by service type: the public endpoint of type 'compute'."))
def compute_url(answer: Any, conn: Any) -> str | None:
    given = text(answer, N_("answer with the URL as a string.")).rstrip("/")
    expected = require_connection(conn).endpoint("compute").rstrip("/")
    if given == expected:
        return None
    if given.startswith(expected + "/"):
        return _("that is a resource under the endpoint; the endpoint is only the part before it.")
    if "conoha.io" in given and "conoha.io" not in expected:
        return _("that is real ConoHa's compute URL, but your connection talks to another cloud; "
                 "take the URL from your own catalog.")
    return _("that is not the compute endpoint of your catalog ({count} endpoints there).").format(
        count=len(conn.catalog))


@exercise("03.compute-max-microversion",
          N_("What is the highest compute API microversion your compute endpoint offers?"),
          N_("GET the compute service's root URL (the endpoint without /v2.1) and read the "
             "'version' field of the v2.1 entry ('min_version' is the lowest)."))
def compute_max_microversion(answer: Any, conn: Any) -> str | None:
    if isinstance(answer, float):
        return _('write it as a string, such as "2.10": as numbers 2.10 and 2.1 are equal, as '
                 "microversions they are not.")
    expects = N_('answer with a microversion as a string, such as "2.10".')
    given = text(answer, expects)
    if not MICROVERSION.fullmatch(given):
        return _(expects)
    conn = require_connection(conn)
    root = re.sub(r"/v\d+(\.\d+)?(/.*)?$", "", conn.endpoint("compute"))
    document = conn.get("compute", root)
    entries = [v for v in document.get("versions", []) if v.get("id") == "v2.1"]
    if not entries:
        return _("your compute endpoint offers no v2.1 API, so this cannot be checked there.")
    highest, lowest = entries[0].get("version") or "2.1", entries[0].get("min_version") or "2.1"
    if given == highest:
        return None
    if given == lowest and lowest != highest:
        return _("that is the lowest one (min_version); the highest is in the field 'version'.")
    return _("that is not what the compute version document says; look at its 'version' field.")


# --- picking the endpoint by code (a build exercise) ------------------------------------------

GIVE_A_FUNCTION = N_("pass your function itself, without calling it: "
                     "cl.check(\"03.find-endpoint\", find_endpoint).")
RIGHT_URL = "https://compute.c3j1.example.com/v2.1"


def _endpoint(url: str, interface: str = "public", region: str = "c3j1") -> dict:
    """One v3 catalog endpoint (with both region fields, as Keystone sends them)."""
    return {"url": url, "interface": interface, "region": region, "region_id": region}


# Catalogs shaped like Keystone's, each with the right answer somewhere a shortcut misses it:
# (what it exposes, the catalog, the service type and region asked for).
TRAPS: list[tuple[str, list[dict], str, str]] = [
    (N_("it returned the first endpoint of the service; a service can list internal and admin "
        "endpoints before the public one: keep the endpoint whose interface is the one asked for."),
     [{"type": "compute", "name": "nova", "endpoints": [
         _endpoint("https://compute.internal.example.com/v2.1", "internal"),
         _endpoint("https://compute.admin.example.com/v2.1", "admin"),
         _endpoint(RIGHT_URL)]}],
     "compute", "c3j1"),
    (N_("it ignored the region: in a catalog with two regions (as ConoHa had in 2015: tyo1, "
        "sin1, sjc1) it gave another region's endpoint; keep the one whose region is the one "
        "asked for."),
     [{"type": "compute", "name": "nova", "endpoints": [
         _endpoint("https://compute.tyo1.example.com/v2.1", region="tyo1"),
         _endpoint(RIGHT_URL)]}],
     "compute", "c3j1"),
    (N_("it matched the service's name: in a catalog where another service happens to be named "
        "\"compute\" it chose that one. Names are each cloud's own; match the type."),
     [{"type": "image", "name": "compute", "endpoints": [
         _endpoint("https://image.c3j1.example.com")]},
      {"type": "compute", "name": "Compute Service", "endpoints": [_endpoint(RIGHT_URL)]}],
     "compute", "c3j1"),
]


def _call(function: Callable, *args: Any) -> tuple[Any, str | None]:
    """(what function(*args) returned, None) or (None, the error it raised, as text)."""
    try:
        return function(*args), None
    except Exception as error:  # the learner's code: its failure is feedback, not a crash
        return None, f"{type(error).__name__}: {error}"


@exercise("03.find-endpoint",
          N_("Write find_endpoint(catalog, service_type, interface, region): the URL of the "
             "service's endpoint with that interface in that region, from a catalog as Keystone "
             "sends it (conn.token.catalog). Pass the function."),
          N_("Loop over the services; keep the one whose \"type\" is service_type; in its "
             "\"endpoints\", return the \"url\" of the one whose \"interface\" and \"region\" are "
             "the ones asked for. Never take a service by its name, nor an endpoint by position."),
          builds=True)
def find_endpoint(answer: Any, conn: Any) -> str | None:
    if not callable(answer):
        raise Unjudgeable(_(GIVE_A_FUNCTION))
    conn = require_connection(conn)
    catalog, region = conn.token.catalog, conn.credentials.region
    expected = conn.endpoint("compute", region=region)
    got, error = _call(answer, catalog, "compute", "public", region)
    if got != expected:
        by_name, _error = _call(answer, catalog, "nova", "public", region)
        if by_name == expected:
            return _("it matched the service's name (\"nova\" finds compute): names are each "
                     "cloud's own; match the \"type\" field.")
        if error:
            return _("on your own catalog, find_endpoint(catalog, \"compute\", \"public\", "
                     "{region!r}) raised {error}.").format(region=region, error=error)
        return _("on your own catalog it returned {got!r} for compute; your compute endpoint is "
                 "{expected}.").format(got=got, expected=expected)
    for problem, trap, service_type, trap_region in TRAPS:
        got, error = _call(answer, trap, service_type, "public", trap_region)
        if error:
            return _("on a catalog with more than one entry it raised {error}.").format(error=error)
        if got != RIGHT_URL:
            return _(problem)
    missing, _error = _call(answer, catalog, "baremetal", "public", region)
    if isinstance(missing, str):
        return _("asked for a service your catalog does not have (baremetal), it returned "
                 "{got!r}; return None (or raise an error) when nothing matches.").format(got=missing)
    return None
