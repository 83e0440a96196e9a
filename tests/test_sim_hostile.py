"""Hostile input: well over a thousand malformed requests across every route of the simulator.

Routes come from `all_routes()`, so a route added later is fuzzed without anyone editing this
file. Two properties, each checked with Hypothesis:

1. **Refused**: a request with at least one certain defect (no or bad token, a method the path
   does not take, a body that is not a JSON object of the right shape, an id that is not this
   project's) is answered 4xx in the service's error envelope — never 5xx — and changes nothing.
2. **Never broken**: a request with a good token and real ids but hostile fields (wrong types,
   huge values, unknown fields, junk headers and query strings) may succeed, but is never
   answered 5xx; when it is refused, it too changes nothing.

"Changes nothing" compares every row of the simulator's store before and after. The control
routes that change state by design (reset, clock, faults) are left out.
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound

from conoha_learn.sim import Simulator
from conoha_learn.sim.compute.server_actions import NOT_SIMULATED_ACTIONS
from conoha_learn.sim.routes import all_routes
from conoha_learn.sim.seed import ACCOUNTS, PUBLIC_NETWORK, VOLUME_TYPES, flavors, images, stable_id

from sim_session import login
from sim_robust import check_envelope, make_resources, snapshot

pytestmark = pytest.mark.slow

BY_DESIGN = {("POST", "/_sim/reset"), ("POST", "/_sim/clock"), ("POST", "/_sim/faults"),
             ("DELETE", "/_sim/faults")}
# Object storage takes any bytes as a body and names things freely (containers, objects): its
# own hostile cases are in tests/test_sim_object_storage.py.
ROUTES = [r for r in all_routes()
          if (r.method, r.path) not in BY_DESIGN and not r.path.startswith("/object-storage")]
# 501 is the honest answer for what is deliberately not simulated: whole services
# (identity.not_simulated), some server actions, volumes made from snapshots or backups,
# volume actions other than image save, and x509 key pairs.
MAY_501 = {"not_simulated", "server_action", "create_volume", "volume_action", "create_keypair"}
PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]
# Every key a handler looks for at the top of a body. A body whose keys are none of these can
# never be accepted, whatever the route.
TOP_KEYS = {"auth", "server", "volume", "keypair", "security_group", "security_group_rule",
            "metadata", "meta", "os-stop", "os-start", "reboot", *NOT_SIMULATED_ACTIONS,
            "user_name", "password", "project_name", "seed"}
# Fields the handlers read inside those objects, to aim hostile values where they are looked at.
FIELD_NAMES = ["name", "description", "flavorRef", "imageRef", "size", "volume_type", "metadata",
               "key_name", "public_key", "adminPass", "user_data", "min_count", "max_count",
               "OS-DCF:diskConfig", "block_device_mapping_v2", "security_groups", "networks",
               "uuid", "boot_index", "source_type", "destination_type", "delete_on_termination",
               "snapshot_id", "source_volid", "backup_id", "security_group_id", "direction",
               "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix",
               "identity", "methods", "password", "token", "user", "scope", "project", "domain",
               "id", "passwordCredentials", "username", "tenantId", "tenantName", "type",
               "force_shutdown", "role"]
EXAMPLES_REFUSED = 12   # per route: 101 routes today
EXAMPLES_HOSTILE = 8    # per route but DELETE ones (those are in the first test only)


@dataclass
class World:
    """One simulator for the module, with a full set of resources in each of two projects."""

    sim: Simulator
    projects: dict[str, dict]  # "own" and "other": what make_resources made in each
    tokens: dict[str, str]     # "own", "other", "revoked"
    sent: list[str] = field(default_factory=list)  # the route of every request sent

    def real(self, route_path: str, name: str, whose: str = "own") -> str:
        """A value of that project's that the placeholder accepts (the route path tells which)."""
        mine = self.projects[whose]
        if name == "id":  # Neutron: the collection before <id> tells the kind
            collection = route_path.rsplit("/", 2)[-2]
            return {"networks": PUBLIC_NETWORK["id"], "subnets": stable_id("subnet:public:v4"),
                    "ports": mine["port_id"], "security-groups": mine["security_group_id"],
                    "security-group-rules": mine["rule_id"]}[collection]
        return {"server_id": mine["server_id"], "volume_id": mine["volume_id"],
                "name": mine["keypair"], "key": mine["metadata_key"],
                "network": "ext-198-18-0-0-15", "flavor_id": flavors()[0]["id"],
                "type_id": VOLUME_TYPES[0][1], "image_id": images()[0]["id"],
                "tenant_id": mine["project_id"], "project_id": mine["project_id"],
                "tag": "course", "rest": "v1/anything"}[name]

    def foreign_values(self, whose: str = "own") -> list[str]:
        """The *other* project's ids and names: to ``whose`` project, they must not exist."""
        f = self.projects["other" if whose == "own" else "own"]
        return [f["server_id"], f["volume_id"], f["boot_volume_id"], f["keypair"], f["port_id"],
                f["security_group_id"], f["rule_id"], f["project_id"]]


@pytest.fixture(scope="module")
def world():
    with Simulator(delay=0, seed=8) as sim, login(sim, 0) as own, login(sim, 1) as other:
        projects = {"own": make_resources(own, sim.url, ACCOUNTS[0]["project_id"], "own"),
                    "other": make_resources(other, sim.url, ACCOUNTS[1]["project_id"], "other")}
        with login(sim, 0) as doomed:
            revoked = doomed.headers["X-Auth-Token"]
            url = f"{sim.auth_url}/auth/tokens"
            assert doomed.delete(url, headers={"X-Subject-Token": revoked}).status_code == 204
        tokens = {"own": own.headers["X-Auth-Token"], "other": other.headers["X-Auth-Token"],
                  "revoked": revoked}
        yield World(sim, projects, tokens)


# --- strategies -------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.sampled_from([0, -1, 1, 2 ** 31, 2 ** 63, 10 ** 20, 30, 100, 200, 65536, -65536]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(st.characters(exclude_categories=()), max_size=10),  # lone surrogates included
    st.sampled_from(["\ud800", "\udfff", "a\udc80b", "", " ", "null", "true", "0", "100", "SOFT",
                     "HARD", "ingress", "IPv4", "tcp", "volume", "g2l-t-c2m1", images()[0]["id"], "default", "c3j1-ds02-boot",
                     "password", "token", "#!/bin/sh\n", "../../etc/passwd", "' OR 1=1 --",
                     "%s%s%n", "\x00", "\ud7ff\ue000", "x" * 300, "x" * 20000, "9" * 30]),
    st.sampled_from([u["user_name"] for u in ACCOUNTS] + [u["user_id"] for u in ACCOUNTS]
                    + [u["password"] for u in ACCOUNTS] + [u["project_id"] for u in ACCOUNTS]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=12)), inner, max_size=5)),
    max_leaves=12)
hostile_fields = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=20)),
                                 json_values, max_size=8)
garbage_ids = st.one_of(
    st.text(min_size=1, max_size=60),
    st.sampled_from(["0", "-1", "null", "None", "undefined", "%00", "\x00", "' OR '1'='1", "*",
                     "x" * 2000, "00000000-0000-0000-0000-000000000000", "detail ", " ", "~",
                     "%2e%2e", "ﾃｽﾄ", "\u202e", "a" * 255]),
).filter(lambda s: "/" not in s and s not in (".", ".."))
# Bodies that no route can accept: not JSON, JSON but not an object, an object without any key
# a handler looks for, or those keys holding a value that is not an object (nor null).
not_json = st.one_of(
    st.binary(min_size=1, max_size=200),
    st.sampled_from([b"{", b"{]", b"{'server': {}}", b"\xff\xfe\x00", b'{"a": tru}', b"NaN]",
                     b"[" * 50_000, b'{"a":' * 30_000, b"1" * 5000, b'"\\ud800"x',
                     b'{"server": {"name": "x"}', b"\xef\xbb\xbf{"]),
).filter(lambda raw: not _parses(raw))
not_an_object = st.one_of(st.lists(json_values, max_size=3), scalars).map(
    lambda value: json.dumps(value).encode())
unknown_keys = st.dictionaries(st.text(max_size=15).filter(lambda k: k not in TOP_KEYS), json_values,
                               max_size=4).map(lambda d: json.dumps(d).encode())
non_objects = st.one_of(st.booleans(), st.integers(), st.floats(), st.lists(scalars, max_size=3))
wrong_shape = st.dictionaries(st.sampled_from(sorted(TOP_KEYS)), non_objects, min_size=1,
                              max_size=3).map(lambda d: json.dumps(d).encode())
bad_bodies = st.one_of(not_json, not_an_object, unknown_keys, wrong_shape, st.just(b""))
any_bodies = st.one_of(st.none(), bad_bodies, json_values.map(lambda v: json.dumps(v).encode()))
junk_query = st.dictionaries(
    st.sampled_from(["limit", "marker", "name", "status", "sort_key", "sort_dir", "fields",
                     "minDisk", "minRam", "is_public", "id", "nocatalog", "all_tenants",
                     "device_id", "project_id", "security_group_id"]) | st.text(min_size=1, max_size=10),
    st.one_of(st.text(max_size=30), st.sampled_from(["-1", "0", "99999999999", "1e3", "", "in:",
                                                     "id", "desc", "^$", "(a+)+$", "x" * 3000])),
    max_size=4)
junk_headers = st.dictionaries(
    st.sampled_from(["Content-Type", "Accept", "X-OpenStack-Nova-API-Version",
                     "OpenStack-API-Version", "X-Subject-Token", "X-Auth-Project-Id",
                     "X-Forwarded-For", "Content-Encoding", "Transfer-Encoding-X"]),
    st.one_of(st.sampled_from(["application/json", "text/plain", "application/xml", "*/*", "gzip",
                               "compute 2.1", "compute latest", "compute 9.99", "2.1", "two",
                               "volume 3.0", "x" * 8000, ""]),
              st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
              .map(str.strip)),
    max_size=3)


def _parses(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return True


# --- building and checking one request --------------------------------------------------------

def label(route) -> str:
    return f"{route.method} {route.path}"


def placeholders(route) -> list[str]:
    return [m.group(2) for m in PLACEHOLDER.finditer(route.path)]


def fill(route, values: dict[str, str]) -> tuple[str, str]:
    """The path with placeholders replaced: (as sent, percent-encoded; as the server reads it)."""
    def sub(encode: bool):
        def one(m):
            value = values[m.group(2)]
            if not encode:
                return value
            return quote(value, safe="/" if m.group(1) == "path" else "").replace(".", "%2E")
        return one
    return PLACEHOLDER.sub(sub(True), route.path), PLACEHOLDER.sub(sub(False), route.path)


def refused_methods(world: World, path: str) -> list[str]:
    """Methods that no route takes on this concrete path (asked of the app's own URL map)."""
    adapter = world.sim.app.url_map.bind("sim", path_info=path.rstrip("/") or "/")
    wrong = []
    for method in METHODS:
        try:
            adapter.match(method=method)
        except (MethodNotAllowed, NotFound):
            wrong.append(method)
    return wrong


# Placeholders where a value that is not this project's is certain to be refused (404, or 400
# for a tenant in the path). A metadata key is not one of them for PUT: that creates the key.
CERTAIN = {"server_id", "volume_id", "id", "name", "flavor_id", "type_id", "image_id",
           "network", "tenant_id", "project_id", "key"}


def certain_placeholders(route) -> list[str]:
    return [p for p in placeholders(route) if p in CERTAIN and not (p == "key" and route.method == "PUT")]


def send(world: World, route, method: str, path: str, token: str | None, body: bytes | None,
         query: dict, headers: dict) -> requests.Response:
    headers = dict(headers)
    if token is not None:
        headers["X-Auth-Token"] = token
    world.sent.append(label(route))
    return requests.request(method, world.sim.url + path, params=query, data=body, headers=headers,
                            timeout=20)


def assert_no_server_error(route, r: requests.Response) -> None:
    allowed = r.status_code == 501 and route.handler.__name__ in MAY_501
    assert r.status_code < 500 or allowed, (r.status_code, r.text[:500])


def settle(world: World) -> None:
    """Apply any status change a successful request queued (delay=0: due at once)."""
    for whose, ids in world.projects.items():
        token, project = world.tokens[whose], ids["project_id"]
        for path in ("/compute/v2.1/servers/detail", f"/block-storage/v3/{project}/volumes/detail"):
            r = requests.get(world.sim.url + path, headers={"X-Auth-Token": token}, timeout=20)
            assert r.status_code == 200, r.text


# --- 1. certain defects: always 4xx, never a change -------------------------------------------

@st.composite
def refused_requests(draw, world: World, route):
    defects = ["method"]
    if route.auth:
        defects.append("token")
    if route.method in ("POST", "PUT") and route.handler.__name__ != "not_simulated":
        defects.append("body")
    certain = certain_placeholders(route)
    if certain:
        defects.append("id")
    chosen = draw(st.sets(st.sampled_from(defects), min_size=1))
    whose = draw(st.sampled_from(["own", "other"]))  # the project of the (good) token, if any

    values = {}
    for name in placeholders(route):
        if name == "rest":
            values[name] = draw(st.text(min_size=1, max_size=40).filter(lambda s: s.strip("/.")))
        else:
            values[name] = draw(st.one_of(st.just(world.real(route.path, name, whose)),
                                          st.sampled_from(world.foreign_values(whose)), garbage_ids))
    if "id" in chosen:
        victim = draw(st.sampled_from(certain))
        values[victim] = draw(st.one_of(st.sampled_from(world.foreign_values(whose)), garbage_ids))
    sent_path, read_path = fill(route, values)

    method = route.method
    if "method" in chosen:
        wrong = refused_methods(world, read_path)
        if wrong:
            method = draw(st.sampled_from(wrong))
        elif len(chosen) == 1:
            chosen.add("token" if route.auth else "body")  # cannot happen with METHODS today
    if "token" in chosen:
        token = draw(st.one_of(st.none(), st.just(""), st.just(world.tokens["revoked"]),
                               st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126),
                                       max_size=300),
                               st.sampled_from(["gAAAAABnope", "x" * 1025, world.tokens["own"] + "x"])))
    else:
        token = world.tokens[whose]
    body = draw(bad_bodies if "body" in chosen else any_bodies)
    return method, sent_path, token, body, draw(junk_query), draw(junk_headers), sorted(chosen)


@pytest.mark.parametrize("route", ROUTES, ids=label)
def test_requests_with_a_certain_defect_are_refused_and_change_nothing(world, route):
    @settings(max_examples=EXAMPLES_REFUSED, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(request=refused_requests(world, route))
    def check(request):
        method, path, token, body, query, headers, defects = request
        before = snapshot(world.sim)
        r = send(world, route, method, path, token, body, query, headers)
        assert_no_server_error(route, r)
        assert 400 <= r.status_code < 500 or r.status_code == 501, (defects, r.status_code, r.text[:300])
        check_envelope(r)
        if r.status_code == 405:
            assert r.headers["Allow"], r.headers
        assert snapshot(world.sim) == before, (defects, method, path)

    check()


# --- 2. hostile fields with a good token: never 5xx, refused means unchanged -------------------

def _root_for(route) -> list[str]:
    """The object a route's handler expects at the top of the body (a guess from its path)."""
    last = [part for part in route.path.split("/") if not part.startswith("<")][-1]
    return {"servers": ["server"], "os-keypairs": ["keypair"], "volumes": ["volume"],
            "security-groups": ["security_group"], "security-group-rules": ["security_group_rule"],
            "tokens": ["auth"], "metadata": ["metadata", "meta"],
            "action": ["os-stop", "os-start", "reboot", *sorted(NOT_SIMULATED_ACTIONS)]}.get(last, [])


@st.composite
def hostile_requests(draw, world: World, route):
    values = {}
    for name in placeholders(route):
        if name == "rest":
            values[name] = draw(st.text(min_size=1, max_size=40).filter(lambda s: s.strip("/.")))
        else:
            values[name] = draw(st.one_of(st.just(world.real(route.path, name)), garbage_ids))
    sent_path, _ = fill(route, values)
    roots = _root_for(route)
    inner = draw(st.one_of(hostile_fields, json_values) if roots else hostile_fields)
    if roots:
        body = {draw(st.sampled_from(roots)): inner}
        if draw(st.booleans()):
            body.update(draw(st.dictionaries(st.text(max_size=10), json_values, max_size=2)))
    else:
        body = inner
    raw = json.dumps(body).encode()
    if route.method in ("GET", "DELETE") and draw(st.booleans()):
        raw = None
    token = world.tokens["own"]
    headers = draw(junk_headers)
    if route.path.endswith("/auth/tokens"):
        headers["X-Subject-Token"] = draw(st.sampled_from([world.tokens["own"], world.tokens["other"],
                                                           world.tokens["revoked"], "nope"]))
    return route.method, sent_path, token, raw, draw(junk_query), headers


def check_answer(world: World, route, r: requests.Response, before) -> None:
    """Never 5xx; a refusal is in the service's envelope and changed nothing."""
    assert_no_server_error(route, r)
    if r.status_code >= 400:
        check_envelope(r)
        assert snapshot(world.sim) == before, (r.request.method, r.url, r.status_code, r.text[:300])
    elif r.request.method in ("POST", "PUT"):
        settle(world)  # accepted: what it changed is the new normal


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method != "DELETE"],
                         ids=label)
def test_hostile_fields_never_break_the_simulator(world, route):
    @settings(max_examples=EXAMPLES_HOSTILE, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(request=hostile_requests(world, route))
    def check(request):
        method, path, token, body, query, headers = request
        before = snapshot(world.sim)
        check_answer(world, route, send(world, route, method, path, token, body, query, headers), before)

    check()


# --- known classics, on every route that reads a body: not left to chance --------------------

def nasty_bodies(route) -> list[bytes]:
    root = (_root_for(route) or ["x"])[0]
    inside = {"name": "\ud800", "description": "a\udfffb", "metadata": {"\udc80": "v"}}
    return [b"[" * 50_000, b'{"a":' * 30_000, b"1" * 5000, b"\x00" * 16, b"\xef\xbb\xbf{}",
            b'{"a": NaN, "b": -Infinity}', b'{"a": 1, "a": 2}', json.dumps({}).encode("utf-16"),
            json.dumps({root: inside}).encode(), json.dumps({root: {"\ud800": 1}}).encode(),
            json.dumps({root: "x" * 1_000_000}).encode()]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method in ("POST", "PUT")], ids=label)
def test_classic_nasty_bodies(world, route):
    path, _ = fill(route, {name: world.real(route.path, name) for name in placeholders(route)})
    for body in nasty_bodies(route):
        before = snapshot(world.sim)
        r = send(world, route, route.method, path, world.tokens["own"], body, {}, {})
        check_answer(world, route, r, before)


# --- outside Hypothesis: sizes and the HTTP layer ---------------------------------------------

# Streamed uploads (an ISO image's file) take bodies past 1 MiB by design, with their own cap.
@pytest.mark.parametrize("route", [r for r in ROUTES if r.method in ("POST", "PUT") and not r.stream],
                         ids=label)
def test_bodies_over_one_mebibyte_are_413(world, route):
    path, _ = fill(route, {name: world.real(route.path, name) for name in placeholders(route)})
    before = snapshot(world.sim)
    body = b'{"x": "' + b"a" * (1 << 20) + b'"}'
    with requests.Session() as session:  # keep-alive: the unread body must not poison the next request
        session.headers["X-Auth-Token"] = world.tokens["own"]
        r = session.request(route.method, world.sim.url + path, data=body, timeout=20)
        assert r.status_code == 413
        check_envelope(r)
        assert session.get(f"{world.sim.url}/compute/v2.1/flavors", timeout=20).status_code == 200
    assert snapshot(world.sim) == before


def test_at_least_a_thousand_malformed_requests_across_every_route(world):
    if set(world.sent) != {label(r) for r in ROUTES}:
        pytest.skip("only counted when the whole module runs")
    assert len(world.sent) >= 1000
    print(f"\n{len(world.sent)} hostile requests across {len(ROUTES)} routes")


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /_sim HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET /_sim HTTP/1.1\r\nX-Long: " + b"b" * 70_000 + b"\r\n\r\n",
    b"GET /_sim HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(40)) + b"\r\n\r\n",  # TLS hello
], ids=["request line", "URL over 64 KiB", "HTTP/9.9", "header over 64 KiB", "150 headers", "TLS"])
def test_broken_http_is_answered_in_json_and_the_server_carries_on(world, raw):
    with socket.create_connection(("127.0.0.1", world.sim.port), timeout=10) as conn:
        conn.sendall(raw)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    body = answer.split(b"\r\n\r\n", 1)[-1]  # (HTTP/0.9 answers have no status line or headers)
    error = json.loads(body)["error"]
    assert 400 <= error["code"] < 600 and error["message"]
    assert requests.get(f"{world.sim.url}/_sim", timeout=10).status_code == 200


# --- no request, repeated, grows the store without bound ----------------------------------------

def test_security_groups_and_rules_have_neutron_s_quotas(api, sim):
    """Servers, volumes and key pairs have quotas (test_sim_compute, test_sim_block_storage);
    security groups and rules need theirs too, or a loop could grow the store forever."""
    net = f"{sim.url}/networking/v2.0"
    groups = [api.post(f"{net}/security-groups", json={"security_group": {"name": f"g{i}"}}, timeout=10)
              for i in range(12)]
    assert [g.status_code for g in groups] == [201] * 6 + [409] * 6  # the 4 presets count
    assert groups[-1].json()["NeutronError"]["type"] == "OverQuota"
    group_id = groups[0].json()["security_group"]["id"]
    rules = []
    for port in range(1, 120):
        rules.append(api.post(f"{net}/security-group-rules", timeout=10, json={"security_group_rule": {
            "security_group_id": group_id, "direction": "ingress", "protocol": "tcp",
            "port_range_min": port, "port_range_max": port}}).status_code)
        if rules[-1] != 201:
            break
    listed = api.get(f"{net}/security-group-rules", timeout=10).json()["security_group_rules"]
    assert rules[-1] == 409 and len(listed) == 100
