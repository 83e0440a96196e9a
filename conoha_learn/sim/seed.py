"""What a fresh simulator contains: ConoHa's plans, OS images, volume types, security group
presets, the public network, and the learner accounts (data only; populate.py loads it).

Names follow ConoHa VPS Ver.3.0 (see shared/reference/conoha-api-wire-formats.md §1.3.5, §1.3.6,
§1.4). Where a real id is known it is used; the rest get stable ids derived from the name, so
they are the same in every simulator and every cassette.
"""

from __future__ import annotations

import uuid

_NS = uuid.UUID("5f1c0a4e-3f7b-4a53-9a1c-2b0e6c1d7a10")


def stable_id(name: str) -> str:
    return str(uuid.uuid5(_NS, name))


REGION = "c3j1"          # ConoHa VPS Ver.3.0's region
LEGACY_REGION = "tyo1"   # the 2015 (Ver.2.0) Tokyo region, for the v2.0 chapter
DOMAIN = {"id": "gnc", "name": "gnc"}  # ConoHa's Keystone domain (shared/reference §1.2.1)

# ConoHa's plans (プラン) as `openstack flavor list` shows them on VPS Ver.3.0: (name, id, vcpus,
# RAM MB, disk GB). Figures and ids from published captures of the real service (third-party:
# github.com/skworks33/terraform-conoha-v3-api README; crowdy/conoha-cli SPEC.md agrees where they
# overlap); ConoHa publishes no flavor table. Names read g2<family>-<billing>-c<vCPUs>m<RAM GB>:
#   family  l = Linux, w = Windows (disk 0: the disk is a Cinder boot volume, made first);
#           d = ConoHa's DBaaS (database service) plans, not for VPS creation through the public
#           API (GMO's own gmo-internet/conoha_vps_mcp, src/apps/ui/format-image.ts).
#           Their "dNN" suffix is unconfirmed: in both captures the flavor disk is NN + 10
#           (d30 -> 40, d240 -> 250).
#   billing t = 時間課金 (hourly), the only plans the public API creates servers with;
#           p = 長期プラン (long-term, bought as a contract in the control panel): listed, but
#           not creatable through the API (same GMO source, "公開APIで作成不可").
PLANS = [
    ("g2l-t-c1m512", "3f8244e7-c7a2-4c60-84b9-cd76dd98a177", 1, 512, 0),
    ("g2l-t-c2m1", "f2a77529-1815-43a2-bc14-1f3f6b09079c", 2, 1024, 0),
    ("g2l-t-c3m2", "784f1ae8-0bc8-4d06-a06b-2afaa9580e0a", 3, 2048, 0),
    ("g2l-t-c4m4", "6f3c4747-8471-4a38-902b-4c57ad76d776", 4, 4096, 0),
    ("g2l-t-c6m8", "c8ce932a-a7de-4fbb-ab64-903826082be3", 6, 8192, 0),
    ("g2l-t-c8m16", "719b3191-3163-478a-b14c-cb667e0e19b2", 8, 16384, 0),
    ("g2l-t-c12m32", "b9eb8f9f-6cbf-4c8b-89cd-b0cfb484f13a", 12, 32768, 0),
    ("g2l-t-c24m64", "95afc016-cf7f-4cc1-8622-8790bdc95bb7", 24, 65536, 0),
    ("g2l-p-c4m4", "3053c9d0-890a-4b2c-ae2c-19c2ac86da25", 4, 4096, 0),
    ("g2w-t-c2m1", "09efe5d4-725a-4027-a28a-acd85286d87c", 2, 1024, 0),
    ("g2w-t-c6m8", "2e60a683-1f84-4f12-a3a9-7caf4bdb5e21", 6, 8192, 0),
    ("g2d-t-c1m2d30", "1488a6c7-6c8f-4e39-a522-ccab7d3acc84", 1, 2048, 40),
    ("g2d-t-c6m16d240", "32ec2250-4123-4d73-b13e-985771208a2e", 6, 16384, 250),
]


def creatable_through_api(plan_name: str) -> bool:
    """Hourly (-t-) VPS plans only: not the DBaaS g2d plans, not long-term -p- plans (GMO's
    conoha_vps_mcp, isPublicApiFlavor: "-t- (時間課金) かつ kusanagi/dbaas でないものに限られる")."""
    return "-t-" in plan_name and not plan_name.startswith("g2d-") and "kusanagi" not in plan_name


def flavors() -> list[dict]:
    return [{"id": id, "name": name, "vcpus": vcpus, "ram": ram, "disk": disk}
            for name, id, vcpus, ram, disk in PLANS]


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

# The security groups every tenant starts with: name -> (description, ingress rules), each rule
# (ethertype, protocol, port_min, port_max, remote). Every group also lets all traffic out (an
# egress rule per ethertype), as Neutron's groups do.
# "default" is Neutron's default group, as ConoHa documents it (doc.conoha.jp/api-vps3/
# network-get_secgp_detail_specified-v3, compute-get_server_secgps-v3): besides the two egress
# rules, ingress from members of the same group only (remote "self" = the group's own id).
# The IPv4v6-* names are what users report seeing in ConoHa's control panel (third-party notes,
# several); ConoHa's API reference does not name them, and their rules are inferred from the
# names: unconfirmed, as is whether a tenant has them from the start.
SELF = "self"
SECURITY_GROUP_PRESETS = {
    "default": ("Default security group", [("IPv4", None, None, None, SELF),
                                           ("IPv6", None, None, None, SELF)]),
    "IPv4v6-SSH": ("IPv4v6-SSH", [("IPv4", "tcp", 22, 22, None), ("IPv6", "tcp", 22, 22, None)]),
    "IPv4v6-Web": ("IPv4v6-Web", [("IPv4", "tcp", 80, 80, None), ("IPv6", "tcp", 80, 80, None),
                                  ("IPv4", "tcp", 443, 443, None), ("IPv6", "tcp", 443, 443, None)]),
    "IPv4v6-ICMP": ("IPv4v6-ICMP", [("IPv4", "icmp", None, None, None),
                                    ("IPv6", "ipv6-icmp", None, None, None)]),
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
