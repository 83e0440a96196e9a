"""``conoha-learn record``, end to end, on a tiny notebook (tests/data/cassette_demo.ipynb)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conoha_learn import audit
from conoha_learn.cli import main

pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytestmark = pytest.mark.slow

DEMO = Path(__file__).parent / "data" / "cassette_demo.ipynb"


@pytest.fixture
def folder(tmp_path):
    """A notebooks/ folder holding the demo notebook, with its outputs cleared."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.read(DEMO, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, notebooks / "01_demo.ipynb")
    return notebooks


def outputs(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells if cell.cell_type == "code"]


def test_record_writes_a_scrubbed_cassette_and_outputs_from_its_replay(folder, capsys):
    assert main(["record", str(folder)]) == 0
    cassette = folder / "cassettes" / "01_demo.yaml"
    assert "01_demo.ipynb: 9 exchanges" in capsys.readouterr().out
    printed = outputs(folder / "01_demo.ipynb")
    assert printed[0] == "200 v3.14\n"
    # Outputs come from the replay: placeholders and the far-future expiry, not the simulator's values.
    assert printed[1] == "201 TENANT_NAME_1 9999-12-31T23:59:59.000000Z\n"
    assert printed[2].startswith("7 ['vmi-almalinux-9-amd64'")
    assert "| IPv4v6-SSH  |" in printed[3]
    assert audit.audit([folder]) == []
    assert not list(folder.glob("cassettes/*.recording.yaml"))

    first = (cassette.read_bytes(), (folder / "01_demo.ipynb").read_bytes())
    assert main(["record", str(folder), "01"]) == 0  # again, by name: byte-identical
    assert (cassette.read_bytes(), (folder / "01_demo.ipynb").read_bytes()) == first


def test_nbval_replays_the_recorded_notebook_without_a_simulator(folder):
    assert main(["record", str(folder / "01_demo.ipynb")]) == 0
    # No conftest.py in that folder: the package's pytest plugin replays, as for the course.
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                           "--nbval-current-env", str(folder / "01_demo.ipynb")],
                          cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def test_a_failing_notebook_keeps_its_old_cassette(folder, capsys):
    assert main(["record", str(folder)]) == 0
    cassette = folder / "cassettes" / "01_demo.yaml"
    before = cassette.read_bytes()
    nb = nbformat.read(folder / "01_demo.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('cell 5 is broken')"))
    nbformat.write(nb, folder / "01_demo.ipynb")
    assert main(["record", str(folder)]) == 1
    assert "FAILED" in capsys.readouterr().err
    assert cassette.read_bytes() == before


def test_record_says_when_no_notebook_matches(folder, capsys):
    assert main(["record", str(folder), "99"]) == 2
    assert "no notebooks" in capsys.readouterr().err
