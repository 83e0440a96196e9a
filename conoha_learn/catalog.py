"""The service catalog: which URL serves which service, in which region.

Keystone returns the catalog with the token. We flatten it to one row per endpoint:

    type      name      region  interface  url
    compute   nova      c3j1    public     https://compute.c3j1.conoha.io/v2.1
    volumev3  cinderv3  c3j1    public     https://block-storage.c3j1.conoha.io/v3/<tenant>

and pick an endpoint by service type, region and interface, as keystoneauth does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import NotFoundLocally
from .i18n import _

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["type", "name", "region", "interface", "url"]

# Service types that mean the same service. Catalogs say "volumev3" (or "volumev2" in 2015);
# the official name today is "block-storage". Earlier names in a group are preferred.
ALIAS_GROUPS = [("block-storage", "volumev3", "volumev2", "volume")]


def rows(catalog: list[dict]) -> list[dict]:
    """One dict per endpoint, from a v3 catalog or a v2.0 serviceCatalog."""
    out = []
    for service in catalog:
        for ep in service.get("endpoints", []):
            if "interface" in ep:  # v3: one entry per interface
                interfaces = [(ep["interface"], ep.get("url"))]
            else:  # v2.0: publicURL, internalURL, adminURL in one entry
                interfaces = [(k[:-3], v) for k, v in ep.items() if k.endswith("URL")]
            for interface, url in interfaces:
                if url:  # endpoints without a URL are useless to us (keystoneauth skips them too)
                    out.append({"type": service.get("type"), "name": service.get("name"),
                                "region": ep.get("region_id") or ep.get("region"),
                                "interface": interface, "url": url})
    return out


def frame(catalog: list[dict]) -> pd.DataFrame:
    from .tables import table  # pandas, only when the table is asked for

    return table(rows(catalog), COLUMNS, whole=True)  # notebook 03 reads the URLs' ends


def aliases(service_type: str) -> tuple[str, ...]:
    for group in ALIAS_GROUPS:
        if service_type in group:
            return group
    return (service_type,)


def find(catalog: list[dict], service_type: str, *, region: str | None = None,
         interface: str = "public") -> str:
    """The URL of one endpoint; the error lists what exists when nothing matches."""
    endpoints = rows(catalog)
    wanted = aliases(service_type)
    matches = [e for e in endpoints if e["type"] in wanted]
    if not matches:
        have = sorted({e["type"] for e in endpoints})
        raise NotFoundLocally(_("No service of type {type!r} in the catalog. Types there: "
                                "{types}.").format(type=service_type, types=", ".join(have)),
                              hint=_("conn.catalog shows the whole catalog."))
    # Prefer the first alias that exists ("block-storage" over "volumev3" ...).
    best_type = next(t for t in wanted if any(e["type"] == t for e in matches))
    matches = [e for e in matches if e["type"] == best_type]
    by_interface = [e for e in matches if e["interface"] == interface]
    if not by_interface:
        raise NotFoundLocally(_("Service {type!r} has no {interface!r} endpoint. Interfaces: "
                                "{interfaces}.").format(type=best_type, interface=interface,
                                interfaces=", ".join(sorted({e['interface'] for e in matches}))))
    regions = sorted({e["region"] for e in by_interface if e["region"]})
    if region is not None:
        chosen = [e for e in by_interface if e["region"] == region]
        if not chosen:
            raise NotFoundLocally(_("Service {type!r} has no endpoint in region {region!r}. "
                                    "Regions: {regions}.").format(type=best_type, region=region,
                                    regions=", ".join(regions) or _("none named")),
                                  hint=_("ConoHa VPS Ver.3.0 has one region, c3j1; the 2015 API "
                                         "had tyo1, sin1 and sjc1."))
        return chosen[0]["url"]
    if len(regions) > 1:
        raise NotFoundLocally(_("Service {type!r} is offered in several regions: {regions}. Say "
                                "which one with region=...").format(type=best_type,
                                                                    regions=", ".join(regions)))
    return by_interface[0]["url"]
