"""Object storage (Swift v1) with plain requests: account, containers, objects, access, caps.

Expected values are Swift's documented behaviour (status codes, header names, listing shapes) and
ConoHa's quota in 100 GB steps, written here by hand; MD5s are computed with hashlib.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from urllib.parse import quote

import pytest
import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.object_storage import ROUTES
from conoha_learn.sim.seed import ACCOUNTS

from sim_robust import SimProcess, check_envelope, login_as, snapshot
from sim_session import login

A, B = ACCOUNTS[0]["project_id"], ACCOUNTS[1]["project_id"]


# `sim` and `api` (the first seeded account's session) come from conftest.py.


def account(sim, project: str = A) -> str:
    return f"{sim.url}/object-storage/v1/AUTH_{project}"


def put(api, url: str, data: bytes = b"", **headers) -> requests.Response:
    return api.put(url, data=data, headers=headers, timeout=10)


# --- the account -------------------------------------------------------------------------------

def test_the_catalog_points_at_the_account_and_it_starts_empty(sim, api):
    catalog = {e["type"]: e["endpoints"][0]["url"] for e in api.token_body["catalog"]}
    assert catalog["object-store"] == account(sim)
    r = api.head(account(sim), timeout=10)
    assert r.status_code == 204
    assert (r.headers["X-Account-Container-Count"], r.headers["X-Account-Object-Count"],
            r.headers["X-Account-Bytes-Used"]) == ("0", "0", "0")
    # 100 GB bought (the simulator's default), shown in GB and in bytes (GiB, as ConoHa's sample)
    assert r.headers["X-Account-Meta-Quota-Giga-Bytes"] == "100"
    assert r.headers["X-Account-Meta-Quota-Bytes"] == str(100 * 1024 ** 3)
    assert api.get(account(sim), timeout=10).status_code == 204  # empty plain listing
    r = api.get(account(sim), params={"format": "json"}, timeout=10)
    assert (r.status_code, r.json()) == (200, [])
    assert r.headers["Content-Type"].startswith("application/json")


def test_account_lists_containers_with_counts_in_json_and_text(sim, api):
    for name in ("beta", "alpha"):
        assert put(api, f"{account(sim)}/{name}").status_code == 201
    assert put(api, f"{account(sim)}/alpha/a.txt", b"12345").status_code == 201
    r = api.get(account(sim), timeout=10)
    assert (r.status_code, r.text) == (200, "alpha\nbeta\n")
    assert r.headers["Content-Type"].startswith("text/plain")
    listed = api.get(account(sim), headers={"Accept": "application/json"}, timeout=10).json()
    assert [(c["name"], c["count"], c["bytes"]) for c in listed] == [("alpha", 1, 5), ("beta", 0, 0)]
    head = api.head(account(sim), timeout=10).headers
    assert (head["X-Account-Container-Count"], head["X-Account-Object-Count"],
            head["X-Account-Bytes-Used"]) == ("2", "1", "5")


def test_quota_is_bought_in_100_gb_steps(sim, api):
    r = api.post(account(sim), headers={"X-Account-Meta-Quota-Giga-Bytes": "200"}, timeout=10)
    assert r.status_code == 204
    assert api.head(account(sim), timeout=10).headers["X-Account-Meta-Quota-Giga-Bytes"] == "200"
    for bad in ("150", "-100", "lots"):
        r = api.post(account(sim), headers={"X-Account-Meta-Quota-Giga-Bytes": bad}, timeout=10)
        assert r.status_code == 400 and "steps of 100" in r.text, r.text
        check_envelope(r)
    r = api.post(account(sim), headers={"X-Account-Meta-Quota-Bytes": "1"}, timeout=10)
    assert r.status_code == 403 and "Quota-Giga-Bytes" in r.text
    assert api.head(account(sim), timeout=10).headers["X-Account-Meta-Quota-Giga-Bytes"] == "200"


def test_an_account_without_capacity_takes_no_upload(sim, api):
    assert api.post(account(sim), headers={"X-Account-Meta-Quota-Giga-Bytes": "0"}, timeout=10).status_code == 204
    assert put(api, f"{account(sim)}/box").status_code == 201
    r = put(api, f"{account(sim)}/box/a", b"x")
    assert r.status_code == 413 and "Upload exceeds quota" in r.text and "Quota-Giga-Bytes" in r.text
    assert api.get(f"{account(sim)}/box/a", timeout=10).status_code == 404


def test_a_quota_below_what_is_stored_is_accepted_and_enforced_at_upload(sim, api):
    # upstream account_quotas accepts any quota; the next upload past it is refused (413)
    put(api, f"{account(sim)}/box")
    assert put(api, f"{account(sim)}/box/a", b"x" * 10).status_code == 201
    assert api.post(account(sim), headers={"X-Account-Meta-Quota-Giga-Bytes": "0"}, timeout=10).status_code == 204
    r = put(api, f"{account(sim)}/box/b", b"y")
    assert r.status_code == 413 and r.text.startswith("Upload exceeds quota.")
    assert api.get(f"{account(sim)}/box/a", timeout=10).content == b"x" * 10  # nothing lost


def test_limit_errors_are_swift_s_plain_sentences(sim, api):
    put(api, f"{account(sim)}/c")
    r = api.get(f"{account(sim)}/c?limit=10001", timeout=10)
    assert (r.status_code, r.text) == (412, "Maximum limit is 10000")
    meta = {f"X-Object-Meta-K{i}": "v" for i in range(91)}
    r = put(api, f"{account(sim)}/c/o", b"x", **meta)
    assert r.status_code == 400 and r.text == "Too many metadata items; max 90"
    assert r.headers["Content-Type"].startswith("text/plain")
    r = put(api, f"{account(sim)}/c/" + "o" * 1025)
    assert r.status_code == 400 and r.text == "Object name length of 1025 longer than 1024"
    r = put(api, f"{account(sim)}/" + "n" * 257)
    assert r.status_code == 400 and r.text == "Container name length of 257 longer than 256"


def test_if_none_match_star_never_overwrites(sim, api):
    put(api, f"{account(sim)}/c")
    assert put(api, f"{account(sim)}/c/o", b"first", **{"If-None-Match": "*"}).status_code == 201
    r = put(api, f"{account(sim)}/c/o", b"second", **{"If-None-Match": "*"})
    assert r.status_code == 412
    check_envelope(r)
    assert api.get(f"{account(sim)}/c/o", timeout=10).content == b"first"
    r = put(api, f"{account(sim)}/c/o", b"third", **{"If-None-Match": "some-etag"})
    assert (r.status_code, r.text) == (400, "If-None-Match only supports *")
    assert api.get(f"{account(sim)}/c/o", timeout=10).content == b"first"


# --- containers --------------------------------------------------------------------------------

def test_container_create_head_metadata_and_delete(sim, api):
    url = f"{account(sim)}/photos"
    assert api.head(url, timeout=10).status_code == 404
    assert put(api, url, **{"X-Container-Meta-Owner": "me"}).status_code == 201
    assert put(api, url).status_code == 202  # exists: accepted, not created again
    r = api.post(url, headers={"X-Container-Meta-Color": "blue", "X-Remove-Container-Meta-Owner": "x"},
                 timeout=10)
    assert r.status_code == 204
    head = api.head(url, timeout=10)
    assert head.status_code == 204
    assert head.headers["X-Container-Meta-Color"] == "blue" and "X-Container-Meta-Owner" not in head.headers
    assert head.headers["X-Container-Object-Count"] == "0"
    assert put(api, f"{url}/one", b"1").status_code == 201
    r = api.delete(url, timeout=10)
    assert r.status_code == 409 and "1 object" in r.text
    check_envelope(r)
    assert api.delete(f"{url}/one", timeout=10).status_code == 204
    assert api.delete(url, timeout=10).status_code == 204
    r = api.delete(url, timeout=10)
    assert r.status_code == 404
    check_envelope(r)


def test_container_listing_parameters(sim, api):
    url = f"{account(sim)}/site"
    put(api, url)
    names = ["index.html", "css/a.css", "css/b.css", "img/logo.png", "img/icons/x.svg", "z.txt"]
    for name in names:
        assert put(api, f"{url}/{name}", name.encode()).status_code == 201

    def listed(**params):
        r = api.get(url, params={"format": "json", **params}, timeout=10)
        assert r.status_code == 200, r.text
        return [e.get("name", e.get("subdir")) for e in r.json()]

    assert listed() == sorted(names)
    assert listed(prefix="img/") == ["img/icons/x.svg", "img/logo.png"]
    assert listed(delimiter="/") == ["css/", "img/", "index.html", "z.txt"]
    assert listed(prefix="img/", delimiter="/") == ["img/icons/", "img/logo.png"]
    assert listed(marker="css/b.css", limit="2") == ["img/icons/x.svg", "img/logo.png"]
    assert listed(end_marker="img") == ["css/a.css", "css/b.css"]
    entry = api.get(url, params={"format": "json", "prefix": "z"}, timeout=10).json()[0]
    assert entry["hash"] == hashlib.md5(b"z.txt").hexdigest() and entry["bytes"] == 5
    assert entry["content_type"] == "text/plain"
    assert api.get(url, params={"delimiter": "/"}, timeout=10).text == "css/\nimg/\nindex.html\nz.txt\n"
    assert api.get(url, params={"limit": "10001"}, timeout=10).status_code == 412


# --- objects -----------------------------------------------------------------------------------

def test_object_upload_download_range_and_etag(sim, api):
    url = f"{account(sim)}/docs"
    put(api, url)
    data = bytes(range(256)) * 40
    r = put(api, f"{url}/blob.bin", data, **{"X-Object-Meta-Author": "Taro", "Content-Type": "application/x-test"})
    assert r.status_code == 201 and r.headers["ETag"] == hashlib.md5(data).hexdigest()
    got = api.get(f"{url}/blob.bin", timeout=10)
    assert got.content == data and got.headers["X-Object-Meta-Author"] == "Taro"
    assert got.headers["Content-Type"] == "application/x-test"
    head = api.head(f"{url}/blob.bin", timeout=10)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(data)) and not head.content
    part = api.get(f"{url}/blob.bin", headers={"Range": "bytes=10-19"}, timeout=10)
    assert (part.status_code, part.content) == (206, data[10:20])
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    tail = api.get(f"{url}/blob.bin", headers={"Range": "bytes=-5"}, timeout=10)
    assert tail.content == data[-5:]
    r = api.get(f"{url}/blob.bin", headers={"Range": f"bytes={len(data)}-"}, timeout=10)
    assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{len(data)}"
    # A wrong ETag: 422, and nothing replaces the stored object.
    r = put(api, f"{url}/blob.bin", b"other", ETag=hashlib.md5(b"something else").hexdigest())
    assert r.status_code == 422 and hashlib.md5(b"other").hexdigest() in r.text
    check_envelope(r)
    assert api.get(f"{url}/blob.bin", timeout=10).content == data
    assert put(api, f"{url}/good", b"ok", ETag=hashlib.md5(b"ok").hexdigest()).status_code == 201


def test_object_type_is_guessed_from_the_name_and_trailing_slashes_kept(sim, api):
    url = f"{account(sim)}/web"
    put(api, url)
    put(api, f"{url}/logo.png", b"\x89PNG")
    assert api.head(f"{url}/logo.png", timeout=10).headers["Content-Type"] == "image/png"
    assert put(api, f"{url}/folder/", **{"Content-Type": "application/directory"}).status_code == 201
    assert [e["name"] for e in api.get(url, params={"format": "json"}, timeout=10).json()] == [
        "folder/", "logo.png"]
    assert api.get(f"{url}/folder", timeout=10).status_code == 404  # "folder" is not "folder/"


def test_object_post_replaces_metadata(sim, api):
    url = f"{account(sim)}/m"
    put(api, url)
    put(api, f"{url}/o", b"x", **{"X-Object-Meta-A": "1", "X-Object-Meta-B": "2"})
    assert api.post(f"{url}/o", headers={"X-Object-Meta-C": "3"}, timeout=10).status_code == 202
    headers = api.head(f"{url}/o", timeout=10).headers
    assert headers["X-Object-Meta-C"] == "3" and "X-Object-Meta-A" not in headers
    r = api.post(f"{url}/o", headers={"X-Object-Meta-" + "k" * 129: "v"}, timeout=10)
    assert r.status_code == 400 and "too long" in r.text


def test_copy_and_x_copy_from(sim, api):
    put(api, f"{account(sim)}/src")
    put(api, f"{account(sim)}/dst")
    put(api, f"{account(sim)}/src/a.txt", b"hello", **{"X-Object-Meta-Kind": "greeting"})
    r = api.request("COPY", f"{account(sim)}/src/a.txt", headers={"Destination": "dst/b.txt"}, timeout=10)
    assert r.status_code == 201 and r.headers["X-Copied-From"] == "src/a.txt"
    copied = api.get(f"{account(sim)}/dst/b.txt", timeout=10)
    assert copied.content == b"hello" and copied.headers["X-Object-Meta-Kind"] == "greeting"
    r = put(api, f"{account(sim)}/dst/c.txt", **{"X-Copy-From": "/src/a.txt", "X-Object-Meta-Kind": "copy"})
    assert r.status_code == 201 and r.headers["ETag"] == hashlib.md5(b"hello").hexdigest()
    assert api.head(f"{account(sim)}/dst/c.txt", timeout=10).headers["X-Object-Meta-Kind"] == "copy"
    r = api.request("COPY", f"{account(sim)}/src/a.txt", headers={"Destination": "nowhere"}, timeout=10)
    assert r.status_code == 412
    r = api.request("COPY", f"{account(sim)}/src/a.txt", headers={"Destination": "missing/x"}, timeout=10)
    assert r.status_code == 404
    assert api.delete(f"{account(sim)}/src/a.txt", timeout=10).status_code == 204
    assert api.delete(f"{account(sim)}/src/a.txt", timeout=10).status_code == 404


# --- caps ------------------------------------------------------------------------------------

def test_caps_per_object_and_per_account_are_stated_and_enforced():
    with Simulator(delay=0, object_max_bytes=1000, object_account_bytes=2500) as sim, login(sim) as api:
        limits = requests.get(f"{sim.url}/_sim", timeout=10).json()["simulator"]["object_storage"]
        assert limits["max_object_bytes"] == 1000 and limits["max_account_bytes"] == 2500
        assert requests.get(f"{sim.url}/object-storage/info", timeout=10).json()["swift"]["max_file_size"] == 1000
        put(api, f"{account(sim)}/c")
        r = put(api, f"{account(sim)}/c/big", b"x" * 1001)
        assert r.status_code == 413 and "1000 bytes per object" in r.text
        check_envelope(r)
        for i in range(2):
            assert put(api, f"{account(sim)}/c/{i}", b"x" * 1000).status_code == 201
        r = put(api, f"{account(sim)}/c/third", b"x" * 600)
        assert r.status_code == 413 and "2500" in r.text
        assert put(api, f"{account(sim)}/c/0", b"x" * 1000).status_code == 201  # replacing fits
        # The connection stays usable after a refused upload (its body was read, not left).
        assert api.head(account(sim), timeout=10).headers["X-Account-Bytes-Used"] == "2000"


# --- who may do what -------------------------------------------------------------------------

def _fill(path: str) -> str:
    return (path.replace("<account>", f"AUTH_{B}").replace("<container>", "private")
            .replace("<path:name>", "secret.txt"))


def test_another_tenant_gets_403_and_no_token_401_on_every_route(sim):
    with login(sim, 0) as a, login(sim, 1) as b:
        assert put(b, f"{account(sim, B)}/private").status_code == 201
        assert put(b, f"{account(sim, B)}/private/secret.txt", b"mine").status_code == 201
        before = snapshot(sim)
        swift_routes = [r for r in ROUTES if "<account>" in r.path]
        for route in swift_routes:
            url = sim.url + _fill(route.path)
            headers = {"Destination": "private/copy.txt"} if route.method == "COPY" else {}
            r = a.request(route.method, url, data=b"evil", headers=headers, timeout=10)
            assert r.status_code == 403, (route.method, route.path, r.status_code, r.text)
            assert f"AUTH_{A}" in r.text  # says which account is yours
            check_envelope(r)
            r = requests.request(route.method, url, data=b"evil", headers=headers, timeout=10)
            assert r.status_code == 401, (route.method, route.path, r.status_code)
            assert r.headers["WWW-Authenticate"].startswith("Keystone uri=")
            check_envelope(r)
        assert snapshot(sim) == before
        assert a.get(f"{account(sim, B)}-typo", timeout=10).status_code == 403


def test_a_public_container_is_readable_without_a_token_but_not_writable(sim, api):
    url = f"{account(sim)}/media"
    put(api, url)
    put(api, f"{url}/cat.jpg", b"meow")
    assert requests.get(f"{url}/cat.jpg", timeout=10).status_code == 401
    assert api.post(url, headers={"X-Container-Read": ".r:*"}, timeout=10).status_code == 204
    assert api.head(url, timeout=10).headers["X-Container-Read"] == ".r:*"
    public = requests.get(f"{url}/cat.jpg", timeout=10)
    assert (public.status_code, public.content) == (200, b"meow")
    assert requests.get(url, timeout=10).status_code == 401  # listing needs .rlistings too
    assert requests.put(f"{url}/dog.jpg", data=b"woof", timeout=10).status_code == 401
    assert requests.delete(f"{url}/cat.jpg", timeout=10).status_code == 401
    with login(sim, 1) as other:  # another tenant reads it too, but cannot change it
        assert other.get(f"{url}/cat.jpg", timeout=10).status_code == 200
        assert other.delete(f"{url}/cat.jpg", timeout=10).status_code == 403
    api.post(url, headers={"X-Container-Read": ".r:*,.rlistings"}, timeout=10)
    assert requests.get(url, timeout=10).text == "cat.jpg\n"
    api.post(url, headers={"X-Remove-Container-Read": "x"}, timeout=10)
    assert requests.get(f"{url}/cat.jpg", timeout=10).status_code == 401


def test_read_acl_for_another_tenant(sim, api):
    url = f"{account(sim)}/shared"
    put(api, url, **{"X-Container-Read": f"{B}:*"})
    put(api, f"{url}/report.txt", b"q3")
    with login(sim, 1) as other:
        assert other.get(f"{url}/report.txt", timeout=10).content == b"q3"
        assert other.get(url, timeout=10).text == "report.txt\n"
    assert requests.get(f"{url}/report.txt", timeout=10).status_code == 401


def test_odd_requests_are_refused_in_swift_s_words_and_change_nothing(sim, api):
    put(api, f"{account(sim)}/c")
    before = snapshot(sim)
    rng = random.Random(5)
    cases = [("PUT", f"{account(sim)}/" + "n" * 257, {}), ("PUT", f"{account(sim)}/c/" + "o" * 1025, {}),
             ("PUT", f"{account(sim)}/missing/o", {}), ("GET", f"{account(sim)}/c?format=xml", {}),
             ("GET", f"{account(sim)}/c?limit=-1", {}), ("PATCH", f"{account(sim)}/c", {}),
             ("PUT", account(sim), {}), ("DELETE", account(sim), {}),
             ("GET", f"{account(sim)}/c/none", {}), ("POST", f"{account(sim)}/c/none", {}),
             ("PUT", f"{account(sim)}/c/o", {"X-Copy-From": "c"}),
             ("PUT", f"{account(sim)}/c/o", {"X-Object-Meta-": "v"})]
    for _ in range(20):
        junk = "".join(rng.choice("abc/%?&=.~\u00e9\u6f22") for _ in range(rng.randint(1, 30)))
        cases.append(("GET", f"{account(sim)}/c/{quote(junk)}-missing", {}))
    for method, url, headers in cases:
        r = api.request(method, url, headers=headers, timeout=10)
        assert 400 <= r.status_code < 500, (method, url, r.status_code, r.text)
        check_envelope(r)
    assert snapshot(sim) == before


# --- persistence -------------------------------------------------------------------------------

@pytest.mark.slow
def test_kill_9_during_uploads_loses_no_acknowledged_object(tmp_path):
    state = str(tmp_path / "sim.sqlite")
    a = ACCOUNTS[0]
    acknowledged: dict[str, bytes] = {}
    first = SimProcess.start("--state", state, "--delay", "0")
    try:
        session = login_as(first.url, a["user_name"], a["password"], a["project_name"])
        base = f"{first.url}/object-storage/v1/AUTH_{session.project_id}/keep"
        assert put(session, base).status_code == 201
        stop = threading.Event()

        def upload() -> None:
            for i in range(100_000):
                if stop.is_set():
                    return
                data = f"object {i} ".encode() * 50
                try:
                    r = put(session, f"{base}/o{i}", data)
                except requests.RequestException:
                    return  # the simulator died mid-request: not acknowledged
                if r.status_code == 201:
                    acknowledged[f"o{i}"] = data

        worker = threading.Thread(target=upload, daemon=True)
        worker.start()
        time.sleep(2.0)
        first.kill()
        stop.set()
        worker.join(timeout=30)
        assert not worker.is_alive()
    finally:
        first.kill()
    assert len(acknowledged) > 5, "too few uploads before the kill to prove anything"
    with SimProcess.start("--state", state, "--delay", "0") as second:
        session = login_as(second.url, a["user_name"], a["password"], a["project_name"])
        base = f"{second.url}/object-storage/v1/AUTH_{session.project_id}/keep"
        for name, data in acknowledged.items():
            r = session.get(f"{base}/{name}", timeout=10)
            assert r.status_code == 200 and r.content == data, name


# --- temporary URLs (一時的Web公開) --------------------------------------------------------------

def _temp_url(sim, key: str, method: str, path: str, expires: int, digest=hashlib.sha1) -> str:
    # ConoHa's sample script (doc.conoha.jp/api-vps3/object-temporary_url-v3): HMAC-SHA1, in hex
    import hmac
    sig = hmac.new(key.encode(), f"{method}\n{expires}\n{path}".encode(), digest).hexdigest()
    return f"{sim.url}/object-storage{path}?temp_url_sig={sig}&temp_url_expires={expires}"


def test_temp_url_opens_one_object_until_it_expires(sim, api):
    put(api, f"{account(sim)}/private")
    put(api, f"{account(sim)}/private/report.pdf", b"%PDF-1.7 secret")
    assert api.post(account(sim), headers={"X-Account-Meta-Temp-URL-Key": "tempurl-key"},
                    timeout=10).status_code == 204
    path = f"/v1/AUTH_{A}/private/report.pdf"
    expires = int(sim.state.now()) + 3600
    url = _temp_url(sim, "tempurl-key", "GET", path, expires)
    r = requests.get(url, timeout=10)  # no token
    assert r.status_code == 200 and r.content == b"%PDF-1.7 secret"
    assert requests.head(url, timeout=10).status_code == 200  # HEAD with a GET signature
    assert requests.put(url, data=b"x", timeout=10).status_code == 401  # signed for GET only
    sha256 = _temp_url(sim, "tempurl-key", "GET", path, expires, hashlib.sha256)
    assert requests.get(sha256, timeout=10).status_code == 200
    for bad in (_temp_url(sim, "wrong-key", "GET", path, expires),
                url.replace("/report.pdf?", "/other.pdf?"),  # another object, same signature
                _temp_url(sim, "tempurl-key", "GET", path, int(sim.state.now()) - 10)):
        r = requests.get(bad, timeout=10)
        assert (r.status_code, r.text) == (401, "401 Unauthorized: Temp URL invalid"), r.text
    # the container itself stays private
    assert requests.get(f"{account(sim)}/private", timeout=10).status_code == 401
    # removing the key closes every link made with it
    api.post(account(sim), headers={"X-Remove-Account-Meta-Temp-URL-Key": "x"}, timeout=10)
    assert requests.get(url, timeout=10).status_code == 401
