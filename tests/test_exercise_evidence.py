"""The evidence a build-something exercise judges: a learner's own response, the error, the history."""

from __future__ import annotations

import pytest
import requests

import conoha_learn as cl
from conoha_learn.exercises.answers import Unjudgeable
from conoha_learn.exercises.evidence import exchange_of, header, history, path_of


def test_a_plain_requests_response_becomes_a_redacted_exchange(conn):
    url = conn.endpoint("compute") + "/flavors"
    token = conn.token.id
    response = requests.get(url, headers={"X-Auth-Token": token}, timeout=10)
    exchange = exchange_of(response)
    assert exchange.method == "GET" and exchange.status == 200
    assert path_of(exchange).endswith("/flavors")
    assert header(exchange, "x-auth-token") != token  # replaced, so feedback can quote it
    assert token not in str(exchange)
    assert "flavors" in exchange.response_body


def test_a_caught_error_gives_its_exchange(conn):
    with pytest.raises(cl.NotFound) as caught:
        conn.get("compute", "/servers/no-such-server")
    assert exchange_of(caught.value).status == 404


def test_anything_else_is_refused_with_what_to_pass():
    for wrong in (None, 200, "GET /servers", {"status": 200}):
        with pytest.raises(Unjudgeable, match="requests"):
            exchange_of(wrong)


def test_history_finds_the_newest_matching_call(conn):
    conn.compute.flavor_list()
    conn.get("compute", "/flavors/detail")
    found = history(conn, "GET", "/flavors/detail")
    assert found and found[0] is conn.last_exchange
    assert history(conn, "DELETE", "/flavors/detail") == []
