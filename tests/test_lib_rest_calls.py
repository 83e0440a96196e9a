"""conoha_learn.debug_log: the REST calls behind an openstack command or an openstacksdk block."""

from __future__ import annotations

import logging

import pytest
from cassette_helpers import sdk_connect
from lib_helpers import use_sim_mode

from conoha_learn.cassette import RECORDING_TOKEN_LIFETIME
from conoha_learn.debug_log import LoggedRequest, requests_in_log, rest_calls, short, show_requests
from conoha_learn.sim import Simulator

pytest.importorskip("openstackclient")

# Lines of a real `openstack --debug flavor list` against the simulator (headers cut short, the
# token hash replaced), with the noise around them that must be skipped.
TRANSCRIPT = """\
START with options: --debug flavor list
REQ: curl -g -i -X GET http://127.0.0.1:38189/identity/v3 -H "Accept: application/json"
Starting new HTTP connection (1): 127.0.0.1:38189
http://127.0.0.1:38189 "GET /identity/v3 HTTP/1.1" 200 259
RESP: [200] Connection: close Content-Length: 259 Content-Type: application/json
RESP BODY: {"version": {"id": "v3.14", "status": "stable"}}
Making authentication request to http://127.0.0.1:38189/identity/v3/auth/tokens
http://127.0.0.1:38189 "POST /identity/v3/auth/tokens HTTP/1.1" 201 2672
REQ: curl -g -i -X GET http://127.0.0.1:38189/compute/v2.1 -H "Accept: application/json"
RESP: [200] Connection: close Content-Length: 391 Content-Type: application/json
REQ: curl -g -i -X GET "http://127.0.0.1:38189/compute/v2.1/flavors/detail?is_public=True&name=None" -H "X-Auth-Token: {SHA256}0000"
RESP: [200] Connection: close Content-Length: 6133 Content-Type: application/json
clean_up ListFlavor:
"""


def test_a_captured_transcript_gives_one_line_per_request():
    found = requests_in_log(TRANSCRIPT)
    assert found == [
        LoggedRequest("GET", "/identity/v3", 200),
        LoggedRequest("POST", "/identity/v3/auth/tokens", token=True),
        LoggedRequest("GET", "/compute/v2.1", 200),
        LoggedRequest("GET", "/compute/v2.1/flavors/detail?is_public=True", 200),
    ]
    assert str(found[0]) == "GET    /identity/v3  -> 200"
    assert str(found[1]).startswith("POST   /identity/v3/auth/tokens   (")


def test_an_answer_without_its_request_is_not_given_to_another():
    found = requests_in_log("Making authentication request to http://h/v3/auth/tokens\n"
                            "RESP: [201] x\nREQ: curl -g -i -X DELETE http://h/v2/x\n")
    assert found == [LoggedRequest("POST", "/v3/auth/tokens", token=True),
                     LoggedRequest("DELETE", "/v2/x", None)]
    assert str(found[1]) == "DELETE /v2/x"


def test_short_drops_only_the_filters_the_cli_left_unset():
    assert short("http://h:1/v2/images?id=in%3A&name=None&limit=5") == "/v2/images?id=in%3A&limit=5"
    assert short("http://h:1/compute/v2.1") == "/compute/v2.1"


@pytest.fixture
def cloud(monkeypatch):
    """A simulator (tokens that outlive the real clock, so the CLI logs in once) in sim mode."""
    with Simulator(delay=0, seed=21, token_lifetime=RECORDING_TOKEN_LIFETIME) as sim:
        use_sim_mode(sim, monkeypatch)
        yield sim


def test_rest_calls_runs_the_command_for_real(cloud, capsys):
    rest_calls("server show no-such-server")
    lines = capsys.readouterr().out.splitlines()
    assert "POST   /identity/v3/auth/tokens   (the token)" in lines
    # the CLI tries the name as an id, then asks the list for that name
    assert "GET    /compute/v2.1/servers/no-such-server  -> 404" in lines
    assert "GET    /compute/v2.1/servers/detail?name=no-such-server  -> 200" in lines
    assert "exit code 1" in lines[-1]  # there is no such server: said, after the calls


def test_a_command_that_works_says_nothing_more(cloud, capsys):
    rest_calls("flavor list")
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "GET    /compute/v2.1/flavors/detail?is_public=True  -> 200"


def test_show_requests_lists_openstacksdk_calls_and_restores_the_logger(cloud, capsys):
    log = logging.getLogger("keystoneauth")
    before = (log.level, log.propagate, list(log.handlers))
    with sdk_connect(cloud.credentials()) as sdk:
        with show_requests():
            sdk.compute.find_flavor("g2l-t-c2m1")
    lines = capsys.readouterr().out.splitlines()
    assert "GET    /compute/v2.1/flavors/g2l-t-c2m1  -> 404" in lines
    assert "GET    /compute/v2.1/flavors/detail  -> 200" in lines
    assert (log.level, log.propagate, list(log.handlers)) == before
