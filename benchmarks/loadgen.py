"""Load generators that are faster than the server they drive: wrk, or several Python processes.

``measure()`` keeps ``connections`` connections busy with one request for ``seconds`` and returns
requests per second and the p50/p99 latency. Each connection sends its next request as soon as the
previous answer arrives (a closed loop, as wrk does), so the figures are the server's: wrk is C and
needs a fraction of a core for the rates a Python server reaches. The clients keep connections
alive, but Werkzeug's server closes each one after its answer (``Connection: close``), so every
request pays a new TCP connection and a new server thread: the floor's cost is mostly that.

When a run ends, the server is still busy for a moment: the requests the clients sent just before
they stopped (one per connection) are answered after the run. ``measure()`` pauses
(``SETTLE_SECONDS_PER_CONNECTION``) so that this left-over work is not the first thing the next run
waits for: without the pause, a slow row's left-overs showed up as the next row's 99th percentile.

Without wrk (or with BENCH_LOADGEN=python) the load comes from several Python client processes,
each with threads on raw ``http.client`` connections. On a small machine those clients compete
with the server for the cores, so their req/s is a lower bound on the server's; ``generator()``
says which one ran, and the table prints it.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Result:
    rps: float
    p50: float  # ms
    p99: float  # ms
    requests: int


def generator() -> str:
    """"wrk" when wrk is on PATH (and not overridden by BENCH_LOADGEN=python), else "python"."""
    if os.environ.get("BENCH_LOADGEN") == "python" or shutil.which("wrk") is None:
        return "python"
    return "wrk"


def python_processes(connections: int) -> int:
    """How many client processes the Python fallback uses for this many connections."""
    return max(1, min(connections, 2 * (os.cpu_count() or 1)))


SETTLE_SECONDS_PER_CONNECTION = 0.01  # a left-over request costs the server a few milliseconds


def measure(url: str, *, method: str = "GET", body: dict | None = None, headers: dict | None = None,
            connections: int = 1, seconds: float = 3.0, expect: int = 200, fresh: bool = False) -> Result:
    """``connections`` connections sending ``method url`` for ``seconds`` (whole seconds with wrk,
    at least one); any answer other than ``expect`` (or a socket error) raises RuntimeError.
    ``fresh``: each request adds its own ``?fresh=N`` to the URL, so no answer is one the server
    kept from an earlier identical request (sim/views.py)."""
    payload = json.dumps(body) if body is not None else ""
    all_headers = {**({"Content-Type": "application/json"} if body is not None else {}), **(headers or {})}
    if generator() == "wrk":
        result = _wrk(url, method, payload, all_headers, connections, seconds, expect, fresh)
    else:
        result = _python(url, method, payload, all_headers, connections, seconds, expect, fresh)
    time.sleep(SETTLE_SECONDS_PER_CONNECTION * connections)
    return result


# --- wrk ------------------------------------------------------------------------------------------

# wrk's Lua hooks: set the request, count answers other than the expected status, and print the
# summary as one JSON line (latency in microseconds) so nothing has to parse wrk's human output.
_LUA = """
wrk.method = {method}
wrk.body = {body}
{headers}
unexpected = 0  -- a global: done() reads it from each thread
{fresh}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if status ~= {expect} then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("unexpected") or 0) end
  local e = summary.errors
  io.write(string.format('BENCH {{"requests": %d, "us": %d, "socket_errors": %d, "unexpected": %d, ' ..
    '"p50": %f, "p99": %f}}\\n', summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, bad, latency:percentile(50), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"  # a long bracket: no escaping needed for JSON or tokens


# With ``fresh``: every request its own query string.
_LUA_FRESH = """
local sent = 0
function request()
  sent = sent + 1
  return wrk.format(nil, wrk.path .. "?fresh=" .. sent)
end
"""


def _wrk(url: str, method: str, payload: str, headers: dict, connections: int, seconds: float,
         expect: int, fresh: bool) -> Result:
    script = _LUA.format(method=_lua_string(method), body=_lua_string(payload) if payload else "nil",
                         expect=expect, fresh=_LUA_FRESH if fresh else "",
                         headers="\n".join(f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}"
                                           for k, v in headers.items()))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "bench.lua")
        path.write_text(script)
        # One wrk thread: it is far faster than the server, and leaves the other core to it.
        # wrk takes whole seconds only.
        done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                               "-s", str(path), url], capture_output=True, text=True,
                              timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout[-500:]}")
    s = json.loads(line.removeprefix("BENCH "))
    # wrk's `response` hook runs per thread; with -t1 the count is the thread's own.
    if s["socket_errors"] or s["unexpected"]:
        raise RuntimeError(f"{method} {url}: {s['socket_errors']} socket errors, "
                           f"{s['unexpected']} answers other than {expect}")
    return Result(s["requests"] / (s["us"] / 1e6), s["p50"] / 1000, s["p99"] / 1000, s["requests"])


# --- several Python processes -------------------------------------------------------------------

def _client_process(url: str, method: str, payload: str, headers: dict, threads: int, start_at: float,
                    stop_at: float, expect: int, fresh: bool) -> tuple[list[float], list[str]]:
    """One client process: ``threads`` connections looping from start_at to stop_at."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def loop() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine = []
        try:
            conn.connect()  # connected (and the server's thread for it started) before timing
            while time.time() < start_at:
                time.sleep(0.001)
            while time.time() < stop_at:
                t0 = time.perf_counter()
                sent = f"{target}?fresh={len(mine)}" if fresh else target
                conn.request(method, sent, body=payload or None, headers=headers)
                answer = conn.getresponse()
                answer.read()
                mine.append((time.perf_counter() - t0) * 1000)
                if answer.status != expect:
                    with lock:
                        errors.append(f"{answer.status}")
                    return
        except OSError as e:
            with lock:
                errors.append(repr(e))
        finally:
            conn.close()
            with lock:
                samples.extend(mine)

    workers = [threading.Thread(target=loop, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=stop_at - time.time() + 30)
    return samples, errors


def _python(url: str, method: str, payload: str, headers: dict, connections: int, seconds: float,
            expect: int, fresh: bool) -> Result:
    n = python_processes(connections)
    per = [connections // n + (1 if i < connections % n else 0) for i in range(n)]
    start_at = time.time() + 1.0 + 0.05 * n  # every process connected before the clock starts
    stop_at = start_at + seconds
    with ProcessPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(_client_process, url, method, payload, headers, k, start_at, stop_at, expect,
                               fresh)
                   for k in per]
        outcomes = [f.result(timeout=seconds + 90) for f in futures]
    samples = sorted(x for s, _ in outcomes for x in s)
    errors = [e for _, es in outcomes for e in es]
    if errors or not samples:
        raise RuntimeError(f"{method} {url}: {len(errors)} errors, e.g. {errors[:1]}")
    p99 = statistics.quantiles(samples, n=100)[98] if len(samples) >= 2 else samples[0]
    return Result(len(samples) / seconds, statistics.median(samples), p99, len(samples))
