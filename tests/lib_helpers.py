"""Helpers for the helper-library tests (tests/test_lib_*.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@contextmanager
def serving(server) -> Iterator[str]:
    """Run ``server`` (an http.server-style server bound to 127.0.0.1) in a thread; yields its URL,
    and stops and closes it afterwards, also when the test fails."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def tiny_server(handler: Callable[[Request], Response]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (free port) answering with ``handler``; yields its URL."""

    @Request.application
    def app(request: Request) -> Response:
        return handler(request)

    with serving(make_server("127.0.0.1", 0, app, threaded=True)) as url:
        yield url


def json_response(body: object, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {},
                    content_type="application/json")


def scripted(*responses: Response) -> tuple[Callable[[Request], Response], list[Request]]:
    """A handler answering with ``responses`` in turn (the last one repeats), and the requests seen."""
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    return handler, seen


def token_requests(sim) -> int:
    """How many tokens the simulator has issued (the server's count; it stores none)."""
    return sim.state.tokens.issued


def inject_fault(sim, status: int, *, count: int | None = None, retry_after: int | None = None,
                 service: str = "*", path: str = "", method: str = "*") -> dict:
    """Make the simulator fail on purpose, through its public control API (POST /_sim/faults)."""
    import requests

    rule = {"status": status, "service": service, "path": path, "method": method}
    if count is not None:
        rule["count"] = count
    if retry_after is not None:
        rule["retry_after"] = retry_after
    r = requests.post(f"{sim.url}/_sim/faults", json=rule, timeout=5)
    assert r.status_code == 201, r.text
    return r.json()["fault"]


def fault_hits(conn) -> int:
    """How many answers in the connection's transcript were injected faults."""
    return sum(1 for e in conn.history
               if any(k.lower() == "x-conoha-learn-fault" for k in e.response_headers))


def use_sim_mode(sim, monkeypatch) -> None:
    """Sim mode pointed at ``sim``, with nothing from the caller's cloud and no cl.connect() yet:
    what %openstack and the debug-log helpers find, as cl.connect() would."""
    import os

    from conoha_learn import connection

    for name in [n for n in os.environ if n.startswith(("OS_", "CLIFF_", "CONOHA_LEARN_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CONOHA_LEARN_MODE", "sim")
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(sim.port))
    monkeypatch.setattr(connection, "_current", None)
