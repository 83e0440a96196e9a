"""Driving the browser edition (build/lite/) in Chromium, nothing allowed beyond 127.0.0.1: for
tests/test_lite_browser.py and benchmarks/bench_lite.py."""

from __future__ import annotations

import functools
import http.server
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lib_helpers import serving

CDN = "https://cdn.jsdelivr.net/pyodide/"
ONLINE_ONLY = ("numpy-", "pandas-", "python_dateutil-", "pytz-", "six-", "tzdata-")
# Another way to keep Chromium on loopback, which leaves its HTTP cache on: no host name resolves.
OFFLINE_FLAGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
KERNEL_TIMEOUT = 240  # seconds; the kernel boots in about 10 s on an idle machine (benchmarks/)

# Runs one piece of code in the open notebook's kernel; returns its status and what it showed.
RUN = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const out = [];
  const future = kernel.requestExecute({code, store_history: true});
  future.onIOPub = (msg) => {
    const type = msg.header.msg_type, content = msg.content;
    if (type === 'stream') out.push(content.text);
    else if (type === 'execute_result' || type === 'display_data') out.push(content.data['text/plain']);
    else if (type === 'error') out.push(content.traceback.join('\\n'));  // what the learner sees
  };
  const reply = await future.done;
  return {status: reply.content.status, out: out.join('')};
}"""
KERNEL_READY = """() => {
  const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const session = widget && widget.sessionContext && widget.sessionContext.session;
  return Boolean(session && session.kernel);
}"""


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript",
                      ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A static web server for ``folder`` on a free port of 127.0.0.1; yields its URL."""
    with serving(http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))) as url:
        yield url


class Tab:
    """One notebook open in a browser context (a fresh one unless given), nothing allowed beyond
    127.0.0.1 (`context.route` also sees the kernel's web worker)."""

    def __init__(self, chromium, site: str, path: str, context=None, guard: bool = True):
        self.blocked: list[str] = []
        self.context = context or chromium.new_context()
        if guard:  # (routing switches Chromium's HTTP cache off: see OFFLINE_FLAGS for a warm start)
            self.context.route("**/*", self._guard)
        self.page = self.context.new_page()
        self.page.goto(f"{site}/lab/index.html?path={path}")
        self.page.wait_for_function(KERNEL_READY, timeout=KERNEL_TIMEOUT * 1000)

    def _guard(self, route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def run(self, code: str, status: str = "ok") -> str:
        """What ``code`` showed in the kernel; it must end with ``status`` ("ok" or "error")."""
        result = self.page.evaluate(RUN, code)
        assert result["status"] == status, f"{code!r}: {result['status']}: {result['out']}"
        return result["out"]

    def close(self) -> None:
        self.context.close()

    def assert_only_online_extras_were_asked_for(self) -> None:
        for url in self.blocked:
            assert url.startswith(CDN) and url.rsplit("/", 1)[-1].startswith(ONLINE_ONLY), url
