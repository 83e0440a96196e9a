"""Notebook 09's build exercises judge what was really sent and stored, against a real simulator.

Every answer here is made for real: the learner's request is sent with plain ``requests`` (right
ones and the usual wrong ones), and its real response is what ``cl.check`` gets.
"""

from __future__ import annotations

import pytest
import requests
from exercise_helpers import feedback

CONTAINER, OBJECT = "exercise-09", "greeting"
CONTENT = b"Hello, object storage!\n"


@pytest.fixture
def swift(conn):
    """(base URL, token header) of the connection's object storage."""
    return conn.endpoint("object-store"), {"X-Auth-Token": conn.token.id}


def put(url: str, token: dict, **kwargs) -> requests.Response:
    headers = {**token, **kwargs.pop("headers", {})}
    return requests.put(url, headers=headers, timeout=10, **kwargs)


def uploaded(swift, *, content=CONTENT, content_type="text/plain", container=CONTAINER,
             name=OBJECT) -> requests.Response:
    """Make the container, then upload; the upload's response."""
    base, token = swift
    put(f"{base}/{container}", token)
    headers = {"Content-Type": content_type} if content_type else {}
    return put(f"{base}/{container}/{name}", token, data=content, headers=headers)


def made_public(swift, headers: dict, path: str = CONTAINER, method: str = "POST") -> requests.Response:
    base, token = swift
    return requests.request(method, f"{base}/{path}", headers={**token, **headers}, timeout=10)


# --- 09.upload ----------------------------------------------------------------------------------

def test_upload_accepts_a_real_upload(swift):
    ok, message = feedback("09.upload", uploaded(swift))
    assert ok, message


def test_upload_accepts_a_content_type_with_a_charset(swift):
    assert feedback("09.upload", uploaded(swift, content_type="text/plain; charset=utf-8"))[0]


def test_upload_accepts_the_helpers_exchange(swift, conn):
    conn.object_store.create_container(CONTAINER)
    conn.object_store.upload(CONTAINER, OBJECT, CONTENT, content_type="text/plain")
    assert feedback("09.upload", conn.last_exchange)[0]


def test_upload_without_the_container_names_the_missing_container(swift):
    base, token = swift
    response = put(f"{base}/{CONTAINER}/{OBJECT}", token, data=CONTENT,
                   headers={"Content-Type": "text/plain"})
    assert response.status_code == 404
    ok, message = feedback("09.upload", response)
    assert not ok and "did not exist" in message and "PUT" in message


def test_upload_of_the_container_only_asks_for_the_objects_put(swift):
    base, token = swift
    ok, message = feedback("09.upload", put(f"{base}/{CONTAINER}", token))
    assert not ok and "made the container" in message


def test_upload_into_another_container_names_it(swift):
    ok, message = feedback("09.upload", uploaded(swift, container="photos"))
    assert not ok and "'photos'" in message and CONTAINER in message


def test_upload_under_another_name_names_it(swift):
    ok, message = feedback("09.upload", uploaded(swift, name="greeting.txt"))
    assert not ok and "greeting.txt" in message and "extension" in message


def test_upload_without_content_type_names_octet_stream(swift):
    ok, message = feedback("09.upload", uploaded(swift, content_type=None))
    assert not ok and "application/octet-stream" in message and "Content-Type" in message


def test_upload_with_another_type_names_it(swift):
    ok, message = feedback("09.upload", uploaded(swift, content_type="text/html"))
    assert not ok and "text/html" in message


def test_upload_without_the_final_newline_names_the_etag(swift):
    ok, message = feedback("09.upload", uploaded(swift, content=CONTENT.rstrip(b"\n")))
    assert not ok and "ETag" in message and "newline" in message


def test_upload_sent_as_json_names_json(swift):
    base, token = swift
    put(f"{base}/{CONTAINER}", token)
    response = put(f"{base}/{CONTAINER}/{OBJECT}", token, json=CONTENT.decode())
    ok, message = feedback("09.upload", response)
    assert not ok and "json=" in message and "data=" in message


def test_upload_without_a_token_names_the_token(swift):
    base, token = swift
    put(f"{base}/{CONTAINER}", token)
    response = put(f"{base}/{CONTAINER}/{OBJECT}", {}, data=CONTENT)
    assert response.status_code == 401
    ok, message = feedback("09.upload", response)
    assert not ok and "X-Auth-Token" in message


def test_upload_with_a_get_names_the_method(swift):
    base, token = swift
    uploaded(swift)
    response = requests.get(f"{base}/{CONTAINER}/{OBJECT}", headers=token, timeout=10)
    ok, message = feedback("09.upload", response)
    assert not ok and "PUT" in message and "GET" in message


def test_upload_deleted_before_checking_says_it_is_gone(swift):
    base, token = swift
    response = uploaded(swift)
    requests.delete(f"{base}/{CONTAINER}/{OBJECT}", headers=token, timeout=10)
    ok, message = feedback("09.upload", response)
    assert not ok and "not there" in message


def test_upload_to_another_service_names_the_endpoint(conn):
    response = requests.get(conn.endpoint("compute") + "/flavors",
                            headers={"X-Auth-Token": conn.token.id}, timeout=10)
    ok, message = feedback("09.upload", response)
    assert not ok and "object-store" in message


@pytest.mark.parametrize("wrong", [None, "PUT /exercise-09/greeting", ...])
def test_upload_refuses_what_is_not_a_response(conn, wrong):
    ok, message = feedback("09.upload", wrong)
    assert not ok and "requests.put" in message


# --- 09.public-container ----------------------------------------------------------------------------

def test_public_container_accepts_a_real_post(swift):
    uploaded(swift)
    ok, message = feedback("09.public-container", made_public(swift, {"X-Container-Read": ".r:*"}))
    assert ok, message


def test_public_container_accepts_a_put_with_listings_too(swift):
    uploaded(swift)
    response = made_public(swift, {"X-Container-Read": ".r:*,.rlistings"}, method="PUT")
    assert feedback("09.public-container", response)[0]


def test_public_container_with_the_meta_header_names_it(swift):
    uploaded(swift)
    response = made_public(swift, {"X-Container-Meta-Read": ".r:*"})
    assert response.status_code == 204  # Swift takes it: it is only metadata
    ok, message = feedback("09.public-container", response)
    assert not ok and "X-Container-Meta-Read" in message and "without 'Meta'" in message


@pytest.mark.parametrize("spelling", ["*", ".r*", "r:*", ".r:all"])
def test_public_container_with_a_misspelt_acl_names_the_spelling(swift, spelling):
    uploaded(swift)
    ok, message = feedback("09.public-container", made_public(swift, {"X-Container-Read": spelling}))
    assert not ok and ".r:*" in message and "dot, r, colon, star" in message


def test_public_container_with_listings_only_says_it_opens_nothing(swift):
    uploaded(swift)
    ok, message = feedback("09.public-container",
                           made_public(swift, {"X-Container-Read": ".rlistings"}))
    assert not ok and "opens nothing" in message


def test_public_container_set_on_the_object_names_the_container(swift):
    uploaded(swift)
    response = made_public(swift, {"X-Container-Read": ".r:*"}, path=f"{CONTAINER}/{OBJECT}")
    ok, message = feedback("09.public-container", response)
    assert not ok and "object's URL" in message and "container" in message


def test_public_container_without_any_acl_says_so(swift):
    uploaded(swift)
    ok, message = feedback("09.public-container", made_public(swift, {"X-Container-Meta-Color": "red"}))
    assert not ok and "X-Container-Read" in message


def test_public_container_of_another_container_names_it(swift):
    uploaded(swift)
    uploaded(swift, container="photos")
    response = made_public(swift, {"X-Container-Read": ".r:*"}, path="photos")
    ok, message = feedback("09.public-container", response)
    assert not ok and "'photos'" in message


def test_public_container_without_the_object_asks_for_it(swift):
    base, token = swift
    put(f"{base}/{CONTAINER}", token)
    ok, message = feedback("09.public-container", made_public(swift, {"X-Container-Read": ".r:*"}))
    assert not ok and "holds no object" in message


def test_public_container_made_private_again_is_caught_by_the_anonymous_get(swift):
    uploaded(swift)
    response = made_public(swift, {"X-Container-Read": ".r:*"})
    made_public(swift, {"X-Remove-Container-Read": "x"})
    ok, message = feedback("09.public-container", response)
    assert not ok and "anonymous GET" in message and "401" in message


def test_public_container_post_without_token_names_the_token(swift):
    uploaded(swift)
    base, _token = swift
    response = requests.post(f"{base}/{CONTAINER}", headers={"X-Container-Read": ".r:*"}, timeout=10)
    assert response.status_code == 401
    ok, message = feedback("09.public-container", response)
    assert not ok and "X-Auth-Token" in message


@pytest.mark.parametrize("wrong", [None, ".r:*", ...])
def test_public_container_refuses_what_is_not_a_response(conn, wrong):
    ok, message = feedback("09.public-container", wrong)
    assert not ok and "requests.post" in message
