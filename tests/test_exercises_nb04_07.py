"""The exercises of notebooks 04-07: the right answers pass, near misses get a useful nudge."""

from __future__ import annotations

import pytest
from exercise_helpers import feedback

import conoha_learn as cl
from conoha_learn import connection


def test_plan_with_4_vcpus_and_4_gb(conn):
    flavors = conn.compute.flavors()
    plan = flavors.query("vcpus == 4 and ram == 4096 and name.str.startswith('g2l-t-')")
    assert cl.check("04.plan-4c4g", plan["name"].item())
    assert cl.check("04.plan-4c4g", plan["id"].item())  # the id names the same plan
    ok, message = feedback("04.plan-4c4g", "g2l-t-c2m1")
    assert not ok and "2 vCPUs" in message
    ok, message = feedback("04.plan-4c4g", "g2l-t-c4m8")
    assert not ok and "no plan called" in message


def test_a_long_term_plan_is_not_the_answer(monkeypatch):
    # A -p- plan with the right size (real ConoHa lists g2l-p-c4m4) gets told to pick the hourly one.
    from conoha_learn.exercises import nb04
    plans = [{"id": "p-id", "name": "g2l-p-c4m4", "vcpus": 4, "ram": 4096},
             {"id": "t-id", "name": "g2l-t-c4m4", "vcpus": 4, "ram": 4096}]
    monkeypatch.setattr(nb04, "_plans", lambda conn: plans)
    ok, message = feedback("04.plan-4c4g", "g2l-p-c4m4")
    assert not ok and "long-term" in message and "g2l-t-" in message
    assert cl.check("04.plan-4c4g", "g2l-t-c4m4")


def test_plan_check_works_without_a_connection(monkeypatch):
    monkeypatch.setattr(connection, "_current", None)
    assert cl.check("04.plan-4c4g", "g2l-t-c4m4")


def test_https_preset(conn):
    opens_443 = [g["name"] for g in conn.network.security_group_list()
                 if any(r["direction"] == "ingress" and r["port_range_min"] == 443
                        for r in g["security_group_rules"])]
    assert opens_443 == ["IPv4v6-Web"]
    assert cl.check("04.https-preset", opens_443[0])
    ok, message = feedback("04.https-preset", "IPv4v6-SSH")
    assert not ok and "22" in message
    ok, message = feedback("04.https-preset", "ipv4v6-web")
    assert not ok and "case-sensitive" in message


def test_boot_volume_of_the_512_mb_plan(conn):
    types = conn.block_storage.volume_types()
    assert "c3j1-as01-boot" in types["name"].tolist()
    assert cl.check("05.boot-volume", (30, "c3j1-as01-boot"))
    assert cl.check("05.boot-volume", {"size": 30, "volume_type": "c3j1-as01-boot"})
    ok, message = feedback("05.boot-volume", (100, "c3j1-ds02-boot"))
    assert not ok and "smaller" in message and "volume type" in message


def test_hard_reboot_body_is_what_the_library_sends(conn):
    image = conn.image.find("vmi-debian-12.5-amd64")
    server = conn.compute.create_server("ex-05", "g2l-t-c1m512", image["id"], progress=False)
    conn.compute.wait(server, "ACTIVE", progress=False)
    conn.compute.reboot(server, hard=True)
    sent = conn.last_exchange.request_body
    assert cl.check("05.hard-reboot", sent)
    assert sent == {"reboot": {"type": "HARD"}}
    ok, message = feedback("05.hard-reboot", {"reboot": {"type": "SOFT"}})
    assert not ok and "soft" in message
    conn.cleanup(progress=False)


def test_os_cloud():
    assert cl.check("06.os-cloud", "OS_CLOUD")
    ok, message = feedback("06.os-cloud", "OS_CLIENT_CONFIG_FILE")
    assert not ok and "where clouds.yaml is" in message


@pytest.mark.parametrize("answer", [
    "GET /servers/detail", "get /compute/v2.1/servers/detail",
    "GET http://127.0.0.1:8765/compute/v2.1/servers/detail?limit=5"])
def test_rest_call_of_server_list(answer):
    assert cl.check("06.rest-call", answer)


def test_rest_call_near_misses():
    ok, message = feedback("06.rest-call", "GET /servers")
    assert not ok and "ids and names" in message
    ok, message = feedback("06.rest-call", "POST /servers")
    assert not ok and "not POST" in message


def test_go_sdk_and_wait_method():
    assert cl.check("07.go-sdk", "gophercloud")
    assert cl.check("07.go-sdk", "github.com/gophercloud/gophercloud")
    ok, message = feedback("07.go-sdk", "openstack4j")
    assert not ok and "Java" in message
    assert cl.check("07.sdk-wait", "wait_for_server")
    assert cl.check("07.sdk-wait", "sdk.compute.wait_for_server()")
    ok, message = feedback("07.sdk-wait", "wait")
    assert not ok and "helper" in message
