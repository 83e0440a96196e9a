"""Exercises of notebook 06 (python-openstackclient)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..i18n import N_, _
from . import exercise, register
from .answers import text
from .choice import Choice

PREFIXES = ("/compute/v2.1", "/v2.1", "/compute")  # endpoint paths a learner may include

register("06.os-cloud",
         N_("Which environment variable makes `openstack` (and openstacksdk) use one cloud's entry "
            "of clouds.yaml?"),
         N_("It is the variable form of the --os-cloud option."),
         Choice(expects=N_('answer with the variable\'s name as a string, e.g. "OS_AUTH_URL".'),
                right=("OS_CLOUD",),
                clean=lambda name: name.lstrip("$"), fold=str.upper, matches=str.startswith,
                spelling=("OS_CLOUD", N_("right variable, but environment variable names are "
                                         "case-sensitive: OS_CLOUD.")),
                near_misses=(
                    ("OS_CLIENT_CONFIG_FILE", N_("that one says where clouds.yaml is, not which "
                                                 "cloud in it to use.")),
                    ("OS_", N_("{name} is a setting a cloud entry replaces, not the one choosing "
                               "the entry."))),
                otherwise=N_("{name!r} is not an OpenStack variable; they all start with OS_.")))


@exercise("06.rest-call",
          N_("Which REST call does `openstack server list` make to Nova to get the servers? Answer "
             'like "GET /path" (the path after the compute endpoint, without the query string).'),
          N_('Run rest_calls("server list") and look for the request to the compute endpoint.'))
def rest_call(answer: Any, conn: Any) -> str | None:
    parts = text(answer, N_('answer with a method and a path, e.g. "GET /flavors/detail".')).split()
    if len(parts) != 2:
        return _('write the method, a space and the path, e.g. "GET /flavors/detail".')
    method, path = parts[0].upper(), urlsplit(parts[1]).path.rstrip("/")
    for prefix in PREFIXES:
        if path.startswith(prefix + "/"):
            path = path[len(prefix):]
    path = re.sub(r"/+", "/", "/" + path.lstrip("/"))
    if method != "GET":
        return _("listing never changes anything, so it is not {method}.").format(method=method)
    if path == "/servers":
        return _("GET /servers gives only ids and names; the CLI wants status and addresses too, "
                 "so it asks for more.")
    if path != "/servers/detail":
        return _("{path} is not the call that returns the servers.").format(path=path)
    return None
