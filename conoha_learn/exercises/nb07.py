"""Exercises of notebook 07 (SDKs and real tools)."""

from __future__ import annotations

from . import exercise

SDK_BY_LANGUAGE = {
    "openstacksdk": "Python", "openstack4j": "Java", "pkgcloud": "JavaScript (Node.js)",
    "php-opencloud": "PHP", "fog-openstack": "Ruby", "fog": "Ruby", "openstack.net": ".NET",
}


@exercise("07.go-sdk",
          "Terraform's OpenStack provider and ConoHa's own Terraform provider are written in Go. "
          "Which OpenStack SDK for Go do they use?",
          "It is named after the Go mascot.")
def go_sdk(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return 'answer with the SDK\'s name as a string, e.g. "openstacksdk".'
    name = answer.strip().lower().rstrip("/").removesuffix("/v2").rsplit("/", 1)[-1]
    if name in SDK_BY_LANGUAGE:
        return f"{answer.strip()} is the SDK for {SDK_BY_LANGUAGE[name]}, not for Go."
    if name != "gophercloud":
        return f"{answer.strip()!r} is not it; look at the table of SDKs by language."
    return None


@exercise("07.sdk-wait",
          "Which openstacksdk method waits until a server reaches a status such as ACTIVE? "
          "Answer with its name.",
          "It lives on sdk.compute, next to create_server and delete_server.")
def sdk_wait(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return 'answer with the method\'s name as a string, e.g. "create_server".'
    name = answer.strip().rstrip("()").rsplit(".", 1)[-1]
    if name == "wait":
        return "that is this course's helper (conn.compute.wait); openstacksdk's name is longer."
    if name in ("wait_for_status", "wait_for_delete"):
        return (f"{name} exists too, but there is one made for servers (it also fails fast on "
                "ERROR).")
    if name != "wait_for_server":
        return f"{name!r} is not it: look at how the notebook waited for ACTIVE."
    return None
