"""The browser edition (build/lite/, `make lite`) in Chromium, with every request outside 127.0.0.1
blocked: the Pyodide kernel boots from the site alone, and the course runs in it with the simulator
in the page (conoha_learn/inprocess.py).

The site is served from 127.0.0.1 by this test; Chromium's requests anywhere else are aborted
(`context.route` also sees the kernel's web worker). Only the Pyodide CDN's numpy and pandas may
be asked for (and are refused): without them the library's tables fall back to plain ones.
Run `make lite` first; without build/lite/ the test is skipped (a failure in CI).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from browser_helpers import chromium_browser, unavailable, wait_until_cells_done
from lite_helpers import Tab, serve

ROOT = Path(__file__).resolve().parent.parent
LITE = Path(os.environ.get("CONOHA_LEARN_LITE_DIR") or ROOT / "build" / "lite")


@pytest.fixture(scope="module")
def site():
    if not (LITE / "jupyter-lite.json").is_file():
        unavailable(f"{LITE} is not built: run `make lite` first")
    with serve(LITE) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    yield from chromium_browser()


LOGIN = """import requests
creds = conn.credentials
body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": creds.username, "domain": {"name": creds.user_domain_name},
    "password": creds.password}}}, "scope": {"project": {"id": creds.project_id}}}}
my_login = requests.post(creds.auth_url + "/auth/tokens", json=body, timeout=30)
print(my_login.status_code)
cl.check("02.v3-login", (my_login, my_login.headers["X-Subject-Token"]))"""


@pytest.mark.slow
@pytest.mark.parametrize("language, notebook, well_done", [
    ("en", "00_start_here.ipynb", "well done."),
    ("ja", "ja/00_start_here.ipynb", "よくできました。"),
])
def test_the_course_runs_in_a_browser_tab_with_nothing_beyond_loopback(chromium, site, language,
                                                                      notebook, well_done):
    tab = Tab(chromium, site, notebook)
    try:
        shown = tab.run(f'import conoha_learn as cl\ncl.set_language("{language}")\n'
                        "conn = cl.connect()\nprint(conn.mode, conn.simulator is not None, "
                        "conn.credentials.auth_url)")
        assert shown.split() == ["sim", "True", "http://127.0.0.1:8765/identity/v3"]
        assert len(tab.run("print(len(conn.token.id), conn.token.lifetime)").split()[0]) >= 2
        flavors = json.loads(tab.run('import json\nprint(json.dumps(conn.get("compute", "/flavors")))'))
        assert "g2l-t-c2m1" in {f["name"] for f in flavors["flavors"]}
        exchange = tab.run("print(conn.last_exchange)")
        assert exchange.startswith("GET http://127.0.0.1:8765/compute/v2.1/flavors\n")
        assert "X-Auth-Token: $OS_TOKEN" in exchange and "HTTP 200 OK" in exchange
        curl = tab.run("print(conn.last_exchange.as_curl())")
        assert curl.startswith("curl -i") and '"X-Auth-Token: $OS_TOKEN"' in curl
        checked = tab.run(LOGIN)
        assert checked.startswith("201") and well_done in checked
        assert "g2l-t-c2m1" in tab.run("print(conn.compute.flavors())")  # pandas or not
        # 04's key pair without ssh-keygen; 06's first cell stops, in the learner's language
        assert tab.run('public_file = cl.example_public_key("laptop-key.pub")\n'
                       'print(conn.compute.import_keypair("laptop-key", public_file)["name"])'
                       ).strip() == "laptop-key"
        stopped = tab.run('cl.browser_tab_notice("06_python_openstackclient")', status="error")
        assert "make lab" in stopped and "Traceback" not in stopped and 'File "' not in stopped
        assert ("ブラウザー" in stopped) == (language == "ja")
        if language == "en":  # waiting in a page (time.sleep in the kernel), then cleanup
            built = tab.run('server = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", '
                            'image="vmi-ubuntu-24.04-amd64", progress=False)\n'
                            'print(conn.compute.wait(server, "ACTIVE", progress=False)["status"])\n'
                            'print(conn.cleanup(progress=False))\n'
                            'print(len(conn.compute.server_list()))')
            removed = "Removed 1 server(s), 1 volume(s), 1 key pair(s)."  # laptop-key too
            assert built.splitlines()[:2] == ["ACTIVE", removed]
            assert built.splitlines()[-1] == "0"
        tab.assert_only_online_extras_were_asked_for()
    finally:
        tab.close()


def full_pyodide() -> bool:
    """Whether build/lite/ serves every Pyodide package itself (`make lite PYODIDE_DIST=...`)."""
    lock = json.loads((LITE / "static" / "pyodide" / "pyodide-lock.json").read_text())
    return "://" not in lock["packages"]["pandas"]["file_name"]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", [f"{prefix}{name}" for prefix in ("", "ja/") for name in (
    "00_start_here.ipynb", "01_openstack_and_conoha.ipynb", "02_tokens_with_keystone.ipynb",
    "03_the_service_catalog.ipynb", "04_nova_plans_images_keys.ipynb", "05_a_servers_life.ipynb")])
def test_whole_notebooks_run_with_a_full_pyodide(chromium, site, notebook):
    if not full_pyodide():
        pytest.skip("notebooks 00-05 use pandas, which a page loads from the Pyodide CDN or from a "
                    "full Pyodide distribution: build with `make lite PYODIDE_DIST=<dir or "
                    "tarball>` to run them whole offline")
    tab = Tab(chromium, site, notebook)
    try:
        tab.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        panel = tab.page.locator(".jp-NotebookPanel").first
        time.sleep(1)
        wait_until_cells_done(tab.page, panel, 600, notebook)
        errors = panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                               ).all_inner_texts()
        assert not [e for e in errors if "Traceback" in e or "Error" in e], errors
        assert not tab.blocked
    finally:
        tab.close()


def test_jupyterlites_own_interface_can_be_japanese():
    """The language pack is in the build: Settings → Language → 日本語 offers it (no browser needed)."""
    if not (LITE / "jupyter-lite.json").is_file():
        unavailable(f"{LITE} is not built: run `make lite` first")
    languages = json.loads((LITE / "api" / "translations" / "all.json").read_text())["data"]
    assert languages["ja_JP"]["nativeName"].startswith("日本語")
    pack = json.loads((LITE / "api" / "translations" / "ja_JP.json").read_text())["data"]
    assert pack["jupyterlab"]  # JupyterLab's own strings, in Japanese
