"""Exercises of notebook 03 (the service catalog): judged against your own compute endpoint."""

from __future__ import annotations

import re
from typing import Any

from ..i18n import N_, _
from . import exercise
from .answers import require_connection, text

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
