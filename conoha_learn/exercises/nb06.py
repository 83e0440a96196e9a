"""Exercises of notebook 06 (python-openstackclient): its settings, the REST calls of a command."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..i18n import N_, _
from . import exercise, register
from .answers import require_connection, text
from .choice import Choice
from .evidence import exchange_of, path_of

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


SERVER_NAME = "osc-vm"  # the server section 4 of the notebook made with the CLI


@exercise("06.find-by-name",
          N_("Send yourself, with plain requests, the request that `openstack server show osc-vm` "
             "uses to find the server by its name, and pass the response to cl.check."),
          N_('rest_calls("server show osc-vm") lists it: the call after the 404. The URL starts '
             'with conn.endpoint("compute"); the token goes in the X-Auth-Token header.'),
          builds=True)
def find_by_name(answer: Any, conn: Any) -> str | None:
    exchange = exchange_of(answer)
    compute = urlsplit(require_connection(conn).endpoint("compute")).path.rstrip("/")
    path = path_of(exchange)
    if exchange.method != "GET":
        return _("finding a server only reads, so it is a GET, not {method}.").format(
            method=exchange.method)
    if not path.startswith(compute + "/"):
        return _("{path} is not under Nova's endpoint ({endpoint}): servers belong to the compute "
                 "service.").format(path=path, endpoint=compute)
    if exchange.status == 401:
        return _("Nova answered 401: send your token in the X-Auth-Token header "
                 "(conn.token.id).")
    rest = path[len(compute):]
    if rest == f"/servers/{SERVER_NAME}":
        return _("Nova looks a server up by its id, not by its name: that was the CLI's first "
                 "try, and its 404. Ask the list for the name instead.")
    if rest == "/servers":
        return _("GET /servers gives only ids and names; the CLI asks /servers/detail, which also "
                 "has the status and the rest.")
    if rest != "/servers/detail":
        return _("{path} is not where Nova lists servers.").format(path=rest)
    if dict(parse_qsl(urlsplit(exchange.url).query)).get("name") != SERVER_NAME:
        return _("that lists every server; the CLI asks only for the ones named {name}, with a "
                 "query parameter.").format(name=SERVER_NAME)
    if exchange.status != 200:
        return _("Nova answered {status}; read its message in the response.").format(
            status=exchange.status)
    body = exchange.response_body if isinstance(exchange.response_body, dict) else {}
    if not any(server.get("name") == SERVER_NAME for server in body.get("servers", [])):
        return _("the answer holds no server named {name}: does it still exist "
                 "(%openstack server list)?").format(name=SERVER_NAME)
    return None
