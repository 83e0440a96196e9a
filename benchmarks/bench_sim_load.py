"""End-to-end under a seminar room's load (Python requests clients + server), and memory.

These figures are the clients and the simulator together: the clients are threads here, each with
its own keep-alive `requests.Session`, and on two cores their Python competes with the server's, so
at 10 and 50 clients they measure the client as much as the server (bench_server.py measures the
server alone). The simulator runs in a child process (as ``conoha-learn sim`` does in a classroom),
so at least the two do not share an interpreter lock. Each (operation, clients) pair runs for a
fixed time; the rows give requests per second, p50 and p99 latency, and the p50 as a multiple of
the client floor: the same clients calling ``GET /_sim``, which does nothing but answer.

Memory is the resident set size (RSS, from /proc via psutil) of a fresh simulator process before
and after it holds 10 projects x 100 servers (each with its boot volume and port).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from children import Child
from simapi import account, boot_volumes, create_server
from simapi import servers as fill_servers

SECONDS = 2.0                 # per (operation, clients) measurement
LEVELS = (1, 10, 50)
CREATES_PER_CLIENT = {1: 250, 10: 40, 50: 10}  # boot volumes made beforehand for server create
QUICK = {"seconds": 0.5, "levels": (1, 10), "listed": 10, "creates": {1: 20, 10: 4}}  # a smoke run

Op = Callable[[int, requests.Session], requests.Response]  # (client number, its session) -> answer


# --- measuring --------------------------------------------------------------------------------

@dataclass
class Result:
    rps: float
    p50: float  # ms
    p99: float  # ms


def _measure(op: Op, sessions: list[requests.Session], expected: int, floor_url: str, *,
             seconds: float = SECONDS, budget: list[int] | None = None) -> Result:
    """Every session calls ``op`` in its own thread for ``seconds`` (or its ``budget`` of calls),
    after a few untimed calls of ``floor_url``."""
    samples: list[list[float]] = [[] for _ in sessions]
    errors: list[str] = []
    start = threading.Barrier(len(sessions) + 1)
    deadline = [0.0]

    def client(i: int) -> None:
        for _ in range(3):  # warm up: the connection and its server thread exist before timing
            sessions[i].get(floor_url, timeout=30)
        start.wait()
        limit = budget[i] if budget else None
        while time.perf_counter() < deadline[0] and (limit is None or len(samples[i]) < limit):
            t0 = time.perf_counter()
            r = op(i, sessions[i])
            samples[i].append((time.perf_counter() - t0) * 1000)
            if r.status_code != expected:
                errors.append(f"{r.status_code} {r.text[:200]}")
                return

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(sessions))]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - t0
    if errors:
        raise RuntimeError(f"{len(errors)} unexpected answers, e.g. {errors[0]}")
    flat = sorted(x for s in samples for x in s)
    p99 = statistics.quantiles(flat, n=100)[98] if len(flat) >= 2 else flat[0]
    return Result(len(flat) / elapsed, statistics.median(flat), p99)


def _rows_for(name: str, clients: int, result: Result, floor: Result | None, target: str) -> list[dict]:
    label = f"end-to-end {name}, {clients} requests client{'s' if clients > 1 else ''}"
    rows = [{"benchmark": label, "value": f"{result.rps:.0f} / {result.p50:.1f} / {result.p99:.1f}",
             "unit": "req/s / p50 ms / p99 ms", "target": "-"}]
    if floor is not None:
        rows.append({"benchmark": f"{label}: p50 vs floor", "value": f"{result.p50 / floor.p50:.1f}",
                     "unit": "x client floor", "target": target})
    return rows


def _load_rows(seconds: float = SECONDS, levels: tuple[int, ...] = LEVELS, listed: int = 100,
               creates: dict[int, int] = CREATES_PER_CLIENT) -> list[dict]:
    child = Child()
    try:
        url = child.url
        # One project with exactly ``listed`` servers, for servers/detail.
        hundred = account(url, "detail")
        fill_servers(hundred, url, listed)
        rows = []
        for clients in levels:
            # Each client its own project (so quotas and listings stay per client) and session.
            sessions = [account(url, f"c{clients}n{i}") for i in range(clients)]
            detail = [requests.Session() for _ in range(clients)]
            for s in detail:
                s.headers.update(hundred.headers)
            volumes = [boot_volumes(s, url, creates[clients]) for s in sessions]

            trivial = f"{url}/_sim"
            floor = _measure(lambda i, s: s.get(trivial, timeout=30), sessions, 200, trivial,
                             seconds=seconds)
            token = _measure(lambda i, s: s.post(f"{url}/identity/v3/auth/tokens", json=s.password_body,
                                                 timeout=30), sessions, 201, trivial, seconds=seconds)
            listing = _measure(lambda i, s: s.get(f"{url}/compute/v2.1/servers/detail", timeout=60),
                               detail, 200, trivial, seconds=seconds)
            create = _measure(lambda i, s: create_server(s, url, volumes[i].pop()), sessions, 202,
                              trivial, seconds=seconds, budget=[len(v) for v in volumes])
            rows += _rows_for("GET /_sim (client floor)", clients, floor, None, "-")
            rows += _rows_for("token issue", clients, token, floor, "< 3")
            rows += _rows_for(f"servers/detail, {listed} servers", clients, listing, floor, "< 15")
            rows += _rows_for("server create", clients, create, floor, "< 5")
            for s in sessions + detail:
                s.close()
        return rows
    finally:
        child.close()


def _memory_rows(projects: int = 10, servers: int = 100) -> list[dict]:
    child = Child()
    try:
        url = child.url
        requests.get(f"{url}/_sim", timeout=30).raise_for_status()
        before = child.rss_mb()
        accounts = [account(url, f"mem{i}") for i in range(projects)]

        threads = [threading.Thread(target=fill_servers, args=(s, url, servers)) for s in accounts]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        r = accounts[0].get(f"{url}/compute/v2.1/servers", timeout=30)
        assert len(r.json()["servers"]) == servers
        after = child.rss_mb()
    finally:
        child.close()
    total = projects * servers
    return [
        {"benchmark": "sim memory, fresh (RSS)", "value": f"{before:.1f}", "unit": "MiB", "target": "< 80"},
        {"benchmark": f"sim memory, {projects} projects x {servers} servers (RSS)", "value": f"{after:.1f}",
         "unit": "MiB", "target": "< 200"},
        {"benchmark": "sim memory growth per server (+ volume, port)",
         "value": f"{(after - before) * 1024 / total:.1f}", "unit": "KiB", "target": "< 50"},
    ]


def rows(quick: bool = False) -> list[dict]:
    """``quick``: short runs, fewer clients and servers, to see that every step still works."""
    if quick:
        return _load_rows(**QUICK) + _memory_rows(projects=2, servers=10)
    return _load_rows() + _memory_rows()


if __name__ == "__main__":
    for row in rows():
        print(row)
