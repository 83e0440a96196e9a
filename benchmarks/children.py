"""A server in a child process: the simulator, or the floor (a hello-world app on the same server).

The floor is the simulator's own server set-up (``Simulator.bind``: Werkzeug's threaded server with
the simulator's request handler) with the simulator's WSGI app swapped for one that answers
"hello world" and nothing else. Whatever the floor costs is the price of Python, Werkzeug's HTTP
parsing and a thread per connection; what a simulator row costs beyond it is the simulator's own work.

Both run in a child process, as ``conoha-learn sim`` does in a classroom, so that a load generator
in this process never shares an interpreter lock with the server.

    python benchmarks/children.py sim|hello     # prints its URL, then serves until killed
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterable

import psutil

from conoha_learn.sim import Simulator

KINDS = ("sim", "hello")
HELLO = b"hello world\n"


def hello_world(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """The floor's WSGI app: the least a WSGI app can do and still answer."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
    return [HELLO]


def _serve(kind: str) -> None:
    # Quotas high enough that set-up (servers for servers/detail) never meets them.
    sim = Simulator(delay=0, quota_servers=10_000, quota_volumes=10_000,
                    quota_gigabytes=10_000_000)
    if kind == "hello":
        sim.app = hello_world  # same server, same handler; only the application differs
    sim.bind()
    print(sim.url, flush=True)
    sim.serve_forever()


class Child:
    """``kind`` ("sim" or "hello") serving on 127.0.0.1 in a child process; ``url`` once it listens."""

    def __init__(self, kind: str = "sim"):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.kind = kind
        self.process = subprocess.Popen([sys.executable, __file__, kind], stdout=subprocess.PIPE,
                                        text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.close()
            raise RuntimeError(f"the {kind} server did not start")

    def rss_mb(self) -> float:
        return psutil.Process(self.process.pid).memory_info().rss / 2 ** 20

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    _serve(sys.argv[1] if len(sys.argv) > 1 else "sim")
