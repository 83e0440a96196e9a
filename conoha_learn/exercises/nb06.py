"""Exercises of notebook 06 (python-openstackclient)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import exercise

PREFIXES = ("/compute/v2.1", "/v2.1", "/compute")  # endpoint paths a learner may include


@exercise("06.os-cloud",
          "Which environment variable makes `openstack` (and openstacksdk) use one cloud's entry "
          "of clouds.yaml?",
          "It is the variable form of the --os-cloud option.")
def os_cloud(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return 'answer with the variable\'s name as a string, e.g. "OS_AUTH_URL".'
    name = answer.strip().lstrip("$")
    if name.upper() != "OS_CLOUD":
        if name.upper().startswith("OS_CLIENT_CONFIG_FILE"):
            return "that one says where clouds.yaml is, not which cloud in it to use."
        if name.upper().startswith("OS_"):
            return f"{name} is a setting a cloud entry replaces, not the one choosing the entry."
        return f"{name!r} is not an OpenStack variable; they all start with OS_."
    if name != "OS_CLOUD":
        return "right variable, but environment variable names are case-sensitive: OS_CLOUD."
    return None


@exercise("06.rest-call",
          "Which REST call does `openstack server list` make to Nova to get the servers? Answer "
          'like "GET /path" (the path after the compute endpoint, without the query string).',
          'Run rest_calls("server list") and look for the request to the compute endpoint.')
def rest_call(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return 'answer with a method and a path, e.g. "GET /flavors/detail".'
    parts = answer.split()
    if len(parts) != 2:
        return 'write the method, a space and the path, e.g. "GET /flavors/detail".'
    method, path = parts[0].upper(), urlsplit(parts[1]).path.rstrip("/")
    for prefix in PREFIXES:
        if path.startswith(prefix + "/"):
            path = path[len(prefix):]
    path = re.sub(r"/+", "/", "/" + path.lstrip("/"))
    if method != "GET":
        return f"listing never changes anything, so it is not {method}."
    if path == "/servers":
        return ("GET /servers gives only ids and names; the CLI wants status and addresses too, "
                "so it asks for more.")
    if path != "/servers/detail":
        return f"{path} is not the call that returns the servers."
    return None
