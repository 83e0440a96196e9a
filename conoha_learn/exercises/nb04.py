"""Exercises of notebook 04 (Nova: plans, images, keys and security groups)."""

from __future__ import annotations

from typing import Any

from ..errors import ConohaLearnError
from ..i18n import N_, _
from ..sim.seed import flavors
from . import exercise, register
from .answers import text
from .choice import Choice

WANTED_VCPUS, WANTED_RAM_MB = 4, 4096


def _plans(conn: Any) -> list[dict]:
    """The plans of the connection's cloud (cached by the library), else the simulator's."""
    if conn is not None:
        try:
            return conn.compute.flavor_list()
        except ConohaLearnError:
            pass  # a closed or unreachable connection: fall back to the simulator's plans
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
