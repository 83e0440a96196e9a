"""The first ten minutes in a real browser: the link `conoha-learn lab` prints opens the lesson.

A learner on a machine without a display (root, a VM, a container) runs `make lab` (then, on
another day, `make lab-ja`, then `make lab` again) in the same home folder, and pastes the link
Jupyter prints into a browser. Each time the start notebook of that edition must be open and in
front, with no tab of the other edition's notebooks (each edition keeps its own workspace), the
file browser in the edition's folder, without the test material (cassettes/), and the names of
the notebooks whole. Debian's Chromium (via Playwright) stands in for the browser; every request
that would leave 127.0.0.1 is refused, and the test fails if there was one.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_helpers import launch, loopback_only, playwright_or_skip
from test_lab import ROOT, opened, run_lab, stop  # noqa: F401 (run_lab is a fixture)

pytestmark = pytest.mark.slow

PAGE_TIMEOUT = 90   # seconds: JupyterLab's first load on a busy 2-core machine
SAVE_GRACE = 3      # seconds for JupyterLab to save its workspace after the notebook opened
OUTPUT = ROOT / "test-output" / "browser"
START = {"en": Path("00_start_here.ipynb"), "ja": Path("ja/00_start_here.ipynb")}


@pytest.fixture(scope="module")
def playwright_api():
    yield from playwright_or_skip()


def first_heading(language: str) -> str:
    """The start notebook's title (its first Markdown line starting with "# ")."""
    notebook = json.loads((ROOT / "notebooks" / START[language]).read_text())
    for cell in notebook["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if cell["cell_type"] == "markdown" and line.startswith("# "):
                return line[2:].strip()
    raise AssertionError(f"{START[language]} has no '# ' title")


def open_link(context, info: dict, language: str, outside: list[str], shot: Path):
    """Paste the printed link into a new tab, wait for the notebook, check what is in front."""
    link = opened(info)
    assert urlsplit(link).path == f"/lab/tree/{START[language].as_posix()}", link
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT * 1000)
    page.goto(link)
    current = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1").first
    current.wait_for()
    assert first_heading(language) in current.inner_text(), (
        f"{language}: the notebook in front is {current.inner_text()!r}")
    page.locator(".jp-DirListing-item").first.wait_for()
    page.wait_for_timeout(SAVE_GRACE * 1000)  # the workspace is saved a moment after a change
    tabs = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab").evaluate_all(
        "els => els.map(e => e.getAttribute('title') || e.textContent)")
    notebooks = [t for t in tabs if ".ipynb" in t]
    assert len(notebooks) == 1 and START[language].as_posix() in notebooks[0], (
        f"{language}: tabs {tabs}")
    names = page.locator(".jp-DirListing-itemText").evaluate_all(
        "els => els.map(e => [e.textContent.trim(), e.scrollWidth <= e.clientWidth + 1])")
    shown = {name for name, _ in names}
    assert "cassettes" not in shown, f"the file browser shows the test material: {shown}"
    assert ("ja" in shown) == (language == "en"), f"{language}: file browser in the wrong folder: {shown}"
    assert "00_start_here.ipynb" in shown
    cut = [name for name, whole in names if not whole]
    assert not cut, f"names cut in the file browser: {cut}"
    page.screenshot(path=str(shot))
    page.close()
    assert not outside, f"requests leaving 127.0.0.1: {outside}"


def test_the_printed_link_opens_each_editions_start_notebook(playwright_api, run_lab, tmp_path):
    outside: list[str] = []
    OUTPUT.mkdir(parents=True, exist_ok=True)
    context = launch(playwright_api, tmp_path / "profile", viewport={"width": 1280, "height": 900})
    context.route("**/*", loopback_only(outside))
    try:
        for n, language in enumerate(("en", "ja", "en")):  # one learner's home, one browser
            info = run_lab(*(["--lang", "ja"] if language == "ja" else []))
            open_link(context, info, language, outside, OUTPUT / f"lab-link-{n}-{language}.png")
            stop(info)
    finally:
        context.close()
    workspaces = tmp_path / ".conoha-learn/jupyterlab/workspaces"
    assert list((workspaces / "en").glob("*")) and list((workspaces / "ja").glob("*"))
