"""The course notebooks: committed executed, and runnable top to bottom against the simulator.

Two checks live here:

* every committed notebook is executed: each code cell has an execution count, in order, and its
  outputs are stored; errors appear only in cells tagged ``raises-exception``;
* every notebook runs top to bottom in sim mode against a fresh simulator (slow), and every cell
  that shows something there has stored outputs too.

The third check, that the stored outputs are exactly what a replay shows, is nbval's, run by
``make test`` as a separate pytest run over notebooks/ (the package's pytest plugin,
conoha_learn/cassette/nbval_plugin.py, replays the cassettes), so that this folder's conftest.py
never applies to it.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest
import requests

from conoha_learn.sim import Simulator

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
# The Japanese twins are checked as committed too; they send the same requests as their originals
# (tests/test_twins.py), so the slow sim-mode run below covers the originals only.
TWINS = sorted((FOLDER / "ja").glob("*.ipynb"))
ERRORS_ALLOWED = {"raises-exception", "nbval-raises-exception"}
IGNORED_TAGS = {"nbval-skip"}


def ids(path: Path) -> str:
    return path.stem


def code_cells(notebook) -> list[tuple[int, nbformat.NotebookNode]]:
    """(index, cell) of every code cell with some code in it."""
    return [(i, c) for i, c in enumerate(notebook.cells)
            if c.cell_type == "code" and c.source.strip()]


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def must_show_something(source: str) -> bool:
    """Whether a cell certainly displays something: a top-level print(), a cl.check(), or a last
    line that is a plain value (a name, an attribute, a tuple...) rather than a call that may
    return None. Cells that only may show something are checked by the sim-mode run below."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return False
    if not tree.body:
        return False
    for statement in tree.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            name = ast.unparse(statement.value.func)
            if name in ("print", "cl.check", "display"):
                return True
    last = tree.body[-1]
    quiet = source.rstrip().endswith(";")
    return (isinstance(last, ast.Expr) and not isinstance(last.value, (ast.Call, ast.Await))
            and not quiet)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4, NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS + TWINS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_committed_notebook_is_executed(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    problems = []
    counts = []
    for i, cell in code_cells(notebook):
        where = f"cell {i} ({cell.source.splitlines()[0][:50]!r})"
        if tags(cell) & IGNORED_TAGS:
            continue
        if not isinstance(cell.get("execution_count"), int):
            problems.append(f"{where}: not executed (no execution count)")
            continue
        counts.append(cell.execution_count)
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors and not tags(cell) & ERRORS_ALLOWED:
            problems.append(f"{where}: stored error {errors[0].ename}: {errors[0].evalue[:100]}")
        if not cell.outputs and must_show_something(cell.source):
            problems.append(f"{where}: shows something when run, but no outputs are stored")
    if counts != sorted(counts) or len(set(counts)) != len(counts):
        problems.append(f"execution counts are not one run from top to bottom: {counts}")
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and not cell.source.strip() and cell.get("outputs"):
            problems.append(f"cell {i}: empty, but has outputs")
    assert not problems, (f"{path.name} is not committed executed; re-record it with "
                          f"`conoha-learn record {path.parent.relative_to(FOLDER.parent)}/ {path.name[:2]}`:\n  " + "\n  ".join(problems))


# --- top to bottom in sim mode ------------------------------------------------------------------

LEFT_BEHIND = ("server", "volume", "keypair", "container", "object")


@pytest.fixture
def simulator():
    with Simulator(delay=0) as sim:  # a fresh simulator on a free port
        yield sim


def sim_kernel_environment(sim: Simulator, home: Path) -> dict[str, str]:
    """The kernel's environment: sim mode, this simulator's port, nothing from the caller's cloud,
    and a private HOME and IPYTHONDIR (a notebook may write clouds.yaml)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("OS_") and k not in ("CONOHA_LEARN_CASSETTE", "JPY_SESSION_NAME")}
    home.mkdir(parents=True, exist_ok=True)
    env.update({"CONOHA_LEARN_MODE": "sim",
                "CONOHA_LEARN_SIM_PORT": sim.url.rsplit(":", 1)[1],
                "HOME": str(home), "IPYTHONDIR": str(home / ".ipython")})
    return env


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notebook_runs_top_to_bottom_in_sim_mode(path, simulator, tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    committed = nbformat.read(path, as_version=4)
    fresh = nbformat.read(path, as_version=4)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    work = tmp_path / "notebooks"  # files a notebook writes (clouds.yaml...) land here, not in git
    work.mkdir()
    client = NotebookClient(fresh, timeout=300, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(work)}})
    try:
        client.execute(env=sim_kernel_environment(simulator, tmp_path / "home"))
    except CellExecutionError as error:
        pytest.fail(f"{path.name} failed in sim mode:\n{error}")

    assert simulator.state.tokens.issued, (
        f"{path.name} never logged in to the test's simulator (CONOHA_LEARN_SIM_PORT ignored?)")
    # On a real account a forgotten server or boot volume is billed: every notebook cleans up.
    counts = requests.get(f"{simulator.url}/_sim/resources", timeout=10).json()["resources"]
    left = {(project, kind): n for project, kinds in counts.items()
            for kind, n in kinds.items() if kind in LEFT_BEHIND and n}
    assert not left, f"{path.name} left resources behind in sim mode: {left}"
    missing = [f"cell {i} ({cell.source.splitlines()[0][:50]!r})"
               for i, cell in code_cells(fresh)
               if cell.outputs and not committed.cells[i].get("outputs")
               and not tags(cell) & IGNORED_TAGS]
    assert not missing, (f"{path.name}: these cells show something when run, but their stored "
                         f"outputs are empty: {', '.join(missing)}")
