"""How long each notebook and each of its sections takes a learner: measured inputs × stated rates.

    python benchmarks/lesson_times.py                  # run every notebook in sim mode, print, write JSON
    python benchmarks/lesson_times.py --notebooks 05 09   # run only these; reuse the others' last times
    python benchmarks/lesson_times.py --no-run         # run nothing: reuse every execution time
    python benchmarks/lesson_times.py --check          # which "Time to learn" lines to change, to what

What is measured, per section (``## N.`` heading) of every ``notebooks/NN_*.ipynb`` and its
Japanese twin ``notebooks/ja/NN_*.ipynb``:

* **exec**: the wall time of every code cell, running the English notebook for real in sim mode
  (nbclient, a fresh simulator on a free port with the delay ``conoha-learn sim`` and ``make lab``
  use, 3 s per status change; a private HOME), as tests/test_notebooks.py runs it. The twin sends
  the same requests (tests/test_twins.py), so it takes the English cells' times, cell by cell.
* **read**: the Markdown's English words and Japanese characters (counted), at the reading rates;
* **code**: each code cell's tokens at the code-reading rate, plus an allowance per cell for
  running it and looking at its output;
* **exercises**: an allowance per exercise (more when its heading says it builds something),
  plus typing what its solution adds to the learner cell (cells tagged ``solution``).

The rates and allowances, with their sources, are `lesson_text.Rates` (also benchmarks/README.md):
English 130 wpm (Brysbaert 2019: 238 wpm L1 non-fiction; L2 readers 100-167 wpm), Japanese
500字/分 (the usual 600字/分 survey figure, at its technical-text end), code 130 tokens/min
+ 15 s per cell, typing 130 characters/min (half of Dhakal et al. 2018's 52 wpm), exercises
2 min (recall) or 5 min (build). The counts and exec times are measured; the rates are not.
A notebook's "Time to learn" line states its total rounded up to 5 minutes
(tests/test_lesson_times.py checks it).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from lesson_text import Rates, Section, minutes_line, sections_of, source_sha  # noqa: E402
from lesson_tracks import TRACKS, block_minutes, tracks_table  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
RESULTS = HERE / "results" / "lesson_times.json"
SIM_DELAY_S = 3.0  # conoha_learn/sim/state.py's default: what `conoha-learn sim` and `make lab` use
TIME_LINES = {"en": ("**Time to learn**: ", " minutes"), "ja": ("**所要時間**: ", " 分")}


def english_notebooks(folder: Path = NOTEBOOKS, only: list[str] | None = None) -> list[Path]:
    """notebooks/NN_*.ipynb, or those whose names start with one of ``only`` ("05", "09")."""
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if not only or any(p.name.startswith(o) for o in only)]


def relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


# --- execution: the English notebook, for real, in sim mode --------------------------------------

def _kernel_environment(port: str, home: Path) -> dict[str, str]:
    """Sim mode against our simulator; nothing of the caller's cloud; a private HOME."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("OS_") and k not in ("CONOHA_LEARN_CASSETTE", "JPY_SESSION_NAME")}
    home.mkdir(parents=True, exist_ok=True)
    env.update({"CONOHA_LEARN_MODE": "sim", "CONOHA_LEARN_SIM_PORT": port,
                "HOME": str(home), "IPYTHONDIR": str(home / ".ipython")})
    return env


def _seconds(timing: dict) -> float:
    """A cell's wall time from nbclient's record_timing stamps (busy -> reply)."""
    start = timing.get("iopub.status.busy") or timing["iopub.execute_input"]
    end = timing.get("shell.execute_reply") or timing["iopub.status.idle"]
    return (datetime.datetime.fromisoformat(end.replace("Z", "+00:00"))
            - datetime.datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()


def run_notebook(path: Path, delay: float = SIM_DELAY_S) -> dict:
    """Run ``path`` top to bottom against a fresh simulator; each code cell's measured seconds."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from conoha_learn.sim import Simulator

    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="lesson-times-") as tmp, Simulator(delay=delay) as sim:
        work = Path(tmp) / "notebooks"  # what a notebook writes (clouds.yaml...) lands here
        work.mkdir()
        client = NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=True,
                                resources={"metadata": {"path": str(work)}})
        started = time.perf_counter()
        try:
            client.execute(env=_kernel_environment(sim.url.rsplit(":", 1)[1], Path(tmp) / "home"))
        except CellExecutionError as error:  # a broken notebook has no time to measure
            raise SystemExit(f"{path.name} failed in sim mode, so it was not timed (nothing written); "
                             f"`pytest tests/test_notebooks.py -k {path.name[:2]}` shows the same:\n{error}")
        wall = time.perf_counter() - started
    cells = [{"sha": source_sha(c.source),
              "seconds": round(_seconds(c.metadata.get("execution", {})), 3) if c.source.strip() else 0.0}
             for c in notebook.cells if c.cell_type == "code"]
    return {"cells": cells, "wall_s": round(wall, 1), "delay_s": delay}


def exec_times(notebook: Any, measured: dict | None) -> tuple[list[float], int]:
    """Seconds per code cell of ``notebook`` from a measurement, matched by code; and how many
    cells had no measured time (changed or new since it was measured)."""
    pool: dict[str, list[float]] = {}
    for cell in (measured or {}).get("cells", []):
        pool.setdefault(cell["sha"], []).append(cell["seconds"])
    times, missing = [], 0
    for cell in (c for c in notebook.cells if c.cell_type == "code"):
        found = pool.get(source_sha(cell.source))
        if found:
            times.append(found.pop(0))
        else:
            times.append(0.0)
            missing += bool(cell.source.strip())
    return times, missing


# --- combining: one notebook's table ------------------------------------------------------------

def _section_row(section: Section, seconds: list[float], rates: Rates) -> dict:
    row = {"key": section.key, "title": section.title,
           "read_s": section.read_s(rates), "code_s": section.code_s(rates),
           "exec_s": sum(seconds[i] for i in section.code_cells),
           "exercise_s": section.exercise_s(rates)}
    row["total_s"] = row["read_s"] + row["code_s"] + row["exec_s"] + row["exercise_s"]
    row = {k: round(v, 1) if isinstance(v, float) else v for k, v in row.items()}
    row.update({"english_words": section.english_words, "japanese_chars": section.japanese_chars,
                "code_cells": len(section.code_cells), "code_tokens": section.code_tokens,
                "exercises": len(section.exercises),
                "build_exercises": sum(e.build for e in section.exercises),
                # each exercise, so a track can keep some in class and send others home
                "exercise_list": [{"heading": e.heading, "build": e.build,
                                   "typed_chars": e.typed_chars} for e in section.exercises]})
    return row


def notebook_entry(path: Path, language: str, measured: dict | None, rates: Rates,
                   build_flags: list[bool] | None = None) -> dict:
    """The table of one notebook (English or twin) from its text and ``measured`` exec times.
    ``build_flags``: the English twin's exercises, so a twin's build exercise counts as one too."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    sections = sections_of(notebook)
    for exercise, english in zip((e for s in sections for e in s.exercises), build_flags or []):
        exercise.build = exercise.build or english
    seconds, missing = exec_times(notebook, measured)
    rows = [_section_row(s, seconds, rates) for s in sections]
    # Starting the kernel (the run's wall time beyond its cells) is waited for before section 1.
    kernel_s = max(0.0, (measured or {}).get("wall_s", 0.0) - sum(seconds)) if not missing else 0.0
    rows[0]["exec_s"] = round(rows[0]["exec_s"] + kernel_s, 1)
    rows[0]["total_s"] = round(rows[0]["total_s"] + kernel_s, 1)
    total = sum(r["total_s"] for r in rows)
    entry = {"language": language, "minutes": minutes_line(total), "total_s": round(total, 1),
             "unmeasured_cells": missing, "sections": rows}
    for part in ("read_s", "code_s", "exec_s", "exercise_s"):
        entry[part] = round(sum(r[part] for r in rows), 1)
    return entry


def build_flags_of(path: Path) -> list[bool]:
    import nbformat
    return [e.build for s in sections_of(nbformat.read(path, as_version=4)) for e in s.exercises]


def measure(only: list[str] | None, run: bool, previous: dict, rates: Rates = Rates(),
            log: Callable[[str], object] = print) -> dict:
    """Every notebook's entry (English and twin); run the selected English ones, reuse the rest."""
    entries, runs = {}, dict(previous.get("runs", {}))
    for path in english_notebooks():
        key = relative(path)
        if run and path in english_notebooks(only=only):
            log(f"running {path.name} in sim mode (delay {SIM_DELAY_S:g} s) ...")
            runs[key] = run_notebook(path)
            log(f"  {runs[key]['wall_s']} s")
        entries[key] = notebook_entry(path, "en", runs.get(key), rates)
        twin = NOTEBOOKS / "ja" / path.name
        if twin.exists():  # the twin's cells take the English cells' times, position by position
            english_cells = runs.get(key, {}).get("cells", [])
            twin_cells = _code_cells(twin)
            by_position = {"cells": [{"sha": source_sha(src), "seconds": english_cells[i]["seconds"]}
                                     for i, src in enumerate(twin_cells) if i < len(english_cells)],
                           "wall_s": runs.get(key, {}).get("wall_s", 0.0)}
            entries[relative(twin)] = notebook_entry(twin, "ja", by_position, rates, build_flags_of(path))
    runs = {k: v for k, v in runs.items() if k in entries}
    results = {"generated": f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
            "machine": f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
            "sim_delay_s": SIM_DELAY_S, "rates": rates.as_dict(), "round_up_to_min": 5,
            "notebooks": entries, "runs": runs}
    results["tracks"] = {name: [{"block": b.label, "mode": b.mode, "minutes": block_minutes(results, b)}
                                for b in blocks] for name, blocks in TRACKS.items()}
    return results


def _code_cells(path: Path) -> list[str]:
    import nbformat
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


# --- the "Time to learn" lines ------------------------------------------------------------------

def stated_minutes(path: Path, language: str) -> int | None:
    """The minutes a notebook's time line states now, or None when it has none."""
    import re

    import nbformat

    before, after = TIME_LINES[language]
    pattern = re.compile(re.escape(before) + r"(\d+)" + re.escape(after))
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown" and (found := pattern.search(cell.source)):
            return int(found.group(1))
    return None


def line_problems(results: dict) -> list[str]:
    """One sentence per notebook whose time line disagrees with the results: what to change."""
    problems = []
    for key, entry in results["notebooks"].items():
        before, after = TIME_LINES[entry["language"]]
        stated = stated_minutes(ROOT / key, entry["language"])
        want = f"{before}{entry['minutes']}{after}"
        if stated is None:
            problems.append(f"{key}: no time line; add '{want}' to its overview")
        elif stated != entry["minutes"]:
            problems.append(f"{key}: change '{before}{stated}{after}' to '{want}'")
    return problems


# --- output -------------------------------------------------------------------------------------

def _m(seconds: float) -> str:
    return f"{seconds / 60:.1f}"


def _pad(text: str, width: int) -> str:
    """``text`` cut or padded to ``width`` columns; a Japanese character takes two."""
    import unicodedata

    out, used = "", 0
    for char in text:
        w = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + w > width:
            break
        out, used = out + char, used + w
    return out + " " * (width - used)


def table(results: dict) -> str:
    """Plain-text tables: one line per notebook, then its sections (minutes)."""
    out = [f"{results['generated']}, {results['machine']}, load average {results['load_average_at_end']} "
           f"at end; sim delay {results['sim_delay_s']:g} s; minutes = read + code + exec + exercises",
           "", f"{'notebook / section':44} {'read':>5} {'code':>5} {'exec':>5} {'exer':>5} {'total':>6} {'line':>5}"]
    for key, entry in results["notebooks"].items():
        flag = f"  ({entry['unmeasured_cells']} cells not measured)" if entry["unmeasured_cells"] else ""
        out.append(f"{_pad(key, 44)} {_m(entry['read_s']):>5} {_m(entry['code_s']):>5} {_m(entry['exec_s']):>5} "
                   f"{_m(entry['exercise_s']):>5} {_m(entry['total_s']):>6} {entry['minutes']:>5}{flag}")
        for row in entry["sections"]:
            label = _pad(f"  {row['key']:>5} {row['title']}", 44)
            out.append(f"{label} {_m(row['read_s']):>5} {_m(row['code_s']):>5} {_m(row['exec_s']):>5} "
                       f"{_m(row['exercise_s']):>5} {_m(row['total_s']):>6}")
    return "\n".join(out)


def load(path: Path = RESULTS) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="+", metavar="NN", help="run only these (e.g. 05 09)")
    parser.add_argument("--no-run", action="store_true", help="run nothing; reuse the last execution times")
    parser.add_argument("--check", action="store_true", help="only compare the time lines with the JSON")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {relative(RESULTS)})")
    args = parser.parse_args(argv)
    if args.check:
        results = load(args.json)
        if not results:
            print(f"no {relative(args.json)} yet: run `make bench-lessons` first", file=sys.stderr)
            return 2
        problems = line_problems(results)
        print("\n".join(problems) or "every time line agrees with " + relative(args.json))
        return 1 if problems else 0
    results = measure(args.notebooks, not args.no_run, load(args.json))
    print(table(results))
    print(tracks_table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {relative(args.json)}")
    for problem in line_problems(results):
        print("time line: " + problem)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
