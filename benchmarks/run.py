"""Print the project's speed and memory figures as one table.

    python benchmarks/run.py            # every benchmark
    python benchmarks/run.py sim        # only benchmarks/bench_sim.py

Each ``benchmarks/bench_*.py`` module has ``rows() -> list[dict]`` with the keys
benchmark, value, unit and target (a short text, e.g. "< 1 s"). Targets are read by people, not
asserted: timings on a shared machine are not pass/fail material for unit tests.
"""

from __future__ import annotations

import importlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    rows = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if selected and name not in selected:
            continue
        module = importlib.import_module(path.stem)
        rows.extend(module.rows())
    widths = [max(len(str(r[k])) for r in rows + [dict(benchmark="benchmark", value="value", unit="unit", target="target")])
              for k in ("benchmark", "value", "unit", "target")]
    line = "  ".join(f"{{:{w}}}" for w in widths)
    print(line.format("benchmark", "value", "unit", "target"))
    print(line.format(*("-" * w for w in widths)))
    for r in rows:
        print(line.format(r["benchmark"], r["value"], r["unit"], r["target"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
