"""The transport: retries with backoff on 429/503, timeouts, transcripts, curl and redaction."""

from __future__ import annotations

import subprocess
import time

import pytest
from lib_helpers import json_response, scripted, tiny_server
from werkzeug.wrappers import Response

from conoha_learn.errors import CannotConnect, RequestTimeout
from conoha_learn.http import Transport, _parse_retry_after
from conoha_learn.redact import Redactor, SafeDict


class Sleeps(list):
    """A stand-in for time.sleep that records the waits instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_503_with_retry_after_then_200_is_retried_honouring_the_header():
    handler, seen = scripted(json_response({"serviceUnavailable": {"code": 503, "message": "busy"}}, 503,
                                           {"Retry-After": "2"}),
                             json_response({"ok": True}))
    sleeps = Sleeps()
    with tiny_server(handler) as url:
        t = Transport(sleep=sleeps)
        response, exchange = t.request("GET", f"{url}/thing")
    assert response.status_code == 200 and exchange.attempt == 2
    assert len(seen) == 2 and sleeps == [2.0]
    assert [e.status for e in t.history] == [503, 200]  # both attempts are in the transcript


def test_429_without_retry_after_backs_off_exponentially_and_is_bounded():
    handler, seen = scripted(json_response({"overLimit": {"code": 429, "message": "slow down"}}, 429))
    sleeps = Sleeps()
    with tiny_server(handler) as url:
        t = Transport(sleep=sleeps, max_retries=3, backoff=0.5)
        response, exchange = t.request("POST", f"{url}/thing", json={"a": 1})
    assert response.status_code == 429 and exchange.attempt == 4
    assert len(seen) == 4  # one try and three retries, never more
    assert sleeps == [0.5, 1.0, 2.0]


def test_retry_after_is_capped():
    handler, _ = scripted(Response("", 503, {"Retry-After": "3600"}), Response("ok", 200))
    sleeps = Sleeps()
    with tiny_server(handler) as url:
        Transport(sleep=sleeps, max_wait=5).request("GET", url)
    assert sleeps == [5]


def test_retry_after_forms():
    assert _parse_retry_after("7") == 7.0
    assert _parse_retry_after(None) is None and _parse_retry_after("soon") is None
    http_date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 < _parse_retry_after(http_date) <= 31


def test_real_sleep_between_retries():
    handler, _ = scripted(Response("", 503, {"Retry-After": "1"}), Response("ok", 200))
    with tiny_server(handler) as url:
        start = time.monotonic()
        response, _ = Transport().request("GET", url)
    assert response.status_code == 200 and time.monotonic() - start >= 0.9


def test_connection_refused_is_a_clear_error():
    with tiny_server(lambda r: Response("")) as url:
        pass  # the server is stopped again: the port is now closed
    with pytest.raises(CannotConnect) as info:
        Transport().request("GET", f"{url}/identity/v3")
    assert url in str(info.value) and "conoha-learn sim" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__  # no requests traceback


def test_read_timeout_is_a_clear_error():
    def slow(request):
        time.sleep(1.5)
        return Response("late")

    with tiny_server(slow) as url:
        with pytest.raises(RequestTimeout) as info:
            Transport(timeout=(2, 0.3)).request("GET", url)
    assert "0.3" in str(info.value) and isinstance(info.value, TimeoutError)


# --- transcripts --------------------------------------------------------------------------------

def test_exchange_text_is_stable_and_shows_what_went_over_the_wire():
    handler, _ = scripted(json_response({"server": {"id": "abc", "adminPass": "S3cret-Pass!"}}, 202,
                                        {"x-openstack-request-id": "req-1"}))
    with tiny_server(handler) as url:
        t = Transport()
        _, ex = t.request("POST", f"{url}/servers", json={"server": {"adminPass": "S3cret-Pass!"}},
                          headers={"X-Auth-Token": "gAAAAA-secret-token"})
    text = str(ex)
    assert text.startswith(f"POST {url}/servers\n")
    assert "X-Auth-Token: $OS_TOKEN" in text and "HTTP 202 ACCEPTED" in text.upper()
    assert '"adminPass": "$ADMIN_PASS"' in text
    assert "S3cret-Pass!" not in text and "gAAAAA-secret-token" not in text
    assert "Date:" not in text and "elapsed" not in text  # nothing that changes between runs
    assert ex.request_id == "req-1" and ex.response_body["server"]["id"] == "abc"
    assert repr(ex) == f"<Exchange POST {url}/servers -> 202 ACCEPTED>"
    pretty = []
    ex._repr_pretty_(type("P", (), {"text": lambda self, s: pretty.append(s)})(), False)
    assert pretty == [text]


def test_long_bodies_are_cut_in_the_text_view_only():
    handler, _ = scripted(json_response({"items": list(range(100))}))
    with tiny_server(handler) as url:
        _, ex = Transport().request("GET", url)
    assert "more lines" in ex.text(max_body_lines=10)
    assert "more lines" not in ex.text(max_body_lines=None)
    assert len(ex.response_body["items"]) == 100


def test_curl_runs_in_a_shell_with_secrets_as_variables():
    """The curl command is real: bash runs it against a server that checks what arrives.
    (A password with " or \\ would need JSON escaping inside the variable: see as_curl.)"""
    def check(request):
        body = request.get_json()
        ok = (request.headers.get("X-Auth-Token") == "tok-from-env"
              and body["auth"]["password"] == "it's quoted $HOME!")
        return json_response({"ok": ok}, 200 if ok else 400)

    with tiny_server(check) as url:
        t = Transport()
        t.redactor.add("real-token-value", "$OS_TOKEN")
        _, ex = t.request("POST", f"{url}/check", json={"auth": {"password": "it's quoted $HOME!"}},
                          headers={"X-Auth-Token": "real-token-value"})
        curl = ex.as_curl()
        assert "real-token-value" not in curl and "quoted" not in curl
        assert '-H "X-Auth-Token: $OS_TOKEN"' in curl
        env = {"OS_TOKEN": "tok-from-env", "OS_PASSWORD": "it's quoted $HOME!", "PATH": "/usr/bin:/bin"}
        out = subprocess.run(["bash", "-c", curl.replace("curl -i", "curl -s", 1)], env=env,
                             capture_output=True, text=True, timeout=20)
    assert out.stdout.strip() == '{"ok": true}', (curl, out.stderr)


def test_get_curl_has_no_method_flag():
    handler, _ = scripted(json_response({}))
    with tiny_server(handler) as url:
        _, ex = Transport().request("GET", f"{url}/x", params={"limit": 2})
    assert ex.as_curl().startswith(f"curl -i \\\n  '{url}/x?limit=2'")
    assert "-X" not in ex.as_curl()


# --- redaction rules ------------------------------------------------------------------------------

def test_redaction_by_name_at_any_depth_and_by_value():
    r = Redactor()
    r.add("known-token-123", "$OS_TOKEN")
    data = {"auth": {"identity": {"password": {"user": {"password": "pw1"}}},
                     "passwordCredentials": {"username": "u", "password": "pw2"}},
            "access": {"token": {"id": "v2-token-id"}},
            "keypair": {"private_key": "-----BEGIN", "public_key": "ssh-ed25519 AAA"},
            "server": {"adminPass": "pw3"},
            "credential": {"secret": "ec2", "access": "ak"},
            "note": "the token is known-token-123 here", "list": [{"password": "pw4"}]}
    out = r.data(data)
    text = str(out)
    for secret in ("pw1", "pw2", "pw3", "pw4", "v2-token-id", "-----BEGIN", "ec2", "known-token-123"):
        assert secret not in text
    assert out["auth"]["identity"]["password"]["user"]["password"] == "$OS_PASSWORD"
    assert out["access"]["token"]["id"] == "$OS_TOKEN"
    assert out["keypair"]["public_key"] == "ssh-ed25519 AAA" and out["credential"]["access"] == "ak"
    assert r.headers({"X-Subject-Token": "x", "x-auth-token": "y", "Accept": "a"}) == {
        "X-Subject-Token": "$OS_TOKEN", "x-auth-token": "$OS_TOKEN", "Accept": "a"}
    assert r.body(b"plain known-token-123 text") == "plain $OS_TOKEN text"


def test_safe_dict_hides_secrets_in_repr_but_keeps_values():
    d = SafeDict({"id": "1", "adminPass": "Abc-12345!", "nested": {"private_key": "KEY"}})
    assert d["adminPass"] == "Abc-12345!"
    assert "Abc-12345!" not in repr(d) and "KEY" not in repr(d) and "'***'" in repr(d)
