"""Flavors: ConoHa's plans (seed.PLANS) as Nova lists and shows them."""

from __future__ import annotations

from .. import fields, seed
from ..call import Call, Reply
from ..errors import ApiError
from .paths import listing, resource_links


def find_flavor(ref: str) -> dict | None:
    """A plan by id, or by name (a convenience: Nova itself takes ids only)."""
    return next((f for f in seed.flavors() if ref in (f["id"], f["name"])), None)


def _flavor_summary(call: Call, flavor: dict) -> dict:
    return {"id": flavor["id"], "name": flavor["name"], "links": resource_links(call, "flavors", flavor["id"])}


def _flavor_detail(call: Call, flavor: dict) -> dict:
    return {**_flavor_summary(call, flavor),
            "vcpus": flavor["vcpus"], "ram": flavor["ram"], "disk": flavor["disk"], "swap": "",
            "rxtx_factor": 1.0, "OS-FLV-EXT-DATA:ephemeral": 0, "OS-FLV-DISABLED:disabled": False,
            "os-flavor-access:is_public": True}


def _flavors(call: Call, render, path: str) -> Reply:
    flavors = seed.flavors()
    # Every plan is public: asking for private ones (is_public=false) finds none.
    # (The CLI sends is_public=None, meaning "all".)
    if call.request.args.get("is_public", "").lower() in ("false", "0", "no", "f"):
        flavors = []
    min_disk = call.query_int("minDisk")
    min_ram = call.query_int("minRam")
    flavors = [f for f in flavors if f["disk"] >= (min_disk or 0) and f["ram"] >= (min_ram or 0)]
    return listing(call, "flavors", flavors, render, path)


def list_flavors(call: Call) -> Reply:
    return _flavors(call, _flavor_summary, "flavors")


def list_flavors_detail(call: Call) -> Reply:
    return _flavors(call, _flavor_detail, "flavors/detail")


def _flavor_by_id(call: Call) -> dict:
    flavor_id = call.args["flavor_id"]
    flavor = next((f for f in seed.flavors() if f["id"] == flavor_id), None)
    if flavor is None:
        raise ApiError(404, f"Flavor {fields.clip(flavor_id)} could not be found.")
    return flavor


def show_flavor(call: Call) -> Reply:
    return Reply({"flavor": _flavor_detail(call, _flavor_by_id(call))})


def show_extra_specs(call: Call) -> Reply:
    """A plan's extra specs (`openstack flavor show` asks for them): none here. ConoHa's own
    extra specs are not published, so the simulator answers an empty set (docs/fidelity.md)."""
    _flavor_by_id(call)
    return Reply({"extra_specs": {}})
