"""Notebook 05 run in sim mode leaves nothing behind: no server, no volume, no key pair.

On a real account a forgotten server or boot volume is billed, so the notebook must clean up
after itself. It runs here top to bottom as a learner runs it (a kernel in sim mode, no cassette),
against a simulator this test starts; afterwards the simulator's own count must be zero.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from conoha_learn.sim import Simulator

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "05_a_servers_life.ipynb"
LEFT_BEHIND = ("server", "volume", "keypair")


def sim_mode_environment(sim: Simulator) -> dict[str, str]:
    """A learner's kernel in sim mode whose cl.connect() finds this test's simulator."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("OS_", "CONOHA_LEARN_", "JPY_SESSION"))}
    env.update(CONOHA_LEARN_MODE="sim", CONOHA_LEARN_SIM_PORT=str(sim.port))
    return env


def resources(sim: Simulator) -> dict[str, dict[str, int]]:
    answer = requests.get(f"{sim.url}/_sim/resources", timeout=5)
    answer.raise_for_status()
    return answer.json()["resources"]


@pytest.mark.slow
def test_notebook_05_in_sim_mode_leaves_nothing_behind():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with Simulator(delay=0) as sim:
        client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                         resources={"metadata": {"path": str(NOTEBOOK.parent)}})
        client.execute(env=sim_mode_environment(sim))

        used = resources(sim)
        # the notebook really worked against this simulator: it logged in with the default account
        assert any(counts["token"] for counts in used.values()), used
        left = {project: {kind: counts[kind] for kind in LEFT_BEHIND if counts[kind]}
                for project, counts in used.items()}
        assert not any(left.values()), f"notebook 05 left resources behind: {left}"
        # the same through the store, in case the control API ever counts differently
        assert all(sim.state.store.count(kind) == 0 for kind in LEFT_BEHIND)

    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors, errors
    printed = "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                      for output in cell.outputs)
    assert "servers: 0  volumes: 0  key pairs: 0" in printed
