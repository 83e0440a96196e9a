"""Where a compute resource lives: the /v2.1 or 2015 /v2/<tenant> root, Nova's self and bookmark
links, and paged listings."""

from __future__ import annotations

from ..call import Call, Reply, paginate

V21 = "/compute/v2.1"
LEGACY = "/compute/v2/<tenant_id>"


def api_root(call: Call) -> str:
    """The root this request came in on: /compute/v2.1, or the 2015 /compute/v2/<tenant>."""
    tenant = call.args.get("tenant_id")
    return f"/compute/v2/{tenant}" if tenant else V21


def resource_links(call: Call, collection: str, id: str) -> list[dict]:
    """Nova's self link, and its version-less "bookmark" link."""
    tenant = call.args.get("tenant_id")
    bookmark_root = f"/compute/{tenant}" if tenant else "/compute"
    return [{"rel": "self", "href": f"{call.base_url}{api_root(call)}/{collection}/{id}"},
            {"rel": "bookmark", "href": f"{call.base_url}{bookmark_root}/{collection}/{id}"}]


def bookmark_links(call: Call, collection: str, id: str) -> list[dict]:
    return resource_links(call, collection, id)[1:]


def listing(call: Call, collection: str, items: list[dict], render, path: str) -> Reply:
    """A paged list body: ``{"servers": [...], "servers_links": [next]}``."""
    page, links = paginate(call, items, collection, f"{api_root(call)}/{path}")
    body = {collection: [render(call, item) for item in page]}
    if links:
        body[f"{collection}_links"] = links
    return Reply(body)
