"""Print the project's speed and memory figures as tables.

    python benchmarks/run.py              # the fast rows: every benchmarks/bench_*.py (a few minutes)
    python benchmarks/run.py server sim   # only bench_server.py and bench_sim.py
    python benchmarks/run.py --quick      # every module once, short runs (a smoke run, ~2 min)
    python benchmarks/run.py --suite      # the slow breakdown of `make test` (suite.py; many minutes)
    python benchmarks/run.py --suite --tests-junit FILE   # ... reusing an earlier tests/ run's XML
    python benchmarks/run.py --suite --notebooks-only     # ... only nbval against its floor

Each ``benchmarks/bench_*.py`` module has ``rows(quick: bool = False) -> list[dict]``; consecutive rows with the same
keys print as one table under the first line of the module's docstring. benchmarks/README.md says
how to read each table. Nothing here is pass/fail: timings on a shared machine are read by people.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import pathlib
import platform
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the bench_* modules and their helpers import each other by name

import loadgen  # noqa: E402
import suite  # noqa: E402


def format_tables(rows: list[dict]) -> str:
    """Rows as plain-text tables, one per run of rows sharing the same keys."""
    groups: list[list[dict]] = []
    for row in rows:
        if groups and list(groups[-1][0]) == list(row):
            groups[-1].append(row)
        else:
            groups.append([row])
    out = []
    for group in groups:
        keys = list(group[0])
        widths = [max(len(str(k)), *(len(str(r[k])) for r in group)) for k in keys]
        line = "  ".join(f"{{:{w}}}" for w in widths)
        out += [line.format(*keys), line.format(*("-" * w for w in widths))]
        out += [line.format(*(str(r[k]) for k in keys)) for r in group]
        out.append("")
    return "\n".join(out)


def _header() -> str:
    load = os.getloadavg()
    return (f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at start; "
            f"load generator: {loadgen.generator()}")


def _section(title: str, rows: list[dict]) -> None:
    print(f"== {title}\n{format_tables(rows)}", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="bench_<name>.py modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="every module once, short runs (a smoke run)")
    parser.add_argument("--suite", action="store_true", help="the slow breakdown of make test")
    parser.add_argument("--tests-junit", type=pathlib.Path, metavar="FILE",
                        help="with --suite: reuse this JUnit XML of an earlier run of tests/")
    parser.add_argument("--notebooks-only", action="store_true", help="with --suite: only the nbval part")
    args = parser.parse_args(argv)
    print(_header() + "\n", flush=True)
    if args.suite:
        for title, rows in suite.sections(args.tests_junit, args.notebooks_only):
            _section(title, rows)
        return 0
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if args.names and name not in args.names:
            continue
        module = importlib.import_module(path.stem)
        title = module.__doc__.strip().splitlines()[0]
        _section(title + (" (--quick: short runs, not figures)" if args.quick else ""),
                 module.rows(quick=args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
