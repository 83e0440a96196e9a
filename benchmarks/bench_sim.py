"""End-to-end (Python requests client + server): simulator start-up, and one client's latency.

What a learner's notebook sees: each figure includes the requests library's own time per call,
which is several times the server's (compare bench_server.py's 1-connection rows).
"""

from __future__ import annotations

import statistics
import time

import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS


def _startup_ms(runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sim = Simulator(delay=0).start()
        requests.get(f"{sim.url}/_sim", timeout=5).raise_for_status()
        times.append((time.perf_counter() - t0) * 1000)
        sim.stop()
    return statistics.median(times)


def _latency_ms(session: requests.Session, method: str, url: str, n: int = 200, **kw) -> float:
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        session.request(method, url, timeout=5, **kw)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def rows(quick: bool = False) -> list[dict]:
    """``quick``: a few calls of each, to see that it runs."""
    n, starts = (10, 1) if quick else (200, 5)
    a = ACCOUNTS[0]
    body = {"auth": {"identity": {"methods": ["password"],
                                  "password": {"user": {"id": a["user_id"], "password": a["password"]}}},
                     "scope": {"project": {"id": a["project_id"]}}}}
    with Simulator(delay=0) as sim, requests.Session() as s:
        floor = _latency_ms(s, "GET", f"{sim.url}/_sim", n)
        token = _latency_ms(s, "POST", f"{sim.auth_url}/auth/tokens", n, json=body)
    return [
        {"benchmark": "sim start-up (to first answer)", "value": f"{_startup_ms(starts):.1f}", "unit": "ms", "target": "< 500"},
        {"benchmark": "end-to-end GET /_sim, 1 requests client", "value": f"{floor:.2f}", "unit": "ms p50", "target": "< 5"},
        {"benchmark": "end-to-end token issue, 1 requests client", "value": f"{token:.2f}", "unit": "ms p50", "target": "< 3x the GET /_sim above"},
    ]
