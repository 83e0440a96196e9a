"""Import cost: `import conoha_learn` against `import openstack` (openstacksdk).

Each figure is the wall-clock time of a fresh interpreter doing only that import. Interpreter
start-up is included (a learner waits for it too) and is shown on its own as the baseline.
Median of 5 runs.

    python benchmarks/bench_import.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 5
TARGET_SHARE = 0.25  # the issue: "well under a quarter" of import openstack


def _seconds(code: str, runs: int = RUNS) -> float:
    """Median wall-clock seconds of ``python -c code`` in fresh subprocesses."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rows(quick: bool = False) -> list[dict]:
    """Rows for the benchmark table: benchmark, value, unit, target. ``quick``: one run each."""
    runs = 1 if quick else RUNS
    baseline = _seconds("pass", runs)
    ours = _seconds("import conoha_learn", runs)
    sdk = _seconds("import openstack", runs)
    share = ours / sdk
    return [
        {"benchmark": "python -c pass (start-up baseline)", "value": round(baseline, 3), "unit": "s",
         "target": "-"},
        {"benchmark": "import conoha_learn", "value": round(ours, 3), "unit": "s",
         "target": f"< {TARGET_SHARE:.0%} of import openstack ({TARGET_SHARE * sdk:.3f} s)"},
        {"benchmark": "import openstack", "value": round(sdk, 3), "unit": "s", "target": "-"},
        {"benchmark": "import conoha_learn / import openstack", "value": round(share, 3), "unit": "ratio",
         "target": f"< {TARGET_SHARE}" + (" (met)" if share < TARGET_SHARE else " (NOT met)")},
    ]


if __name__ == "__main__":
    for row in rows():
        print(f"{row['benchmark']:<42} {row['value']:>8} {row['unit']:<6} {row['target']}")
