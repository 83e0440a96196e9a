"""The browser edition (build/lite/): seconds from opening a notebook to the first token, cold and warm.

Chromium (the system one, through Playwright) opens 00_start_here.ipynb from build/lite/ served on
127.0.0.1, with no host name resolving (nothing leaves loopback), and runs
``import conoha_learn as cl; conn = cl.connect(); conn.token`` in its Pyodide kernel. "kernel"
is when the page has a kernel object, "first token" when that cell has answered. Cold: a new
browser profile (empty cache); warm: the same profile again (Pyodide and the wheels from the HTTP
cache). Targets on this machine: cold < 10 s, warm < 8 s. `make lite` first.

    .venv/bin/python benchmarks/bench_lite.py          # or: python benchmarks/run.py lite
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers the tests use

LITE = ROOT / "build" / "lite"
FIRST_TOKEN = "import conoha_learn as cl\nconn = cl.connect()\nprint(len(conn.token.id) > 0)"
TARGETS = {"cold": 10.0, "warm": 8.0}


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def rows() -> list[dict]:
    if not (LITE / "jupyter-lite.json").is_file():
        return [{"start": "-", "note": f"{LITE} is not built: run `make lite` first"}]
    from browser_helpers import CHROMIUM_FLAGS, find_chromium
    from lite_helpers import OFFLINE_FLAGS, Tab, serve
    from playwright.sync_api import sync_playwright

    found = []
    with serve(LITE) as site, sync_playwright() as playwright, \
            tempfile.TemporaryDirectory(prefix="conoha-learn-lite-bench-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=find_chromium(), headless=True,
            args=CHROMIUM_FLAGS + OFFLINE_FLAGS)
        try:
            for start in ("cold", "warm"):
                t0 = time.monotonic()
                tab = Tab(None, site, "00_start_here.ipynb", context=context, guard=False)
                kernel = time.monotonic() - t0
                assert tab.run(FIRST_TOKEN).strip() == "True"
                token = time.monotonic() - t0
                found.append({"start": start, "kernel s": f"{kernel:.1f}",
                              "first token s": f"{token:.1f}", "target s": f"< {TARGETS[start]:g}",
                              "met": "yes" if token < TARGETS[start] else "no",
                              "build/lite MB": f"{size_mb(LITE):.0f}",
                              "load avg": f"{os.getloadavg()[0]:.1f}"})
                tab.page.close()
        finally:
            context.close()
    return found


if __name__ == "__main__":
    from run import format_tables
    print(format_tables(rows()))
