"""The simulator's own speed, driven by a load generator faster than it, as a ratio to the floor.

Each run keeps ``connections`` connections busy with one request for a couple of
seconds (``loadgen.measure``: wrk, or several Python processes when wrk is missing) and gives req/s
and p50/p99 latency. The floor is the same server set-up answering a hello-world WSGI app
(``children.py``), measured in the same run at the same concurrency right before each simulator
run. Each row is the median of ``ROUNDS`` such pairs: "of floor" is the median of the pairs' req/s
ratios (1.00 = as fast as an app that does nothing), "spread" their lowest and highest, which shows
how steady the machine was (for the floor row: the lowest and highest floor req/s); "p50 x floor"
the median of the pairs' p50 latency ratios.

The simulator keeps a listing it has built until its store changes (sim/views.py), so a repeated
``servers/detail`` is answered from there; "built anew" sends each request with its own query
string, so every answer is built again: what the first listing after a change costs.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import loadgen
import simapi
from children import Child
from conoha_learn.sim.seed import ACCOUNTS

CONNECTIONS = (1, 50)
SECONDS = 2.0  # per run (wrk takes whole seconds)
ROUNDS = 3     # each row is the median of this many runs, each paired with its own floor run
SERVERS = 10  # in the project servers/detail lists: a busy learner's project


@dataclass
class Case:
    name: str
    path: str
    method: str = "GET"
    body: dict | None = None
    auth: bool = True
    expect: int = 200
    fresh: bool = False  # a new query string per request: never an answer kept from before


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
    Case(f"GET servers/detail ({SERVERS}), built anew", "/compute/v2.1/servers/detail", fresh=True),
    Case("GET flavors/detail (plans)", "/compute/v2.1/flavors/detail"),
]


def _source(conns: int) -> str:
    if loadgen.generator() == "wrk":
        return "wrk"
    return f"python x{loadgen.python_processes(conns)} processes (lower bound)"


def _row(name: str, conns: int, runs: list[loadgen.Result], floors: list[loadgen.Result] | None) -> dict:
    """One table row from ``runs`` (one per round, each paired with the floor run before it):
    medians, and the spread of the rounds."""
    rps = [r.rps for r in runs]
    ratios = [r.rps / f.rps for r, f in zip(runs, floors)] if floors else None
    slower = [r.p50 / f.p50 for r, f in zip(runs, floors)] if floors else None
    return {"request (server only)": name, "conns": conns, "req/s": f"{statistics.median(rps):.0f}",
            "of floor": f"{statistics.median(ratios):.2f}" if ratios else "-",
            "spread": (f"{min(ratios):.2f}-{max(ratios):.2f}" if ratios
                       else f"{min(rps):.0f}-{max(rps):.0f}"),
            "p50 ms": f"{statistics.median([r.p50 for r in runs]):.2f}",
            "p50 x floor": f"{statistics.median(slower):.1f}" if slower else "-",
            "p99 ms": f"{statistics.median([r.p99 for r in runs]):.2f}", "load": _source(conns)}


def rows(quick: bool = False, seconds: float = SECONDS, rounds: int = ROUNDS,
         connections: tuple[int, ...] = CONNECTIONS, cases: list[Case] = CASES) -> list[dict]:
    """``quick``: one 1-second round per row (a smoke run)."""
    if quick:
        seconds, rounds = 1.0, 1
    with Child("hello") as floor_server, Child("sim") as sim:
        owner = simapi.account(sim.url, "bench")
        simapi.servers(owner, sim.url, SERVERS)
        token = {"X-Auth-Token": owner.headers["X-Auth-Token"]}
        # Warm both: each server thread and import paid before any timed run.
        loadgen.measure(floor_server.url, connections=max(connections), seconds=1)
        loadgen.measure(f"{sim.url}/_sim", connections=max(connections), seconds=1)
        out = []
        for conns in connections:
            pairs: dict[str, tuple[list[loadgen.Result], list[loadgen.Result]]] = {
                c.name: ([], []) for c in cases}  # name: (its runs, the floor run before each)
            for _ in range(rounds):
                for case in cases:
                    # The floor right before each row: a ratio of two runs seconds apart, so a
                    # change in the machine's load between rounds cancels out.
                    floor = loadgen.measure(floor_server.url, connections=conns, seconds=seconds)
                    r = loadgen.measure(sim.url + case.path, method=case.method, body=case.body,
                                        headers=token if case.auth else None, connections=conns,
                                        seconds=seconds, expect=case.expect, fresh=case.fresh)
                    pairs[case.name][0].append(r)
                    pairs[case.name][1].append(floor)
            every_floor = [f for _, floors in pairs.values() for f in floors]
            out.append(_row("floor: hello-world WSGI", conns, every_floor, None))
            out += [_row(name, conns, runs, floors) for name, (runs, floors) in pairs.items()]
        return out
