"""Exercises of notebook 07 (SDKs and real tools)."""

from __future__ import annotations

from ..i18n import N_
from . import register
from .answers import as_is
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
