"""benchmarks/: the load generators count real answers, and `run.py --quick` prints a floor.

No timing is asserted (the machine is shared): only that the figures exist, are made of answers
the server really gave, and come with the floor they are compared against.
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


def test_quick_run_prints_floor_and_ratios():
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for conns in (1, 50):
        assert any(re.match(rf"floor: hello-world WSGI\s+{conns}\s+\d+", x) for x in lines), done.stdout
        row = next(x for x in lines if re.match(rf"GET /_sim\s+{conns}\s", x))
        ratio = float(row.split()[4])  # columns: request (2 words), conns, req/s, of floor
        assert ratio > 0
