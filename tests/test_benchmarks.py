"""benchmarks/: the load generators count real answers, and `run.py --quick` runs every module.

No timing is asserted (the machine is shared): only that the figures exist, are made of answers
the server really gave, and come with the floor they are compared against. The quick run goes
through every bench_*.py module once with short durations, so what would stop `make bench` (a
401 half-way through bench_sim_load, say) fails here first.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import loadgen  # noqa: E402
import suite  # noqa: E402
from children import Child  # noqa: E402

pytestmark = pytest.mark.slow

GENERATORS = ["python"] + (["wrk"] if shutil.which("wrk") else [])


@pytest.fixture(scope="module")
def hello():
    with Child("hello") as child:
        yield child


@pytest.mark.parametrize("generator", GENERATORS)
def test_generator_counts_answers(hello, generator, monkeypatch):
    monkeypatch.setenv("BENCH_LOADGEN", "python" if generator == "python" else "")
    assert loadgen.generator() == generator
    result = loadgen.measure(hello.url, connections=3, seconds=1)
    assert result.requests > 0
    assert 0 < result.p50 <= result.p99


@pytest.mark.parametrize("generator", GENERATORS)
def test_generator_refuses_unexpected_answers(hello, generator, monkeypatch):
    monkeypatch.setenv("BENCH_LOADGEN", "python" if generator == "python" else "")
    with pytest.raises(RuntimeError, match="other than 201|errors"):
        loadgen.measure(hello.url, connections=1, seconds=1, expect=201)  # hello answers 200


def test_floor_is_hello_world_on_the_simulators_server(hello):
    import requests
    answer = requests.get(hello.url + "/compute/v2.1/servers", timeout=10)
    assert answer.status_code == 200 and answer.text == "hello world\n"  # the app, not the sim's routes
    assert answer.headers["Server"].startswith("Werkzeug/")


@pytest.mark.parametrize("attributes, expected", [
    ({"classname": "tests.test_audit"}, "tests/test_audit.py"),
    ({"classname": "tests.test_lib_http.TestRedirects"}, "tests/test_lib_http.py"),
    ({"classname": "notebooks.07_sdks_and_real_tools.ipynb"}, "notebooks/07_sdks_and_real_tools.ipynb"),
    ({"classname": "floor_07.ipynb"}, "floor_07.ipynb"),
    ({"classname": "tests.test_audit", "file": "tests/elsewhere.py"}, "tests/elsewhere.py"),
])
def test_junit_cases_are_grouped_by_their_file(attributes, expected):
    assert suite._file_of(ET.Element("testcase", attributes)) == expected


@pytest.mark.parametrize("generator", GENERATORS)
def test_fresh_requests_are_each_built_anew(generator, monkeypatch):
    from conoha_learn.sim import Simulator
    from sim_session import login
    monkeypatch.setenv("BENCH_LOADGEN", "python" if generator == "python" else "")
    with Simulator(delay=0) as sim, login(sim) as api:
        url = f"{sim.url}/compute/v2.1/servers/detail"
        loadgen.measure(url, headers=dict(api.headers), connections=2, seconds=1)
        assert len(sim.state.views._entries) == 1  # the same request: one kept answer
        result = loadgen.measure(url, headers=dict(api.headers), connections=2, seconds=1, fresh=True)
        assert len(sim.state.views._entries) > min(result.requests, 100)  # one per request


def test_the_best_floor_loads_what_each_lesson_needs_and_no_more():
    notebooks = suite.ROOT / "notebooks"
    assert suite.lesson_libraries(notebooks / "00_start_here.ipynb") == ["requests", "vcr"]
    assert "pandas" in suite.lesson_libraries(notebooks / "03_the_service_catalog.ipynb")  # tables
    assert "pandas" in suite.lesson_libraries(notebooks / "ja" / "08_when_things_go_wrong.ipynb")
    assert suite.lesson_libraries(notebooks / "07_sdks_and_real_tools.ipynb")[-1] == "openstack"
    assert suite.lesson_libraries(notebooks / "ja" / "06_python_openstackclient.ipynb")[-1] == \
        "openstackclient.shell"


def test_every_notebook_has_its_own_floor():
    names = [suite.floor_name(p) for p in ("notebooks/05_a.ipynb", "notebooks/ja/05_a.ipynb")]
    assert len(set(names)) == 2 and all(n.endswith(".ipynb") for n in names)


def test_quick_run_goes_through_every_module_and_prints_floor_and_ratios():
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick"], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for module in sorted(BENCH.glob("bench_*.py")):
        title = module.read_text().split('"""')[1].strip().splitlines()[0]
        assert f"== {title} (--quick" in done.stdout, f"{module.name} did not run:\n{done.stdout}"
    lines = done.stdout.splitlines()
    for conns in (1, 50):
        assert any(re.match(rf"floor: hello-world WSGI\s+{conns}\s+\d+", x) for x in lines), done.stdout
        row = next(x for x in lines if re.match(rf"GET /_sim\s+{conns}\s", x))
        ratio = float(row.split()[4])  # columns: request (2 words), conns, req/s, of floor
        assert ratio > 0
