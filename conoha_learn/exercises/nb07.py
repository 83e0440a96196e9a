"""Exercises of notebook 07 (SDKs and real tools): a volume made with openstacksdk, a security group
made with Ansible, SDK names."""

from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..i18n import N_, _
from . import exercise, register
from .answers import Unjudgeable, as_is, require_connection
from .choice import Choice

SDK_BY_LANGUAGE = {
    "openstacksdk": "Python", "openstack4j": "Java", "pkgcloud": "JavaScript (Node.js)",
    "php-opencloud": "PHP", "fog-openstack": "Ruby", "fog": "Ruby", "openstack.net": ".NET",
}
OTHER_LANGUAGE = N_("{answer} is the SDK for {fact}, not for Go.")

register("07.go-sdk",
         N_("Terraform's OpenStack provider and ConoHa's own Terraform provider are written in Go. "
            "Which OpenStack SDK for Go do they use?"),
         N_("It is named after the Go mascot."),
         Choice(expects=N_('answer with the SDK\'s name as a string, e.g. "openstacksdk".'),
                right=("gophercloud",),
                # a Go import path names the SDK in its last part: github.com/gophercloud/gophercloud/v2
                clean=lambda name: name.lower().rstrip("/").removesuffix("/v2").rsplit("/", 1)[-1],
                near_misses=tuple((sdk, OTHER_LANGUAGE) for sdk in SDK_BY_LANGUAGE),
                facts=SDK_BY_LANGUAGE,
                otherwise=N_("{answer!r} is not it; look at the table of SDKs by language.")))

register("07.sdk-wait",
         N_("Which openstacksdk method waits until a server reaches a status such as ACTIVE? "
            "Answer with its name."),
         N_("It lives on sdk.compute, next to create_server and delete_server."),
         Choice(expects=N_('answer with the method\'s name as a string, e.g. "create_server".'),
                right=("wait_for_server",),
                clean=lambda name: name.rstrip("()").rsplit(".", 1)[-1], fold=as_is,
                near_misses=(
                    ("wait", N_("that is this course's helper (conn.compute.wait); openstacksdk's "
                                "name is longer.")),
                    *((other, N_("{name} exists too, but there is one made for servers (it also "
                                 "fails fast on ERROR)."))
                      for other in ("wait_for_status", "wait_for_delete"))),
                otherwise=N_("{name!r} is not it: look at how the notebook waited for ACTIVE.")))


# The additional volume (追加ストレージ) the build exercise asks for; ConoHa sells additional
# volumes of 200 GB and more, of type c3j1-ds02-add (the simulator's seed.py lists the types).
WANTED_VOLUME = {"name": "sdk-data", "size": 200, "volume_type": "c3j1-ds02-add"}
GIVE_A_VOLUME = N_("pass the volume object openstacksdk gave you (what create_volume or "
                   "wait_for_status returned).")


@exercise("07.sdk-volume",
          N_("With openstacksdk, create an additional volume of 200 GB, type c3j1-ds02-add, named "
             "sdk-data; wait until it is available, and pass the SDK's volume object to cl.check."),
          N_("sdk.block_storage.create_volume(...) without image_id makes an empty volume; "
             "sdk.block_storage.wait_for_status(...) returns it again, up to date."),
          builds=True)
def sdk_volume(answer: Any, conn: Any) -> str | None:
    # An SDK resource has attributes, not keys: a dict or a string is not what the SDK returns.
    volume_id = getattr(answer, "id", None)
    if not isinstance(volume_id, str) or not hasattr(answer, "volume_type"):
        raise Unjudgeable(_(GIVE_A_VOLUME))
    try:  # the volume as the cloud has it now, read through the API (not the SDK's copy)
        now = require_connection(conn).get("block-storage", f"/volumes/{volume_id}")["volume"]
    except NotFound:
        return _("your project has no volume {id}: was it deleted already?").format(id=volume_id)
    if now["volume_type"] != WANTED_VOLUME["volume_type"]:
        if str(now["volume_type"]).endswith("-boot"):
            return _("{type} is the type of a boot volume; an additional volume is "
                     "c3j1-ds02-add.").format(type=now["volume_type"])
        return _("its type is {type}, not c3j1-ds02-add.").format(type=now["volume_type"])
    if now["size"] != WANTED_VOLUME["size"]:
        return _("it is {size} GB; an additional volume of 200 GB was asked (ConoHa sells 200, "
                 "500, 1000 GB and more).").format(size=now["size"])
    if now["name"] != WANTED_VOLUME["name"]:
        return _("it is named {name!r}, not 'sdk-data'.").format(name=now["name"])
    if now["status"] != "available":
        return _("it is {status} now: wait until it is available "
                 "(sdk.block_storage.wait_for_status).").format(status=now["status"])
    if getattr(answer, "status", None) != "available":
        return _("the volume is available, but your object still says {status!r}: an SDK object "
                 "is a copy of one answer. Pass the one wait_for_status returned.").format(
                     status=getattr(answer, "status", None))
    return None


# The Ansible build exercise: a security group for a web server, made by a task the learner adds
# to the playbook; the checker reads the group and its rules back from Neutron.
WEB_GROUP = "ansible-web"
ANYWHERE = (None, "0.0.0.0/0")


@exercise("07.ansible-web",
          N_("Add tasks to the playbook that create a security group named ansible-web with a rule "
             "letting TCP port 80 in from anywhere over IPv4; run it, and pass the group's name to "
             "cl.check."),
          N_("openstack.cloud.security_group makes the group; openstack.cloud.security_group_rule "
             "(security_group, protocol, port_range_min, port_range_max) adds the rule."),
          builds=True)
def ansible_web(answer: Any, conn: Any) -> str | None:
    if not isinstance(answer, str) or not answer.strip():
        raise Unjudgeable(_('pass the security group\'s name as a string, e.g. "ansible-web".'))
    name = answer.strip()
    groups = require_connection(conn).get("network", "/v2.0/security-groups",
                                          params={"name": name})["security_groups"]
    if not groups:
        return _("your project has no security group named {name!r}: did the playbook run "
                 "without failures (failed=0 in its PLAY RECAP)?").format(name=name)
    if name != WEB_GROUP:
        return _("{name!r} exists, but the exercise asks for a group of your own named "
                 "'ansible-web'.").format(name=name)
    ingress = [r for r in groups[0]["security_group_rules"] if r["direction"] == "ingress"]
    if not ingress:
        return _("the group has only the rules Neutron adds to every new group (all traffic out): "
                 "add a task with openstack.cloud.security_group_rule.")
    web = [r for r in ingress if r["protocol"] == "tcp"
           and (r["port_range_min"], r["port_range_max"]) == (80, 80)]
    if not web:
        return _("no rule of the group lets TCP port 80 in; it has: {rules}.").format(
            rules=", ".join(f"{r['protocol'] or 'any'} {r['port_range_min']}-{r['port_range_max']}"
                            for r in ingress))
    if not any(r["ethertype"] == "IPv4" for r in web):
        return _("the rule for port 80 is for IPv6 only; the exercise asks for IPv4 "
                 "(ethertype IPv4, the module's default).")
    ipv4 = [r for r in web if r["ethertype"] == "IPv4"]
    if not any(r["remote_ip_prefix"] in ANYWHERE for r in ipv4):
        return _("the rule for port 80 lets in only {prefix}; from anywhere is 0.0.0.0/0 (or no "
                 "remote_ip_prefix at all).").format(prefix=ipv4[0]["remote_ip_prefix"])
    return None
