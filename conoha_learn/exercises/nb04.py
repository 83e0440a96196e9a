"""Exercises of notebook 04 (Nova: plans, images, keys and security groups)."""

from __future__ import annotations

from . import exercise

WANTED_VCPUS, WANTED_RAM_MB = 4, 4096

# What each of ConoHa's preset security groups lets in (every group lets all traffic out).
PRESETS_LET_IN = {
    "default": "nothing from the internet (only other servers in the same group)",
    "ipv4v6-ssh": "TCP port 22 (SSH) only",
    "ipv4v6-web": "TCP ports 80 and 443",
    "ipv4v6-icmp": "ICMP (ping) only",
}


def _plans(conn) -> list[dict]:
    """The plans of the connection's cloud (cached by the library), else the simulator's."""
    from ..errors import ConohaLearnError

    if conn is not None:
        try:
            return conn.compute.flavor_list()
        except ConohaLearnError:
            pass  # a closed or unreachable connection: fall back to the simulator's plans
    from ..sim.seed import flavors
    return flavors()


@exercise("04.plan-4c4g",
          "Which hourly Linux plan (flavor, g2l-t-) has 4 vCPUs and 4 GB of RAM? Answer with its name.",
          "Filter conn.compute.flavors() on the vcpus and ram columns (ram is in MB), or read the "
          "names: c<vCPUs>m<GB>.")
def plan_4c4g(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return 'answer with the plan\'s name as a string, e.g. "g2l-t-c2m1".'
    name = answer.strip()
    plan = next((p for p in _plans(conn) if name in (p.get("name"), p.get("id"))), None)
    if plan is None:
        return (f"there is no plan called {name!r}; the names are in "
                "conn.compute.flavors()['name'].")
    if not plan["name"].startswith("g2l-"):
        return f"{plan['name']} is not a Linux plan: Linux plans start with g2l-."
    if "-p-" in plan["name"]:
        # Long-term (-p-) plans cannot create servers through the API (gmo-internet/conoha_vps_mcp,
        # src/apps/ui/format-image.ts); the exercise asks for the hourly one.
        return (f"{plan['name']} is a long-term (-p-) plan, bought as a contract; through the API "
                "servers are created on hourly plans: look for the g2l-t- one.")
    if (plan["vcpus"], plan["ram"]) != (WANTED_VCPUS, WANTED_RAM_MB):
        return (f"{plan['name']} has {plan['vcpus']} vCPUs and {plan['ram']} MB of RAM; "
                f"look for {WANTED_VCPUS} vCPUs and {WANTED_RAM_MB} MB.")
    return None


@exercise("04.https-preset",
          "Which of ConoHa's preset security groups lets HTTPS (TCP port 443) in?",
          "Look at the ingress rules of each group: which one has port_range_min 443?")
def https_preset(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return 'answer with the security group\'s name as a string, e.g. "IPv4v6-SSH".'
    name = answer.strip()
    key = name.lower()
    if key not in PRESETS_LET_IN:
        return (f"{name!r} is not one of the presets: default, IPv4v6-SSH, IPv4v6-Web, "
                "IPv4v6-ICMP.")
    if key != "ipv4v6-web":
        return f"{name} lets in {PRESETS_LET_IN[key]}."
    if name != "IPv4v6-Web":
        return "right group, but spell it as Neutron does: IPv4v6-Web (names are case-sensitive)."
    return None
