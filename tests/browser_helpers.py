"""Launching Debian's Chromium through Playwright for the browser tests, or skipping without it.

Playwright's own browser downloads are not used (they cannot be fetched here): it drives the
system Chromium. Without Chromium or the playwright package the tests are skipped, unless
CONOHA_LEARN_REQUIRE_BROWSER=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ports import free_port

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

MERMAID_FENCE = re.compile(r"^```mermaid\s*$", re.MULTILINE)

REQUIRED = os.environ.get("CONOHA_LEARN_REQUIRE_BROWSER") == "1"


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (CONOHA_LEARN_REQUIRE_BROWSER=1: the browser tests must run here)")
    pytest.skip(reason)


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CONOHA_LEARN_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None



def playwright_or_skip() -> Iterator:
    """Playwright's sync API, started (for a fixture to yield), or a skip/failure saying what is missing."""
    if find_chromium() is None:
        unavailable("Chromium not found: install it (Debian/Ubuntu: `sudo apt-get install chromium`), "
                    "or set CONOHA_LEARN_CHROMIUM to a Chromium or Chrome executable")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is missing: `.venv/bin/pip install playwright` "
                    "(no `playwright install` needed: the tests use the system Chromium)")
    with sync_playwright() as p:
        yield p


def launch(playwright, profile: Path, **options):
    """A fresh persistent browser context of the system Chromium (a profile of its own)."""
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS, **options)


def chromium_browser() -> Iterator:
    """The system Chromium, for several short-lived contexts (`browser.new_context()`): for a
    fixture to ``yield from``; closed afterwards."""
    for playwright in playwright_or_skip():
        browser = playwright.chromium.launch(executable_path=find_chromium(), headless=True,
                                             args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def mermaid_fences(notebook: dict) -> int:
    """How many Mermaid diagrams a notebook's Markdown cells hold (each should be drawn as SVG)."""
    return sum(len(MERMAID_FENCE.findall("".join(c["source"])))
               for c in notebook["cells"] if c["cell_type"] == "markdown")


def wait_until_cells_done(page, panel, timeout: float, what: str) -> float:
    """Wait until no cell of ``panel`` is queued or running ([*]) and its kernel is idle, twice
    in a row (a cell can start just after another ends); fail on a dialog or after ``timeout``
    seconds. Returns the seconds waited."""
    t0 = time.monotonic()
    quiet = 0
    while quiet < 2:
        if time.monotonic() - t0 > timeout:
            pytest.fail(f"{what} still running after {timeout} s")
        if page.locator(".jp-Dialog").count():
            pytest.fail(f"a dialog appeared: {page.inner_text('.jp-Dialog')!r}")
        prompts = panel.locator(".jp-CodeCell .jp-InputPrompt").evaluate_all(
            "els => els.map(e => e.textContent.trim())")
        status = panel.locator(".jp-Notebook-ExecutionIndicator").get_attribute("data-status")
        quiet = quiet + 1 if status == "idle" and "[*]:" not in prompts else 0
        time.sleep(0.5)
    return time.monotonic() - t0


def loopback_only(outside: list[str]):
    """A Playwright route handler: a request to 127.0.0.1 goes on; any other is refused and its URL
    added to ``outside`` (for the test to assert it stayed empty)."""
    def route(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()
    return route
