"""`make test`, broken down: where its minutes go, and nbval's time per notebook against a floor.

Three runs, each once, timed from the outside (wall clock) and from the inside (pytest's JUnit XML,
whose per-test time is set-up + call + tear-down). Each runs in one process, where `make test`
spreads the same tests over several (TEST_WORKERS in the Makefile): a test's time here is its own,
not its share of a busy machine.

1. ``pytest`` over tests/ (as `make test` runs it), grouped by file and by family (sim_*, lib_*,
   cassette*, exercises*, browser, Binder, ...). ``--tests-junit FILE`` reuses the XML of an earlier
   ``pytest --junitxml=FILE`` run instead: the slowest part need not run twice.
2. nbval over notebooks/ as `make test` runs it: the seconds of each notebook's cells
   (the first cell's include starting the notebook's kernel).
3. The floor: for each notebook, a throwaway notebook with the same number of empty code cells,
   run through nbval the same way (same options, current environment's kernel) from a temporary
   folder. It costs a kernel start and N round trips to it, nothing else; "x floor" is the
   notebook's seconds over its floor's, "over floor" what the notebook adds (its cells' work and
   the cassette replay; replay should add little, since it never needs to wait for a server).
4. The floor with the lessons' libraries: the same empty cells, but the first imports the
   third-party libraries the notebook's lessons cannot do without (`lesson_libraries`: requests
   and vcrpy everywhere; pandas where a table shows; the openstack CLI or SDK where used). No
   course could cost less, so "best x floor" (this floor's seconds over the plain floor's) is the
   lowest "x floor" the notebook could reach, whatever our code did.

Every run has a timeout; no server is started here beyond what the tests start themselves.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import nbformat

from conoha_learn.cassette.vcr_glue import UNUSED_CLIENTS

ROOT = Path(__file__).resolve().parent.parent
NBVAL = ["--nbval", "--nbval-current-env", "-p", "no:python"]  # as the Makefile's test target, less -n
TIMEOUT = 3600  # s, per pytest run: bounded even if something hangs
FAMILIES = [  # (prefix of a tests/ file name, family); first match wins
    ("test_sim_", "simulator (test_sim_*)"), ("test_lib_", "library (test_lib_*)"),
    ("test_cassette", "cassettes (test_cassette*)"), ("test_exercises", "exercises (test_exercises*)"),
    ("test_browser", "browser (test_browser.py)"), ("test_binder", "Binder (test_binder.py)"),
    ("test_notebooks", "notebooks in sim mode (test_notebooks.py)"),
    ("test_real_clients", "real clients (test_real_clients.py)"),
]


def _pytest(args: list[str], junit: Path, cwd: Path) -> float:
    """Run pytest with ``args``, writing ``junit``; its wall-clock seconds. Failures are reported,
    not raised: a failing test still took its time."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           f"--junitxml={junit}", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT)
    wall = time.perf_counter() - t0
    if done.returncode not in (0, 1):  # 1: some tests failed; anything else: pytest itself failed
        tail = (done.stdout + done.stderr)[-1500:]
        raise RuntimeError(f"pytest {' '.join(args)} exited {done.returncode}:\n{tail}")
    if done.returncode == 1:
        print(f"(note: some tests failed in `pytest {' '.join(args)}`; their time is still counted)",
              file=sys.stderr)
    return wall


def _file_of(case: ET.Element) -> str:
    """The file a JUnit <testcase> came from: its ``file`` attribute, or worked out from its
    classname ("tests.test_sim_load.TestX" -> tests/test_sim_load.py, "notebooks.07_x.ipynb")."""
    if case.get("file"):
        return case.get("file")
    classname = case.get("classname", "")
    if classname.endswith(".ipynb"):
        head, _, stem = classname.removesuffix(".ipynb").rpartition(".")
        return f"{head.replace('.', '/')}/{stem}.ipynb" if head else f"{stem}.ipynb"
    parts = classname.split(".")
    cut = next((i for i, p in enumerate(parts) if p.startswith("test_")), len(parts) - 1)
    return "/".join(parts[:cut + 1]) + ".py"


def per_file(junit: Path) -> dict[str, dict]:
    """{file: {"tests", "skipped", "failed", "seconds"}} from a JUnit XML file."""
    out: dict[str, dict] = collections.defaultdict(lambda: {"tests": 0, "skipped": 0, "failed": 0,
                                                            "seconds": 0.0})
    for case in ET.parse(junit).getroot().iter("testcase"):
        entry = out[_file_of(case)]
        entry["tests"] += 1
        entry["seconds"] += float(case.get("time", 0))
        entry["skipped"] += case.find("skipped") is not None
        entry["failed"] += case.find("failure") is not None or case.find("error") is not None
    return dict(out)


def family(path: str) -> str:
    name = Path(path).name
    return next((f for prefix, f in FAMILIES if name.startswith(prefix)), "other tests/ files")


def _share_rows(label: str, totals: dict[str, dict], wall: float) -> list[dict]:
    inside = sum(t["seconds"] for t in totals.values())
    ordered = sorted(totals.items(), key=lambda kv: -kv[1]["seconds"])
    rows = [{label: name, "tests": t["tests"], "skipped": t["skipped"], "failed": t["failed"],
             "seconds": f"{t['seconds']:.1f}", "share": f"{t['seconds'] / inside:.0%}" if inside else "-"}
            for name, t in ordered]
    rows.append({label: "sum of the tests' own times", "tests": sum(t["tests"] for t in totals.values()),
                 "skipped": sum(t["skipped"] for t in totals.values()),
                 "failed": sum(t["failed"] for t in totals.values()), "seconds": f"{inside:.1f}", "share": "100%"})
    rows.append({label: "wall clock of the run (+ start-up, collection)", "tests": "-", "skipped": "-",
                 "failed": "-", "seconds": f"{wall:.1f}" if wall else "(reused XML)", "share": "-"})
    return rows


def tests_sections(reuse: Path | None, work: Path) -> list[tuple[str, list[dict]]]:
    junit = reuse or work / "tests.xml"
    wall = 0.0 if reuse else _pytest([], junit, ROOT)
    files = per_file(junit)
    families: dict[str, dict] = collections.defaultdict(lambda: {"tests": 0, "skipped": 0, "failed": 0,
                                                                 "seconds": 0.0})
    for path, t in files.items():
        for key in t:
            families[family(path)][key] += t[key]
    return [("make test, part 1: tests/ by family", _share_rows("family", families, wall)),
            ("make test, part 1: tests/ by file", _share_rows("file", files, wall))]


def floor_name(notebook: str) -> str:
    """The floor file of a course notebook, unique per path: notebooks/ja/05_x.ipynb and
    notebooks/05_x.ipynb share a name, and one floor for both would halve the floor's sum."""
    return "floor_" + Path(notebook).with_suffix("").as_posix().replace("/", "_") + ".ipynb"


def lesson_libraries(notebook: Path) -> list[str]:
    """The third-party modules a notebook's lessons need loaded, whoever wrote the course: an HTTP
    client and, to replay, the cassette library; pandas where a table shows; the CLI or the SDK
    where the lesson runs them (`%openstack`: the CLI's shell module, the least its first call
    loads)."""
    nb = nbformat.read(notebook, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    html = "".join("".join(o.get("data", {}).get("text/html", ""))
                   for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    needed = ["requests", "vcr"]
    if 'class="dataframe' in html or "import pandas" in code:
        needed.append("pandas")
    if re.search(r"^\s*(import openstack\b|from openstack\b)", code, re.M):
        needed.append("openstack")
    if "%openstack" in code:
        needed.append("openstackclient.shell")
    return needed


def _importing(libraries: list[str]) -> str:
    """A cell that imports ``libraries`` as cheaply as a course can: vcrpy patches every HTTP
    client it finds installed, so the clients no lesson sends with (aiohttp, httpx: 0.2 s) are
    hidden while it loads, as the course does (cassette/vcr_glue.py)."""
    return ("import sys\n"
            f"sys.modules.update(dict.fromkeys({UNUSED_CLIENTS!r}))\n"
            f"import {', '.join(libraries)}\n"
            f"for name in {UNUSED_CLIENTS!r}: del sys.modules[name]")


def _floor_notebooks(cells: dict[str, int], folder: Path,
                     first_cells: dict[str, str] | None = None) -> dict[str, str]:
    """One notebook of N empty code cells per course notebook, but for a first cell of
    ``first_cells`` ({course notebook: source}); {course notebook: floor file}."""
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\n")  # its own rootdir: no conftest, no cassette
    names = {}
    for notebook, n in cells.items():
        sources = [(first_cells or {}).get(notebook, "")] + [""] * (n - 1)
        floor = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        path = folder / floor_name(notebook)
        nbformat.write(floor, path)
        names[notebook] = path.name
    return names


def _run_floors(notebooks: dict[str, int], folder: Path, junit: Path,
                first_cells: dict[str, str] | None = None) -> tuple[dict[str, dict], float]:
    """Run the floors of ``notebooks`` ({path: cells}) through nbval: ({path: its floor's
    per_file entry}, the run's wall clock)."""
    names = _floor_notebooks(notebooks, folder, first_cells)
    wall = _pytest([*NBVAL, "."], junit, folder)
    ran = {Path(p).name: t for p, t in per_file(junit).items()}
    if len(ran) != len(notebooks):  # every notebook its own floor, or the sums below mislead
        raise RuntimeError(f"{len(notebooks)} notebooks but {len(ran)} floors ran")
    return {path: ran[names[path]] for path in notebooks}, wall


def nbval_section(work: Path) -> tuple[str, list[dict]]:
    wall = _pytest([*NBVAL, "notebooks"], work / "nbval.xml", ROOT)
    course = {path: t for path, t in per_file(work / "nbval.xml").items() if path.endswith(".ipynb")}
    cells = {p: t["tests"] for p, t in course.items()}
    floors, floor_wall = _run_floors(cells, work / "floors", work / "floors.xml")
    imports = {p: _importing(lesson_libraries(ROOT / p)) for p in course}
    best, _ = _run_floors(cells, work / "floors-with-libraries", work / "floors-with-libraries.xml",
                          imports)
    rows = []
    for path in sorted(course):
        t, f, b = course[path], floors[path], best[path]
        rows.append({"notebook (nbval, replay)": path.removeprefix("notebooks/"), "cells": t["tests"],
                     "failed": t["failed"], "seconds": f"{t['seconds']:.1f}",
                     "floor s": f"{f['seconds']:.1f}", "x floor": f"{t['seconds'] / f['seconds']:.1f}",
                     "over floor s": f"{t['seconds'] - f['seconds']:.1f}",
                     "best x floor": f"{b['seconds'] / f['seconds']:.1f}"})
    total, floor_total, best_total = (sum(x["seconds"] for x in d.values())
                                      for d in (course, floors, best))
    rows.append({"notebook (nbval, replay)": "all notebooks (sum of cell times)",
                 "cells": sum(t["tests"] for t in course.values()),
                 "failed": sum(t["failed"] for t in course.values()), "seconds": f"{total:.1f}",
                 "floor s": f"{floor_total:.1f}", "x floor": f"{total / floor_total:.2f}",
                 "over floor s": f"{total - floor_total:.1f}",
                 "best x floor": f"{best_total / floor_total:.2f}"})
    rows.append({"notebook (nbval, replay)": "wall clock of the run", "cells": "-", "failed": "-",
                 "seconds": f"{wall:.1f}", "floor s": f"{floor_wall:.1f}",
                 "x floor": f"{wall / floor_wall:.1f}", "over floor s": f"{wall - floor_wall:.1f}",
                 "best x floor": "-"})
    return ("make test, part 2: nbval per notebook against the floor of as many empty cells "
            "(best x floor: the same cells, the first importing the lessons' libraries)", rows)


def sections(tests_junit: Path | None = None,
             notebooks_only: bool = False) -> Iterator[tuple[str, list[dict]]]:
    """The suite's tables, (title, rows) each, as each run finishes. ``notebooks_only`` skips
    tests/ (part 1)."""
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        work = Path(tmp)
        if not notebooks_only:
            yield from tests_sections(tests_junit, work)
        yield nbval_section(work)

