"""Exercises of notebook 04 (Nova: plans, images, keys and security groups), and a failing call to fix."""

from __future__ import annotations

import re
from typing import Any

from ..errors import ConohaLearnError, NotFound
from ..i18n import N_, _
from . import exercise, register
from .answers import require_connection, text
from .calls import call_of, service_of
from .choice import Choice
from .evidence import GIVE_A_RESPONSE, header

WANTED_VCPUS, WANTED_RAM_MB = 4, 4096


def _plans(conn: Any) -> list[dict]:
    """The plans of the connection's cloud (cached by the library), else the simulator's."""
    if conn is not None:
        try:
            return conn.compute.flavor_list()
        except ConohaLearnError:
            pass  # a closed or unreachable connection: fall back to the simulator's plans
    from ..sim.seed import flavors  # here: importing the simulator package loads its server
    return flavors()


@exercise("04.plan-4c4g",
          N_("Which hourly Linux plan (flavor, g2l-t-) has 4 vCPUs and 4 GB of RAM? Answer with its name."),
          N_("Filter conn.compute.flavors() on the vcpus and ram columns (ram is in MB), or read "
             "the names: c<vCPUs>m<GB>."))
def plan_4c4g(answer: Any, conn: Any) -> str | None:
    name = text(answer, N_('answer with the plan\'s name as a string, e.g. "g2l-t-c2m1".'))
    plan = next((p for p in _plans(conn) if name in (p.get("name"), p.get("id"))), None)
    if plan is None:
        return _("there is no plan called {name!r}; the names are in "
                 "conn.compute.flavors()['name'].").format(name=name)
    if not plan["name"].startswith("g2l-"):
        return _("{plan} is not a Linux plan: Linux plans start with g2l-.").format(plan=plan["name"])
    if "-p-" in plan["name"]:
        # Long-term (-p-) plans cannot create servers through the API (gmo-internet/conoha_vps_mcp,
        # src/apps/ui/format-image.ts); the exercise asks for the hourly one.
        return _("{name} is a long-term (-p-) plan, bought as a contract; through the API servers "
                 "are created on hourly plans: look for the g2l-t- one.").format(name=plan["name"])
    if (plan["vcpus"], plan["ram"]) != (WANTED_VCPUS, WANTED_RAM_MB):
        return _("{plan} has {vcpus} vCPUs and {ram} MB of RAM; look for {want_vcpus} vCPUs and "
                 "{want_ram} MB.").format(plan=plan["name"], vcpus=plan["vcpus"], ram=plan["ram"],
                                          want_vcpus=WANTED_VCPUS, want_ram=WANTED_RAM_MB)
    return None


# What each of ConoHa's preset security groups lets in (every group lets all traffic out).
register("04.https-preset",
         N_("Which of ConoHa's preset security groups lets HTTPS (TCP port 443) in?"),
         N_("Look at the ingress rules of each group: which one has port_range_min 443?"),
         Choice(expects=N_('answer with the security group\'s name as a string, e.g. '
                           '"IPv4v6-SSH".'),
                right=("ipv4v6-web",),
                spelling=("IPv4v6-Web", N_("right group, but spell it as Neutron does: IPv4v6-Web "
                                           "(names are case-sensitive).")),
                near_misses=(
                    ("default", N_("{answer} lets in nothing from the internet (only other "
                                   "servers in the same group).")),
                    ("ipv4v6-ssh", N_("{answer} lets in TCP port 22 (SSH) only.")),
                    ("ipv4v6-icmp", N_("{answer} lets in ICMP (ping) only."))),
                otherwise=N_("{answer!r} is not one of the presets: default, IPv4v6-SSH, "
                             "IPv4v6-Web, IPv4v6-ICMP.")))


# --- fixing a failing call: a key pair import (a build exercise) ------------------------------

KEYPAIR_NAME = re.compile(r"[A-Za-z0-9 _.-]+")  # what Nova accepts (the simulator's rule, Nova's)


def _keypair_sent(body: Any) -> dict | None:
    """The ``keypair`` object of the request body, or None when the body has no such wrapper."""
    inner = body.get("keypair") if isinstance(body, dict) else None
    return inner if isinstance(inner, dict) else None


def _refused(exchange: Any, sent: dict | None) -> str:
    """Why Nova refused the import, from the request that was really sent."""
    if exchange.status == 401:
        if header(exchange, "X-Auth-Token") is None:
            return _("Nova answered 401: the request carried no token. Send it in the "
                     "X-Auth-Token header: headers={\"X-Auth-Token\": conn.token.id}.")
        return _("Nova answered 401: the token in X-Auth-Token was refused; use conn.token.id.")
    if sent is None:
        return _("Nova answered {status}: the body's fields must sit inside a \"keypair\" "
                 "object: {{\"keypair\": {{\"name\": ..., \"public_key\": ...}}}}.").format(
                     status=exchange.status)
    name = sent.get("name")
    if exchange.status == 400 and isinstance(name, str) and (
            not KEYPAIR_NAME.fullmatch(name) or name.strip() != name):
        return _("Nova answered 400: the name {name!r} has characters Nova does not allow; use "
                 "letters, digits, spaces, '_', '.' or '-'.").format(name=name)
    if exchange.status == 409:
        return _("Nova answered 409: a key pair called {name!r} exists already (names are unique "
                 "per API user); choose another name.").format(name=name)
    return _("Nova answered {status}: read the message in response.json() and fix what it "
             "names.").format(status=exchange.status)


@exercise("04.import-key",
          N_("Fix the failing call: import laptop-key.pub (public_file) as a new key pair with "
             "POST /os-keypairs, so that Nova accepts it. Pass the response, then delete the key "
             "pair."),
          N_("Read the error body of the failing call: it names what is wrong. Fix that, send it "
             "again, and read the next answer: there may be a second problem."),
          builds=True)
def import_key(answer: Any, conn: Any) -> str | None:
    exchange = call_of(answer, conn, GIVE_A_RESPONSE)
    conn = require_connection(conn)
    sent_to, below = service_of(exchange, conn)
    if sent_to != "compute" or exchange.method != "POST" or below.rstrip("/") != "/os-keypairs":
        return _("a key pair is made with POST /os-keypairs on the compute endpoint; yours was "
                 "{method} {path}.").format(method=exchange.method, path=below)
    sent = _keypair_sent(exchange.request_body)
    if exchange.status >= 400:
        return _refused(exchange, sent)
    made = exchange.response_body.get("keypair", {}) if isinstance(exchange.response_body, dict) else {}
    if sent is None or not sent.get("public_key") or "private_key" in made:
        return _("Nova accepted it, but generated the pair itself and sent the private key over "
                 "the network: import yours instead, with \"public_key\" set to the contents of "
                 "public_file.")
    try:
        stored = conn.get("compute", f"/os-keypairs/{made.get('name')}")["keypair"]
    except NotFound:
        return _("Nova said it made {name!r}, but it is not there now: pass the response before "
                 "you delete the key pair.").format(name=made.get("name"))
    if stored.get("fingerprint") != made.get("fingerprint"):
        return _("a key pair called {name!r} exists, but not the one this response made (its "
                 "fingerprint differs).").format(name=made.get("name"))
    return None
