"""Every error class: raised for the right status, carrying status, request id, message and hint."""

from __future__ import annotations

import pytest
from lib_helpers import fault_hits, inject_fault

import conoha_learn as cl
from conoha_learn.errors import api_error, server_message
from conoha_learn.sim import Simulator


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def conn(sim):
    c = cl.connect(sim=sim)
    c.transport.sleep = Sleeps()  # retries without real waiting
    return c


def test_bad_request(conn):
    with pytest.raises(cl.BadRequest) as info:
        conn.post("compute", "/servers", json={"server": {"flavorRef": "g2l-t-c2m1"}})
    e = info.value
    assert e.status == e.status_code == 400 and e.request_id.startswith("req-")
    assert e.method == "POST" and e.url.endswith("/compute/v2.1/servers")
    assert "boots from a volume" in e.message  # the simulator's own words, out of the envelope
    assert "last_exchange" in e.hint
    assert str(e).startswith(f"HTTP 400 on POST {e.url}: ") and "\nHint: " in str(e)
    assert e.exchange is conn.last_exchange and e.exchange.status == 400


def test_not_found_with_nova_envelope(conn):
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(cl.NotFound) as info:
        conn.compute.get_server(missing)
    assert info.value.message == f"Instance {missing} could not be found."
    assert "deleted" in info.value.hint
    assert repr(info.value) == f"NotFound(status=404, message='Instance {missing} could not be found.')"


def test_not_found_with_neutron_envelope(conn):
    with pytest.raises(cl.NotFound) as info:
        conn.get("network", "/v2.0/security-groups/00000000-0000-4000-8000-000000000000")
    assert info.value.message and "NeutronError" not in info.value.message


def test_conflict(conn):
    conn.compute.create_keypair("k")
    with pytest.raises(cl.Conflict) as info:
        conn.compute.create_keypair("k")
    assert info.value.status == 409 and "k" in info.value.message


def test_forbidden(conn):
    too_many = {f"k{i}": "v" for i in range(129)}
    with pytest.raises(cl.Forbidden) as info:
        conn.post("compute", "/servers", json={"server": {"flavorRef": "g2l-t-c2m1", "metadata": too_many}})
    assert info.value.status == 403 and not isinstance(info.value, cl.OverLimit)
    assert "project" in info.value.hint


def test_over_limit_quota_403():
    with Simulator(delay=0, seed=42, quota_keypairs=1) as sim:
        conn = cl.connect(sim=sim)
        conn.compute.create_keypair("one")
        with pytest.raises(cl.OverLimit) as info:
            conn.compute.create_keypair("two")
    assert info.value.status in (403, 413) and "quota" in info.value.message.lower()
    assert "cleanup()" in info.value.hint


def test_over_limit_429_after_retries(conn, sim):
    inject_fault(sim, 429, retry_after=3, service="compute")
    with pytest.raises(cl.OverLimit) as info:
        conn.compute.flavors()
    assert fault_hits(conn) == 4 and conn.transport.sleep == [3.0, 3.0, 3.0]
    assert info.value.status == 429 and "Tried 4 times" in info.value.hint


def test_503_then_success_is_invisible_except_in_the_transcript(conn, sim):
    inject_fault(sim, 503, count=2, retry_after=1, service="compute")
    assert len(conn.compute.flavors()) > 0
    assert fault_hits(conn) == 2 and conn.transport.sleep == [1.0, 1.0]
    assert [e.status for e in conn.history[-3:]] == [503, 503, 200]


def test_service_unavailable_after_retries(conn, sim):
    inject_fault(sim, 503, service="image-service")
    with pytest.raises(cl.ServiceUnavailable) as info:
        conn.image.images()
    assert info.value.status == 503 and conn.transport.sleep == [1.0, 2.0, 4.0]  # backoff, no header
    assert "Tried 4 times" in info.value.hint


def test_other_statuses_are_plain_api_errors(conn, sim):
    inject_fault(sim, 500, count=1, service="compute")
    with pytest.raises(cl.ApiError) as info:
        conn.compute.flavors()
    assert type(info.value) is cl.ApiError and info.value.status == 500
    with pytest.raises(cl.ApiError) as info:
        conn.get("dns", "/v2/zones")  # in the catalog, not simulated: 501
    assert info.value.status == 501 and "simulator does not implement" in info.value.message


def test_every_error_is_a_conoha_learn_error():
    for cls in (cl.ConfigError, cl.NotFoundLocally, cl.CannotConnect, cl.RequestTimeout,
                cl.WaitTimeout, cl.ResourceFailed, cl.ApiError, cl.BadRequest,
                cl.AuthenticationError, cl.Forbidden, cl.NotFound, cl.Conflict, cl.OverLimit,
                cl.ServiceUnavailable):
        assert issubclass(cls, cl.ConohaLearnError)
    assert issubclass(cl.ConfigError, ValueError) and issubclass(cl.CannotConnect, ConnectionError)
    assert issubclass(cl.NotFoundLocally, LookupError) and issubclass(cl.WaitTimeout, TimeoutError)


@pytest.mark.parametrize("body,message", [
    ({"error": {"code": 401, "title": "Unauthorized", "message": "Keystone says no"}}, "Keystone says no"),
    ({"itemNotFound": {"code": 404, "message": "Instance x could not be found."}}, "Instance x could not be found."),
    ({"conflictingRequest": {"code": 409, "message": "busy"}}, "busy"),
    ({"NeutronError": {"type": "NotFound", "message": "no sg", "detail": ""}}, "no sg"),
    ({"code": 404, "title": "Not Found", "message": "flat"}, "flat"),
    # Glance's JSON keeps WebOb's HTML tail; the learner reads the sentence alone
    ({"code": "404 Not Found", "title": "Not Found", "message": "No image found<br /><br />\n\n\n"},
     "No image found"),
    ({"faultstring": "ironic style"}, "ironic style"),
    ("<html><body><h1>404 Not Found</h1>\n<p>No image</p></body></html>", "404 Not Found No image"),
    (None, ""),
])
def test_server_message_from_any_envelope(body, message):
    assert server_message(body) == message


def test_conflict_hints_from_nova_messages():
    def hint(msg):
        return api_error(409, msg).hint

    assert "start it first" in hint("Cannot 'stop' instance a-b while it is in vm_state stopped")
    assert "already ACTIVE" in hint("Cannot 'start' instance a-b while it is in vm_state active")
    assert "still being built" in hint("Cannot 'stop' instance a-b while it is in vm_state building")
    assert "busy (rebooting)" in hint("Cannot 'reboot' instance a-b while it is in task_state rebooting")
    assert hint("something else") == cl.Conflict.hint
    assert isinstance(api_error(403, "Quota exceeded for instances"), cl.OverLimit)
    assert isinstance(api_error(413, "too big"), cl.OverLimit)
