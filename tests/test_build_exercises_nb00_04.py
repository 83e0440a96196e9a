"""The build exercises of notebooks 00-04 judge what was really sent: right answers made for real
pass, and each common wrong one, really sent to the simulator, is named."""

from __future__ import annotations

import copy

import pytest
import requests
from exercise_helpers import feedback

import conoha_learn as cl
from conoha_learn.exercises.evidence import history

BUILD_EXERCISES = ["00.first-call", "01.volume-types", "02.v3-login", "03.find-endpoint",
                   "04.import-key"]


@pytest.mark.parametrize("name", BUILD_EXERCISES)
@pytest.mark.parametrize("wrong", [None, "GET /v2/images", 42], ids=repr)
def test_a_wrong_kind_of_answer_is_refused_with_what_to_pass(conn, name, wrong):
    ok, message = feedback(name, wrong)
    assert not ok and "pass" in message


def caught(call, *args, **kwargs):
    """The error a conn call raised (the test fails if it raised none)."""
    with pytest.raises(cl.ConohaLearnError) as error:
        call(*args, **kwargs)
    return error.value


# --- 00.first-call ------------------------------------------------------------------------------

def test_first_call_accepts_the_image_list_however_it_is_passed(conn):
    images = conn.get("image", "/v2/images")
    assert feedback("00.first-call", images) == (True, "well done.")
    assert feedback("00.first-call", conn.last_exchange)[0]
    response = requests.get(conn.endpoint("image") + "/v2/images",
                            headers={"X-Auth-Token": conn.token.id}, timeout=10)
    assert feedback("00.first-call", response)[0]


@pytest.mark.parametrize("service, path, word", [
    ("image", "/images", "/v2"),           # the version left out
    ("image", "/v2/image", "plural"),      # singular
    ("compute", "/images", "Glance"),      # Nova's old proxy: another service
])
def test_first_call_names_the_slip(conn, service, path, word):
    error = caught(conn.get, service, path)
    ok, message = feedback("00.first-call", error)
    assert not ok and word in message


def test_first_call_names_a_project_name_used_as_a_type(conn):
    error = caught(conn.get, "glance", "/v2/images")
    ok, message = feedback("00.first-call", error)
    assert not ok and "type" in message and "image" in message


def test_first_call_rejects_another_read_of_the_right_service(conn):
    conn.get("compute", "/flavors")
    ok, message = feedback("00.first-call", conn.last_exchange)
    assert not ok and "compute" in message


# --- 01.volume-types ----------------------------------------------------------------------------

def test_volume_types_accepts_cinders_list(conn):
    assert feedback("01.volume-types", conn.get("block-storage", "/types"))[0]
    assert feedback("01.volume-types", conn.get("volumev3", "/types"))[0]


@pytest.mark.parametrize("service, path, word", [
    ("compute", "/types", "Nova"),
    ("image", "/types", "Glance"),
    ("block-storage", "/volume_types", "/types"),
])
def test_volume_types_names_the_wrong_service_or_path(conn, service, path, word):
    ok, message = feedback("01.volume-types", caught(conn.get, service, path))
    assert not ok and word in message


def test_volume_types_tells_volumes_from_volume_types(conn):
    conn.get("block-storage", "/volumes")
    ok, message = feedback("01.volume-types", conn.last_exchange)
    assert not ok and "volume types" in message


def test_volume_types_names_the_project_name(conn):
    ok, message = feedback("01.volume-types", caught(conn.get, "cinder", "/types"))
    assert not ok and "type" in message and "volumev3" in message


# --- 02.v3-login --------------------------------------------------------------------------------

def v3_body(creds) -> dict:
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": creds.username, "domain": {"name": creds.user_domain_name},
        "password": creds.password}}}, "scope": {"project": {"id": creds.project_id}}}}


def login(creds, body, path="/v3/auth/tokens"):
    identity_root = creds.auth_url.rsplit("/v3", 1)[0]
    return requests.post(identity_root + path, json=body, timeout=10)


def test_v3_login_accepts_a_scoped_login_and_its_header_token(conn):
    response = login(conn.credentials, v3_body(conn.credentials))
    assert feedback("02.v3-login", (response, response.headers["X-Subject-Token"])) == (
        True, "well done.")


def mutated(creds, change) -> dict:
    body = copy.deepcopy(v3_body(creds))
    change(body["auth"])
    return body


def wrong_password(auth):
    auth["identity"]["password"]["user"]["password"] = "not-the-password"


def wrong_domain(auth):
    auth["identity"]["password"]["user"]["domain"] = {"name": "Default-Typo"}


def wrong_tenant(auth):
    auth["scope"]["project"]["id"] = "0" * 32


def no_scope(auth):
    del auth["scope"]


@pytest.mark.parametrize("change, word", [
    (wrong_password, "password was refused"),
    (wrong_domain, "gnc"),
    (wrong_tenant, "tenant"),
    (no_scope, "unscoped"),
])
def test_v3_login_names_what_keystone_refused(conn, change, word):
    response = login(conn.credentials, mutated(conn.credentials, change))
    ok, message = feedback("02.v3-login", (response, response.headers.get("X-Subject-Token")))
    assert not ok and word in message
    assert conn.credentials.password not in message and "not-the-password" not in message


def test_v3_login_names_the_v2_body_sent_to_v3(conn):
    creds = conn.credentials
    v2_body = {"auth": {"passwordCredentials": {"username": creds.username,
                                                "password": creds.password},
                        "tenantId": creds.project_id}}
    response = login(creds, v2_body)
    assert response.status_code == 400
    ok, message = feedback("02.v3-login", (response, None))
    assert not ok and "v2.0 body" in message and creds.password not in message


def test_v3_login_names_the_v2_url(conn):
    response = login(conn.credentials, v3_body(conn.credentials), path="/v2.0/tokens")
    ok, message = feedback("02.v3-login", (response, None))
    assert not ok and "v2.0 URL" in message


def test_v3_login_names_a_token_looked_for_in_the_body(conn):
    response = login(conn.credentials, v3_body(conn.credentials))
    for from_the_body in (response.json()["token"], response.json()["token"]["audit_ids"][0]):
        ok, message = feedback("02.v3-login", (response, from_the_body))
        assert not ok and "X-Subject-Token" in message
    ok, message = feedback("02.v3-login", (response, "some-other-token"))
    assert not ok and "X-Subject-Token" in message


def test_v3_login_wants_the_response_and_the_token(conn):
    response = login(conn.credentials, v3_body(conn.credentials))
    ok, message = feedback("02.v3-login", response)
    assert not ok and "(response, token)" in message


# --- 03.find-endpoint ---------------------------------------------------------------------------

def right(catalog, service_type, interface, region):
    for service in catalog:
        if service["type"] == service_type:
            for endpoint in service["endpoints"]:
                if endpoint["interface"] == interface and endpoint["region_id"] == region:
                    return endpoint["url"]
    return None


def first_endpoint(catalog, service_type, interface, region):
    service = next(s for s in catalog if s["type"] == service_type)
    return service["endpoints"][0]["url"]


def ignores_region(catalog, service_type, interface, region):
    service = next(s for s in catalog if s["type"] == service_type)
    return next(e["url"] for e in service["endpoints"] if e["interface"] == interface)


def by_name(catalog, service_type, interface, region):
    service = next(s for s in catalog if s["name"] == service_type)
    return right([service], service["type"], interface, region)


def type_or_name(catalog, service_type, interface, region):
    service = next(s for s in catalog if service_type in (s["type"], s["name"]))
    return right([{**service, "type": service_type}], service_type, interface, region)


def never_misses(catalog, service_type, interface, region):
    return right(catalog, service_type, interface, region) or catalog[0]["endpoints"][0]["url"]


def crashes(catalog, service_type, interface, region):
    return catalog["compute"]


def test_find_endpoint_accepts_a_right_function(conn):
    assert right(conn.token.catalog, "compute", "public", "c3j1") == conn.endpoint("compute")
    assert feedback("03.find-endpoint", right) == (True, "well done.")


@pytest.mark.parametrize("function, word", [
    (first_endpoint, "first endpoint"),
    (ignores_region, "region"),
    (by_name, "name"),
    (type_or_name, "name"),
    (never_misses, "baremetal"),
    (crashes, "TypeError"),
])
def test_find_endpoint_names_the_shortcut(conn, function, word):
    ok, message = feedback("03.find-endpoint", function)
    assert not ok and word in message


def test_find_endpoint_wants_the_function_not_its_result(conn):
    ok, message = feedback("03.find-endpoint", right(conn.token.catalog, "compute", "public", "c3j1"))
    assert not ok and "without calling it" in message


# --- 04.import-key ------------------------------------------------------------------------------

PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBk1Vh2rq8m3hR0tq+6y8s7JH1t4Zc0r0Qw2k9v1b2c3 "
              "learner@laptop")


def post_keypair(conn, body, token=True):
    headers = {"X-Auth-Token": conn.token.id} if token else {}
    return requests.post(conn.endpoint("compute") + "/os-keypairs", json=body, headers=headers,
                         timeout=10)


def test_import_key_accepts_a_fixed_import_and_checks_it_is_there(conn):
    response = post_keypair(conn, {"keypair": {"name": "my-laptop", "public_key": PUBLIC_KEY}})
    assert response.status_code == 200
    assert feedback("04.import-key", response) == (True, "well done.")
    conn.compute.delete_keypair("my-laptop")
    ok, message = feedback("04.import-key", response)
    assert not ok and "not there" in message


def test_import_key_accepts_what_conn_post_returned(conn):
    made = conn.post("compute", "/os-keypairs",
                     json={"keypair": {"name": "by-conn", "public_key": PUBLIC_KEY}})
    assert feedback("04.import-key", made)[0]
    assert feedback("04.import-key", history(conn, "POST", "/os-keypairs")[0])[0]


@pytest.mark.parametrize("body, word", [
    ({"name": "my-laptop", "public_key": PUBLIC_KEY}, '"keypair"'),
    ({"keypair": {"name": "my laptop (2026)", "public_key": PUBLIC_KEY}}, "characters"),
    ({"keypair": {"name": "generated"}}, "private key"),
])
def test_import_key_names_what_is_wrong(conn, body, word):
    response = post_keypair(conn, body)
    ok, message = feedback("04.import-key", response)
    assert not ok and word in message


def test_import_key_names_a_taken_name(conn):
    conn.compute.import_keypair("taken", PUBLIC_KEY)
    response = post_keypair(conn, {"keypair": {"name": "taken", "public_key": PUBLIC_KEY}})
    assert response.status_code == 409
    ok, message = feedback("04.import-key", response)
    assert not ok and "exists already" in message


def test_import_key_names_the_missing_token_and_path(conn):
    response = post_keypair(conn, {"keypair": {"name": "k", "public_key": PUBLIC_KEY}},
                            token=False)
    ok, message = feedback("04.import-key", response)
    assert not ok and "X-Auth-Token" in message
    ok, message = feedback("04.import-key", caught(conn.post, "compute", "/keypairs",
                                                   json={"keypair": {"name": "k"}}))
    assert not ok and "/os-keypairs" in message
