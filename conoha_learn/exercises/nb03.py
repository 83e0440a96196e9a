"""Exercises of notebook 03 (the service catalog)."""

from __future__ import annotations

import re

from . import CONNECT_FIRST, exercise, not_connected

MICROVERSION = re.compile(r"\d+\.\d+")


@exercise("03.compute-url",
          "What is the URL of the compute (Nova) endpoint in your catalog?",
          "Choose it from the catalog by service type: the public endpoint of type 'compute'.")
def compute_url(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return "answer with the URL as a string."
    if not_connected(conn):
        return CONNECT_FIRST
    expected = conn.endpoint("compute").rstrip("/")
    given = answer.strip().rstrip("/")
    if given == expected:
        return None
    if given.startswith(expected + "/"):
        return "that is a resource under the endpoint; the endpoint is only the part before it."
    if "conoha.io" in given and "conoha.io" not in expected:
        return ("that is real ConoHa's compute URL, but your connection talks to another cloud; "
                "take the URL from your own catalog.")
    return f"that is not the compute endpoint of your catalog ({len(conn.catalog)} endpoints there)."


@exercise("03.compute-max-microversion",
          "What is the highest compute API microversion your compute endpoint offers?",
          "GET the compute service's root URL (the endpoint without /v2.1) and read the "
          "'version' field of the v2.1 entry ('min_version' is the lowest).")
def compute_max_microversion(answer, conn):
    if isinstance(answer, float):
        return ('write it as a string, such as "2.10": as numbers 2.10 and 2.1 are equal, as '
                "microversions they are not.")
    if not isinstance(answer, str) or not MICROVERSION.fullmatch(answer.strip()):
        return 'answer with a microversion as a string, such as "2.10".'
    if not_connected(conn):
        return CONNECT_FIRST
    root = re.sub(r"/v\d+(\.\d+)?(/.*)?$", "", conn.endpoint("compute"))
    document = conn.get("compute", root)
    entries = [v for v in document.get("versions", []) if v.get("id") == "v2.1"]
    if not entries:
        return "your compute endpoint offers no v2.1 API, so this cannot be checked there."
    highest, lowest = entries[0].get("version") or "2.1", entries[0].get("min_version") or "2.1"
    if answer.strip() == highest:
        return None
    if answer.strip() == lowest and lowest != highest:
        return "that is the lowest one (min_version); the highest is in the field 'version'."
    return "that is not what the compute version document says; look at its 'version' field."
