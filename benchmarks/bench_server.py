"""The simulator's own speed, driven by a load generator faster than it, as a ratio to the floor.

Each row keeps ``connections`` keep-alive connections busy with one request for a few seconds
(``loadgen.measure``: wrk, or several Python processes when wrk is missing) and gives req/s and
p50/p99 latency. The floor is the same server set-up answering a hello-world WSGI app
(``children.py``), measured in the same run at the same concurrency, before and after the
simulator rows; the ratios compare each row with the mean of the two. "of floor" is the row's
req/s divided by the floor's (1.00 = as fast as an app that does nothing); "x floor" is its
latency divided by the floor's.
"""

from __future__ import annotations

from dataclasses import dataclass

import loadgen
import simapi
from children import Child
from conoha_learn.sim.seed import ACCOUNTS

CONNECTIONS = (1, 50)
SECONDS = 3.0
SERVERS = 10  # in the project servers/detail lists: a busy learner's project


@dataclass
class Case:
    name: str
    path: str
    method: str = "GET"
    body: dict | None = None
    auth: bool = True
    expect: int = 200


def _token_body() -> dict:
    a = ACCOUNTS[0]
    return {"auth": {"identity": {"methods": ["password"],
                                  "password": {"user": {"id": a["user_id"], "password": a["password"]}}},
                     "scope": {"project": {"id": a["project_id"]}}}}


CASES = [
    Case("GET /_sim", "/_sim", auth=False),
    Case("POST /v3/auth/tokens (token issue)", "/identity/v3/auth/tokens", "POST", _token_body(),
         auth=False, expect=201),
    Case(f"GET servers/detail ({SERVERS} servers)", "/compute/v2.1/servers/detail"),
    Case("GET flavors/detail (plans)", "/compute/v2.1/flavors/detail"),
]


def _source(conns: int) -> str:
    if loadgen.generator() == "wrk":
        return "wrk"
    return f"python x{loadgen.python_processes(conns)} processes (lower bound)"


def _row(name: str, conns: int, r: loadgen.Result, floor: loadgen.Result | None) -> dict:
    return {"request (server only)": name, "conns": conns, "req/s": f"{r.rps:.0f}",
            "of floor": f"{r.rps / floor.rps:.2f}" if floor else "-",
            "p50 ms": f"{r.p50:.2f}", "x floor": f"{r.p50 / floor.p50:.1f}" if floor else "-",
            "p99 ms": f"{r.p99:.2f}", "x floor ": f"{r.p99 / floor.p99:.1f}" if floor else "-",
            "load": _source(conns)}


def _mean(a: loadgen.Result, b: loadgen.Result) -> loadgen.Result:
    return loadgen.Result((a.rps + b.rps) / 2, (a.p50 + b.p50) / 2, (a.p99 + b.p99) / 2,
                          a.requests + b.requests)


def rows(seconds: float = SECONDS, connections: tuple[int, ...] = CONNECTIONS,
         cases: list[Case] = CASES) -> list[dict]:
    with Child("hello") as floor_server, Child("sim") as sim:
        owner = simapi.account(sim.url, "bench")
        simapi.servers(owner, sim.url, SERVERS)
        token = {"X-Auth-Token": owner.headers["X-Auth-Token"]}
        # Warm both: each server thread and import paid before any timed run.
        loadgen.measure(floor_server.url, connections=max(connections), seconds=1)
        loadgen.measure(f"{sim.url}/_sim", connections=max(connections), seconds=1)
        out = []
        for conns in connections:
            before = loadgen.measure(floor_server.url, connections=conns, seconds=seconds)
            measured = [(case, loadgen.measure(sim.url + case.path, method=case.method, body=case.body,
                                               headers=token if case.auth else None, connections=conns,
                                               seconds=seconds, expect=case.expect))
                        for case in cases]
            after = loadgen.measure(floor_server.url, connections=conns, seconds=seconds)
            floor = _mean(before, after)
            out.append(_row("floor: hello-world WSGI, before", conns, before, None))
            out.append(_row("floor: hello-world WSGI, after", conns, after, None))
            out += [_row(case.name, conns, r, floor) for case, r in measured]
        return out
