"""``%openstack`` (the CLI inside the kernel) against ``!openstack`` (a new process per call).

The same command, ``server list -f json``, against a simulator with one server; both log in on
every call, as they do in a notebook. The in-process figure is measured through IPython's own
magic machinery.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time

import conoha_learn as cl
from conoha_learn.sim import Simulator

COMMAND = ["server", "list", "-f", "json"]


def _ms(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        action()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _openstack_binary() -> str | None:
    return shutil.which("openstack", path=os.path.dirname(sys.executable)) or shutil.which("openstack")


def rows(quick: bool = False) -> list[dict]:
    """``quick``: one warm call and one subprocess, to see that it runs."""
    warm_runs, bang_runs = (1, 1) if quick else (10, 3)
    from IPython.core.interactiveshell import InteractiveShell

    with Simulator(delay=0) as sim:
        with cl.connect(sim=sim) as conn:
            server = conn.compute.create_server("bench-vm", "g2l-t-c1m512", "vmi-debian-12.5-amd64",
                                                progress=False)
            conn.compute.wait(server, "ACTIVE", interval=0.05, progress=False)
            shell = InteractiveShell.instance()
            try:
                shell.run_line_magic("load_ext", "conoha_learn")
                magic = lambda: shell.run_line_magic("openstack", " ".join(COMMAND))  # noqa: E731
                first = _ms(magic, 1)[0]  # imports openstackclient: paid once per kernel
                warm = statistics.median(_ms(magic, warm_runs))
            finally:
                InteractiveShell.clear_instance()

        binary = _openstack_binary()
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("OS_")}, **sim.credentials()}
        run = lambda: subprocess.run([binary, *COMMAND], env=env, capture_output=True, check=True)  # noqa: E731
        bang = statistics.median(_ms(run, bang_runs)) if binary else None

    out = [
        {"benchmark": "%openstack server list -f json, first call", "value": f"{first:.0f}",
         "unit": "ms", "target": "< 2500 (imports the CLI)"},
        {"benchmark": "%openstack server list -f json, next calls", "value": f"{warm:.0f}",
         "unit": "ms p50", "target": "< 200"},
    ]
    if bang is not None:
        out += [
            {"benchmark": "!openstack server list -f json (subprocess)", "value": f"{bang:.0f}",
             "unit": "ms p50", "target": "(reference)"},
            {"benchmark": "%openstack speed-up over !openstack", "value": f"{bang / warm:.0f}",
             "unit": "x", "target": "> 5"},
        ]
    return out
