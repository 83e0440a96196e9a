"""The exercises of notebooks 00-03: the right answers pass, near misses get a useful nudge."""

from __future__ import annotations

import re

import pytest
from exercise_helpers import feedback

import conoha_learn as cl
from conoha_learn import connection


@pytest.fixture
def no_connection(monkeypatch):
    monkeypatch.setattr(connection, "_current", None)


# --- 00 ------------------------------------------------------------------------------------------

def test_mode_near_misses():
    assert cl.check("00.mode", "sim")
    ok, message = feedback("00.mode", "replay")
    assert not ok and "recorded" in message
    ok, message = feedback("00.mode", "simulator")
    assert not ok and "not a mode" in message


@pytest.mark.parametrize("answer", ["secure.yaml", " Secure.YAML ", "~/.config/openstack/secure.yaml"])
def test_secret_file(answer):
    assert cl.check("00.secret-file", answer)


@pytest.mark.parametrize("answer, words", [("clouds.yaml", "can be shared"),
                                           ("a cassette", "scrubbed"),
                                           ("00_start_here.ipynb", "audit"),
                                           ("openrc.sh", "not one of the four")])
def test_secret_file_near_misses(answer, words):
    ok, message = feedback("00.secret-file", answer)
    assert not ok and words in message


# --- 01 ------------------------------------------------------------------------------------------

def test_boot_volumes(conn):
    assert cl.check("01.boot-volumes", "volumev3")
    assert cl.check("01.boot-volumes", "block-storage")  # the official type finds the same service
    ok, message = feedback("01.boot-volumes", "cinder")
    assert not ok and "OpenStack project" in message and "'volumev3'" in message
    ok, message = feedback("01.boot-volumes", "image")
    assert not ok and "Glance" in message
    ok, message = feedback("01.boot-volumes", "baremetal")
    assert not ok and "no 'baremetal' in your catalog" in message


def test_boot_volumes_needs_a_connection(no_connection):
    ok, message = feedback("01.boot-volumes", "volumev3")
    assert not ok and "connect first" in message


def test_tenant_id(conn):
    assert cl.check("01.tenant-id", conn.token.project["id"])
    ok, message = feedback("01.tenant-id", conn.token.project["name"])
    assert not ok and "name" in message
    ok, message = feedback("01.tenant-id", conn.token.user["id"])
    assert not ok and "API user" in message


# --- 02 ------------------------------------------------------------------------------------------

def test_token_header():
    assert cl.check("02.token-header", "X-Subject-Token")
    assert cl.check("02.token-header", "x-subject-token")
    ok, message = feedback("02.token-header", "X-Auth-Token")
    assert not ok and "request header" in message
    ok, message = feedback("02.token-header", "access.token.id")
    assert not ok and "v2.0" in message


def test_wrong_password_status(conn, sim):
    with pytest.raises(cl.AuthenticationError) as caught:
        cl.connect(sim=sim, password="wrong-password")
    assert cl.check("02.wrong-password-status", caught.value.status)
    assert cl.check("02.wrong-password-status", "401")
    ok, message = feedback("02.wrong-password-status", 403)
    assert not ok and "knows who you are" in message
    ok, message = feedback("02.wrong-password-status", True)
    assert not ok


# --- 03 ------------------------------------------------------------------------------------------

def test_compute_url(conn, sim):
    assert cl.check("03.compute-url", sim.url + "/compute/v2.1")
    assert cl.check("03.compute-url", conn.endpoint("compute") + "/")
    ok, message = feedback("03.compute-url", conn.endpoint("compute") + "/flavors")
    assert not ok and "resource under the endpoint" in message
    ok, message = feedback("03.compute-url", "https://compute.c3j1.conoha.io/v2.1")
    assert not ok and "real ConoHa" in message


def test_compute_max_microversion(conn):
    root = re.sub(r"/v2\.1$", "", conn.endpoint("compute"))
    highest = next(v["version"] for v in conn.get("compute", root)["versions"] if v["id"] == "v2.1")
    assert cl.check("03.compute-max-microversion", highest)
    ok, message = feedback("03.compute-max-microversion", 2.1)
    assert not ok and "string" in message
    ok, message = feedback("03.compute-max-microversion", "2.99")
    assert not ok and "'version' field" in message


def test_compute_checks_need_a_connection(no_connection):
    for name, answer in [("03.compute-url", "http://x/compute/v2.1"),
                         ("03.compute-max-microversion", "2.1")]:
        ok, message = feedback(name, answer)
        assert not ok and "connect first" in message
