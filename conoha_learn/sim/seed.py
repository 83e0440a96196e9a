"""What a fresh simulator contains: ConoHa's plans, OS images, volume types, security group
presets, the public network, and the learner accounts.

Names follow ConoHa VPS ver.3.0 (see shared/reference/conoha-api-wire-formats.md §1.3.5, §1.3.6,
§1.4). Where a real id is known it is used; the rest get stable ids derived from the name, so
they are the same in every simulator and every cassette.
"""

from __future__ import annotations

import uuid

_NS = uuid.UUID("5f1c0a4e-3f7b-4a53-9a1c-2b0e6c1d7a10")


def stable_id(name: str) -> str:
    return str(uuid.uuid5(_NS, name))


REGION = "c3j1"          # ConoHa VPS ver.3.0's region
LEGACY_REGION = "tyo1"   # the 2015 (ver.2.0) Tokyo region, for the v2.0 chapter
DOMAIN = {"id": "gnc", "name": "gnc"}  # ConoHa's Keystone domain (shared/reference §1.2.1)

# (name, vcpus, ram MB, local disk GB). g2l = Linux, g2w = Windows: disk 0 because the disk is a
# Cinder boot volume. g2d = dedicated local disk (boots without a volume on real ConoHa).
PLANS = [
    ("g2l-t-c1m512", 1, 512, 0),
    ("g2l-t-c2m1", 2, 1024, 0),
    ("g2l-t-c3m2", 3, 2048, 0),
    ("g2l-t-c4m4", 4, 4096, 0),
    ("g2l-t-c6m8", 6, 8192, 0),
    ("g2l-t-c8m16", 8, 16384, 0),
    ("g2l-t-c12m32", 12, 32768, 0),
    ("g2l-t-c24m64", 24, 65536, 0),
    ("g2w-t-c2m1", 2, 1024, 0),
    ("g2d-t-c1m2d30", 1, 2048, 30),
]
KNOWN_FLAVOR_IDS = {"g2l-t-c8m16": "719b3191-3163-478a-b14c-cb667e0e19b2"}


def flavors() -> list[dict]:
    return [{"id": KNOWN_FLAVOR_IDS.get(name, stable_id("flavor:" + name)), "name": name,
             "vcpus": vcpus, "ram": ram, "disk": disk}
            for name, vcpus, ram, disk in PLANS]


# (name, os_type, size in bytes of the image file)
IMAGES = [
    ("vmi-ubuntu-24.04-amd64", "linux", 3_052_339_200),
    ("vmi-ubuntu-22.04-amd64", "linux", 2_684_354_560),
    ("vmi-debian-12.5-amd64", "linux", 2_147_483_648),
    ("vmi-rocky-9-amd64", "linux", 2_415_919_104),
    ("vmi-almalinux-9-amd64", "linux", 2_415_919_104),
    ("vmi-docker-24.0-ubuntu-20.04-amd64", "linux", 3_221_225_472),
    ("vmi-win-2022-amd64", "windows", 16_106_127_360),
]
KNOWN_IMAGE_IDS = {"vmi-docker-24.0-ubuntu-20.04-amd64": "6a674312-b23f-40db-abd4-a79c0e6c481b"}


def images() -> list[dict]:
    return [{"id": KNOWN_IMAGE_IDS.get(name, stable_id("image:" + name)), "name": name,
             "os_type": os_type, "size": size}
            for name, os_type, size in IMAGES]


# Cinder volume types (§1.4): boot volumes are 30 GB on the 512 MB plan, 100 GB otherwise.
VOLUME_TYPES = [
    ("c3j1-ds02-boot", "209f3e4d-2652-409d-b0a6-0ac0fe954d79", "Boot volume, all plans but 512 MB"),
    ("c3j1-as01-boot", stable_id("volume_type:c3j1-as01-boot"), "Boot volume, 512 MB plan"),
    ("c3j1-ds02-add", stable_id("volume_type:c3j1-ds02-add"), "Additional volume"),
]
BOOT_VOLUME_SIZES = (30, 100)
ADDITIONAL_VOLUME_SIZES = (200, 500, 1000, 5000, 10000)

# ConoHa's preset security groups (§1.3.6), each a list of (direction, ethertype, protocol,
# port_min, port_max). Every group also lets all traffic out, as Neutron's defaults do.
SECURITY_GROUP_PRESETS = {
    "default": [],
    "IPv4v6-SSH": [("ingress", "IPv4", "tcp", 22, 22), ("ingress", "IPv6", "tcp", 22, 22)],
    "IPv4v6-Web": [("ingress", "IPv4", "tcp", 80, 80), ("ingress", "IPv6", "tcp", 80, 80),
                   ("ingress", "IPv4", "tcp", 443, 443), ("ingress", "IPv6", "tcp", 443, 443)],
    "IPv4v6-ICMP": [("ingress", "IPv4", "icmp", None, None), ("ingress", "IPv6", "ipv6-icmp", None, None)],
}

# The shared public network. Addresses come from the ranges reserved for documentation
# (RFC 5737, RFC 3849), so nothing the simulator prints is a real host.
PUBLIC_NETWORK = {"id": stable_id("network:public"), "name": "ext-203-0-113-0-24",
                  "v4_prefix": "203.0.113.", "v6_prefix": "2001:db8:113::"}

# Learner accounts created in a fresh simulator. The first is the default every notebook uses;
# the second exists to show that one tenant cannot see another's servers. Simulator-only values,
# documented in README.md: they open nothing but this local simulator.
ACCOUNTS = [
    {"user_name": "gncu12345678", "user_id": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
     "password": "Sim-Passw0rd-1", "project_name": "gnct12345678",
     "project_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"},
    {"user_name": "gncu87654321", "user_id": "b2c3d4e5f60718293a4b5c6d7e8f90a1",
     "password": "Sim-Passw0rd-2", "project_name": "gnct87654321",
     "project_id": "1e2d3c4b5a69788796a5b4c3d2e1f00f"},
]
ROLES = [{"id": stable_id("role:member").replace("-", ""), "name": "member"},
         {"id": stable_id("role:swift").replace("-", ""), "name": "SwiftOperator"}]
