"""The notebooks in JupyterLab, in a real browser: Debian's Chromium, driven by Playwright.

JupyterLab runs on 127.0.0.1 (a free port, token auth) over a temporary copy of the notebooks,
with a simulator beside it as `make lab` and Binder's `binder/start` run one: the kernels find it
through CONOHA_LEARN_SIM_PORT, and the server has its OS_*. This is the learner's path (sim mode);
replay from cassettes is what nbval checks for every notebook already, without a browser.

For each notebook: open it, Run All Cells from the menu, wait for the kernel to be idle, then
check that every cell ran, that outputs appear with no error, that each Mermaid diagram is
drawn as SVG, and that the login form and the progress bars are live widgets (not their text
fallbacks). What a cell must show is read from its source: a ```mermaid fence, `login_form(`,
a `.wait(` or `create_server(` (which wait with a progress bar). Screenshots go to
test-output/browser/, for a person to look at.

Needs `chromium` (Debian: `apt-get install chromium`; .ci/run installs it) and the `playwright`
Python package (its own browser downloads are not needed: it drives the system Chromium). Without
them the tests are skipped, unless CONOHA_LEARN_REQUIRE_BROWSER=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conoha_learn.sim import Simulator

from browser_helpers import free_port, launch, mermaid_fences, playwright_or_skip, wait_until_cells_done

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output" / "browser"
DEMO = ROOT / "tests" / "data" / "browser_demo.ipynb"

# (test id, where it is): the demo always; the course notebooks once they exist.
NOTEBOOKS = [("demo", DEMO), ("00", ROOT / "notebooks" / "00_start_here.ipynb"),
             ("05", ROOT / "notebooks" / "05_*.ipynb")]

LAB_START_TIMEOUT = 90      # seconds for JupyterLab to answer
KERNEL_READY_TIMEOUT = 90   # from opening the notebook to an idle kernel
RUN_TIMEOUT = 600           # Run All Cells, per notebook
SIM_DELAY = 1.0             # seconds per status change: progress bars show, tests stay quick

def find_notebook(pattern: Path) -> Path | None:
    matches = sorted(pattern.parent.glob(pattern.name))
    return matches[0] if matches else None


# --- what a notebook should show, from its source ---------------------------------------------------

LOGIN_FORM = re.compile(r"\blogin_form\(")
WAITS = re.compile(r"\.wait\(|\bcreate_server\(")


def expectations(notebook: dict) -> dict:
    cells = notebook["cells"]
    code = [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code"]
    source = {i: "".join(c["source"]) for i, c in enumerate(cells)}
    recorded = any(c.get("outputs") for _, c in code)
    return {
        "mermaid": mermaid_fences(notebook),
        "login_form": [i for i, _ in code if LOGIN_FORM.search(source[i])],
        "progress": [i for i, _ in code if WAITS.search(source[i]) and "progress=False" not in source[i]],
        # Cells that must show something: those with recorded outputs; all, if none were recorded.
        "outputs": [i for i, c in code if c.get("outputs") or not recorded],
        "raises": [i for i, c in enumerate(cells)
                   if "raises-exception" in c.get("metadata", {}).get("tags", [])],
        "code": [i for i, _ in code],
    }


# --- JupyterLab and its simulator --------------------------------------------------------------------

def api(lab: dict, path: str, method: str = "GET") -> object:
    request = urllib.request.Request(f"{lab['url']}{path}", method=method,
                                     headers={"Authorization": f"token {lab['token']}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def write_settings(folder: Path) -> None:
    """User settings for this run: no news toast over the notebook, every cell in the DOM."""
    settings = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, values in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture(scope="module")
def playwright_api():
    yield from playwright_or_skip()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab over a copy of notebooks/ plus the demo, with a simulator beside it."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    if (ROOT / "notebooks").is_dir():
        shutil.copytree(ROOT / "notebooks", root / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    root.mkdir(exist_ok=True)
    shutil.copy(DEMO, root / DEMO.name)
    write_settings(tmp / "settings")

    sim = Simulator(delay=SIM_DELAY).start()
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OS_", "CONOHA_LEARN_", "JUPYTER", "JPY_", "IPYTHON"))}
    env.update(sim.credentials())  # as `conoha-learn lab` and binder/start do, for terminals
    env.update(CONOHA_LEARN_MODE="sim", CONOHA_LEARN_SIM_PORT=str(sim.port),
               JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               JUPYTER_DATA_DIR=str(tmp / "data"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               IPYTHONDIR=str(tmp / "ipython"))
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--ServerApp.token={token}", "--ServerApp.open_browser=False",
               f"--ServerApp.root_dir={root}"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root; Jupyter refuses that otherwise
    log = open(tmp / "lab.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    info = {"url": f"http://127.0.0.1:{port}", "token": token, "root": root, "sim": sim,
            "log": tmp / "lab.log"}
    try:
        deadline = time.monotonic() + LAB_START_TIMEOUT
        while True:
            try:
                api(info, "/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{info['log'].read_text()[-3000:]}")
                time.sleep(0.3)
        yield info
    finally:
        server.terminate()  # Jupyter Server shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
        sim.stop()


@pytest.fixture
def page(playwright_api, tmp_path):
    """A fresh browser profile per notebook (no workspace or settings carried over)."""
    context = launch(playwright_api, tmp_path / "profile", viewport={"width": 1400, "height": 1000})
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(60_000)
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(f"console: {msg.text}"))
    try:
        yield page
    finally:
        context.close()


# --- the test ----------------------------------------------------------------------------------------

def wait_for_kernel(page, lab: dict, path: str) -> None:
    """The notebook's kernel is started (server side) and the page shows it idle."""
    deadline = time.monotonic() + KERNEL_READY_TIMEOUT
    while not any(s["path"] == path and s["kernel"] and s["kernel"]["execution_state"] == "idle"
                  for s in api(lab, "/api/sessions")):
        if time.monotonic() > deadline:
            pytest.fail(f"no idle kernel for {path} after {KERNEL_READY_TIMEOUT} s")
        time.sleep(0.3)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
        ".some(e => /\\| Idle$/.test(e.textContent.trim()))", timeout=KERNEL_READY_TIMEOUT * 1000)


def run_all_cells(page, panel) -> float:
    t0 = time.monotonic()
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    wait_until_cells_done(page, panel, RUN_TIMEOUT, "Run All Cells")
    return time.monotonic() - t0


def save(page, panel, saved: Path) -> dict:
    """Save from the browser (the toolbar's save button) and read back what the kernel produced."""
    before = saved.stat().st_mtime_ns
    panel.locator(".jp-Toolbar [data-command='docmanager:save']").click()
    deadline = time.monotonic() + 30
    while saved.stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            pytest.fail("the notebook was not saved")
        time.sleep(0.2)
    page.wait_for_selector(".lm-TabBar-tab.jp-mod-dirty", state="detached")
    return json.loads(saved.read_text())


def screenshot_pages(page, panel, stem: Path, limit: int = 40) -> int:
    """The whole notebook, one window-full at a time, top to bottom: stem-page-01.png, ..."""
    scroller = panel.locator(".jp-WindowedPanel-outer")
    height, window = scroller.evaluate("e => [e.scrollHeight, e.clientHeight]")
    step = max(200, window - 100)  # a little overlap between pages
    count = min(limit, 1 + max(0, height - window + step - 1) // step)
    for n in range(count):
        scroller.evaluate("(e, y) => { e.scrollTop = y; }", n * step)
        page.wait_for_timeout(150)
        page.screenshot(path=f"{stem}-page-{n + 1:02d}.png")
    return count


@pytest.mark.parametrize("name, where", NOTEBOOKS, ids=[n for n, _ in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(name, where, lab, page):
    source_path = find_notebook(where)
    if source_path is None:
        pytest.skip(f"{where.relative_to(ROOT)} does not exist yet")
    # Where JupyterLab serves it: the demo at the top of its root, the others under notebooks/.
    path = DEMO.name if source_path == DEMO else source_path.relative_to(ROOT).as_posix()
    expected = expectations(json.loads(source_path.read_text()))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shots = OUTPUT / name
    for old in OUTPUT.glob(f"{name}*.png"):
        old.unlink()

    urllib.request.urlopen(urllib.request.Request(f"{lab['sim'].url}/_sim/reset", method="POST",
                                                  data=b"{}"), timeout=10)
    # A workspace of its own: JupyterLab would otherwise reopen the previous test's notebook.
    page.goto(f"{lab['url']}/lab/workspaces/test-{name}/tree/{path}?token={lab['token']}")
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.locator(".jp-Notebook-cell").first.wait_for()
    wait_for_kernel(page, lab, path)
    took = run_all_cells(page, panel)
    pages = screenshot_pages(page, panel, shots)

    dom_cells = panel.locator(".jp-Notebook-cell")

    def cell(index: int):
        return dom_cells.nth(index)

    # Every code cell ran (Run All stops at the first error, leaving the rest unrun), and none of
    # the outputs is an error: from the notebook as the browser saves it.
    executed = save(page, panel, lab["root"] / path)
    (OUTPUT / f"{name}.ipynb").write_text(json.dumps(executed, indent=1))  # for a person to read
    unrun = [i for i in expected["code"] if executed["cells"][i].get("execution_count") is None]
    errors = [f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
              for i, c in enumerate(executed["cells"]) if i not in expected["raises"]
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"error outputs: {errors}; see {shots}-page-*.png"
    assert not unrun, f"cells not run: {unrun}; see {shots}-page-*.png"

    # Outputs appear on the page where they should.
    silent = [i for i in expected["outputs"] if cell(i).locator(".jp-OutputArea-output").count() == 0]
    assert not silent, f"cells without output: {silent}; see {shots}-page-*.png"
    assert panel.get_by_text("Error displaying widget").count() == 0

    # Mermaid: drawn as an SVG image (JupyterLab 4.6 puts it in an <img> with an SVG data URL).
    diagrams = panel.locator(".jp-RenderedMermaid")
    assert diagrams.count() == expected["mermaid"], (
        f"{expected['mermaid']} mermaid fences, {diagrams.count()} rendered diagrams")
    for n in range(diagrams.count()):
        diagram = diagrams.nth(n)
        drawn = diagram.evaluate("""d => {
            const svg = d.querySelector('svg');
            if (svg) return svg.getBoundingClientRect().width;
            const img = d.querySelector('img[src^="data:image/svg+xml"]');
            return img && img.complete ? img.naturalWidth : 0; }""")
        assert drawn > 0 and not diagram.evaluate("d => d.classList.contains('jp-mod-warning')"), (
            f"mermaid diagram {n} did not render: {diagram.inner_text()[:300]!r}")
        diagram.screenshot(path=f"{shots}-mermaid-{n}.png")

    # The login form: a live widget with a password field and a Connect button.
    for i in expected["login_form"]:
        output = cell(i).locator(".jp-OutputArea-output .jupyter-widgets").first
        assert output.count(), f"cell {i}: login form not rendered as a widget"
        assert cell(i).locator(".jupyter-widgets input[type=password]").count() == 1
        assert cell(i).locator(".jupyter-widgets button", has_text="Connect").count() == 1
        cell(i).locator(".jp-Cell-outputArea").screenshot(path=f"{shots}-login-form-{i}.png")

    # Progress while waiting: tqdm's widget (an ipywidgets progress bar), filled when done.
    for i in expected["progress"]:
        bars = cell(i).locator(".jp-OutputArea-output .widget-hprogress .progress-bar")
        assert bars.count() >= 1, f"cell {i}: no progress bar widget"
        widths = [bars.nth(b).evaluate("e => e.style.width") for b in range(bars.count())]
        assert widths[-1] == "100%", f"cell {i}: last progress bar at {widths[-1]}"
        cell(i).locator(".jp-Cell-outputArea").screenshot(path=f"{shots}-progress-{i}.png")

    print(f"{path}: ran in {took:.1f} s, {pages} screenshots; mermaid {expected['mermaid']}, forms "
          f"{expected['login_form']}, progress {expected['progress']}; "
          f"browser console: {page.problems[:5] or 'quiet'}")
