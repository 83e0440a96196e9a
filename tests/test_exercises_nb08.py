"""Notebook 08: its exercises' right answers and near misses, and what its cells rely on."""

from __future__ import annotations

import pytest
import requests
from exercise_helpers import feedback

import conoha_learn as cl
from conoha_learn import connection
from conoha_learn.cassette import RECORDING_TOKEN_LIFETIME
from conoha_learn.http import RETRY_STATUSES
from conoha_learn.sim import Simulator


# --- the exercises --------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [{429, 503}, [503, 429], ("429", "503"), frozenset(RETRY_STATUSES)])
def test_retry_statuses(conn, answer):
    assert cl.check("08.retry-statuses", answer)


@pytest.mark.parametrize("answer, words", [({429, 503, 401}, "log in again"),
                                           ({503, 409}, "state"),
                                           ({429, 413}, "quota"),
                                           ({503}, "there are two"),
                                           ({429, 503, 502}, "502"),
                                           (503, "set of numbers"),
                                           ({True, 503}, "set of numbers")])
def test_retry_statuses_near_misses(answer, words):
    ok, message = feedback("08.retry-statuses", answer)
    assert not ok and words in message


@pytest.mark.parametrize("answer", ["Retry-After", "retry-after", " RETRY-AFTER: "])
def test_retry_after(answer):
    assert cl.check("08.retry-after", answer)


@pytest.mark.parametrize("answer, words", [("retryAfter", "hyphen"),
                                           ("X-Conoha-Learn-Fault", "injected"),
                                           ("x-openstack-request-id", "support"),
                                           ("Content-Type", "section 6")])
def test_retry_after_near_misses(answer, words):
    ok, message = feedback("08.retry-after", answer)
    assert not ok and words in message


@pytest.mark.parametrize("answer", [{"GET", "PUT", "DELETE"}, ["delete", "get", "put"]])
def test_idempotent(answer):
    assert cl.check("08.idempotent", answer)


@pytest.mark.parametrize("answer, words", [({"GET", "PUT", "DELETE", "POST"}, "two servers"),
                                           ({"GET", "PUT"}, "DELETE twice"),
                                           ({"GET", "DELETE"}, "PUT replaces"),
                                           ({"PUT", "DELETE"}, "only reads"),
                                           ({"GET", "PATCH"}, "PATCH"),
                                           ("GET", "set of method names")])
def test_idempotent_near_misses(answer, words):
    ok, message = feedback("08.idempotent", answer)
    assert not ok and words in message


def test_retry_after_solution_reads_the_header_of_an_injected_503(sim, conn):
    """The solution cell takes the header's name from the 503 that section 6 provoked."""
    rule = {"service": "compute", "status": 503, "retry_after": 0, "count": 1}
    assert requests.post(f"{sim.url}/_sim/faults", json=rule, timeout=5).status_code == 201
    conn.compute.flavors()
    retried = conn.history[-2]
    assert retried.status == 503 and retried.attempt == 1
    answer = next(name for name in retried.response_headers if name.lower() == "retry-after")
    assert cl.check("08.retry-after", answer)


# --- what the notebook's cells rely on ------------------------------------------------------------

def test_the_clock_can_expire_the_tokens_of_a_recording():
    """Section 3 advances the clock by the simulator's token lifetime: the recording simulator's
    tokens live 20 years, so the control API must accept that much."""
    with Simulator(delay=0, seed=1, token_lifetime=RECORDING_TOKEN_LIFETIME) as sim:
        conn = cl.connect(sim=sim)
        lifetime = requests.get(f"{sim.url}/_sim", timeout=5).json()["simulator"]["token_lifetime"]
        r = requests.post(f"{sim.url}/_sim/clock", json={"advance": lifetime + 60}, timeout=5)
        assert r.status_code == 200
        conn.get("compute", "/flavors", params={"limit": 1})
        assert [e.status for e in conn.history[-3:]] == [401, 201, 200]
        conn.close()
    connection._current = None


@pytest.mark.parametrize("advance", ["-1", str(100 * 365 * 86400 + 1), "1e999", "NaN", '"60"', "true"])
def test_the_clock_refuses_nonsense(sim, advance):
    r = requests.post(f"{sim.url}/_sim/clock", data='{"advance": %s}' % advance, timeout=5,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "advance" in r.json()["error"]["message"]


def test_the_clock_stops_before_timestamps_run_out(sim):
    century = 100 * 365 * 86400
    answers = [requests.post(f"{sim.url}/_sim/clock", json={"advance": century}, timeout=5)
               for _ in range(70)]  # 2026 + 7000 years: past the limit
    refused = [r for r in answers if r.status_code != 200]
    assert refused and all(r.status_code == 400 and "9000" in r.json()["error"]["message"]
                           for r in refused)
    conn = cl.connect(sim=sim)  # a token's expiry date can still be written
    assert conn.token.expires_at.year < 9999
    conn.close()
    connection._current = None


def test_a_timeout_names_the_read_timeout(sim):
    rule = {"service": "compute", "latency": 1, "count": 1}
    assert requests.post(f"{sim.url}/_sim/faults", json=rule, timeout=5).status_code == 201
    impatient = cl.connect(sim=sim, timeout=(3, 0.2))
    with pytest.raises(cl.RequestTimeout) as info:
        impatient.compute.flavors()
    assert "within 0.2 s (the read timeout)" in str(info.value)
    impatient.close()
    connection._current = None
