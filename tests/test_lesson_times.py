"""Every notebook's time line states what benchmarks/lesson_times.py measured, and the measure works.

The results (benchmarks/results/lesson_times.json) must cover every notebook and its twin, hold a
measured time for every code cell as it is now, and agree with the notebooks' text as it is now;
then each "**Time to learn**: N minutes" line (twins: "**所要時間**: N 分") must state the
results' minutes. A failure says what to run or which line to change to what.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import lesson_text  # noqa: E402
import lesson_times  # noqa: E402
import lesson_tracks  # noqa: E402

RESULTS = BENCH / "results" / "lesson_times.json"
ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TWINS = sorted((ROOT / "notebooks" / "ja").glob("[0-9][0-9]_*.ipynb"))
LINE = {"en": re.compile(r"\*\*Time to learn\*\*: (\d+) minutes"),
        "ja": re.compile(r"\*\*所要時間\*\*: (\d+) 分")}


def key(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.fixture(scope="module")
def results() -> dict:
    assert RESULTS.exists(), f"no {key(RESULTS)}: run `make bench-lessons`"
    return json.loads(RESULTS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def now(results) -> dict:
    """The results recomputed from the notebooks as they are now, with the recorded exec times."""
    return lesson_times.measure(None, False, results, log=lambda *_: None)


def test_every_notebook_is_in_the_results(results):
    missing = [key(p) for p in ENGLISH + TWINS if key(p) not in results["notebooks"]]
    assert not missing, f"not in {key(RESULTS)}: {missing}; run `make bench-lessons ARGS='--notebooks NN'`"


def test_every_code_cell_has_a_measured_time(now):
    stale = {k: e["unmeasured_cells"] for k, e in now["notebooks"].items() if e["unmeasured_cells"]}
    assert not stale, (f"code cells changed or added since they were timed: {stale}; run "
                       "`make bench-lessons ARGS='--notebooks NN'` for those notebooks")


def test_results_agree_with_the_notebooks_text(results, now):
    changed = {k: (results["notebooks"].get(k, {}).get("minutes"), e["minutes"])
               for k, e in now["notebooks"].items()
               if results["notebooks"].get(k, {}).get("minutes") != e["minutes"]}
    assert not changed, (f"(recorded, now) minutes differ: {changed}; the notebooks changed since "
                         "the last measure: run `make bench-lessons ARGS=--no-run` (or a full run)")


@pytest.mark.parametrize("path", ENGLISH + TWINS, ids=key)
def test_time_line_states_the_measured_minutes(path, results):
    language = "ja" if path.parent.name == "ja" else "en"
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    found = LINE[language].search(text)
    measured = results["notebooks"].get(key(path), {}).get("minutes")
    assert measured is not None, f"{key(path)} is not in {key(RESULTS)}: run `make bench-lessons`"
    want = "**Time to learn**: {} minutes" if language == "en" else "**所要時間**: {} 分"
    assert found, f"{key(path)} has no time line: add '{want.format(measured)}' to its overview"
    assert int(found.group(1)) == measured, (
        f"{key(path)}: change '{found.group(0)}' to '{want.format(measured)}' "
        f"(measured by make bench-lessons; see {key(RESULTS)})")


# --- the measure itself -------------------------------------------------------------------------

def test_prose_counts_english_words_and_japanese_characters():
    words, japanese = lesson_text.count_prose(
        "## 3. トークン\n[ConoHa の資料](https://doc.conoha.jp/x) を読む。| --- | `POST /v3` <br>")
    assert japanese == len("トークンの資料を読む。")  # 11: kana, kanji and the full stop
    assert words == 4  # "3.", "ConoHa", "POST", "/v3": not the URL, "##", "|", "---" or the tag


def test_sections_split_inside_a_cell_and_exercises_are_found():
    nb = nbformat.v4.new_notebook()
    solution = nbformat.v4.new_code_cell('r = requests.post(url, json=body)\ncl.check("x", r)')
    solution.metadata["tags"] = ["solution"]
    nb.cells = [nbformat.v4.new_markdown_cell("# T\n## Overview\none two"),
                nbformat.v4.new_markdown_cell("## 1. First\nthree\n\n## 2. Second\nfour five"),
                nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_markdown_cell("### Exercise 1: build the request\nsix"),
                nbformat.v4.new_code_cell('r = ...  # your request\ncl.check("x", r)'),
                solution,
                nbformat.v4.new_markdown_cell("## Summary\nseven")]
    sections = lesson_text.sections_of(nb)
    assert [s.key for s in sections] == ["intro", "1", "2", "end"]
    assert [s.english_words for s in sections] == [4, 3, 10, 2]  # headings count too, "##" not
    assert sections[2].code_cells == [0, 1, 2]
    (exercise,) = sections[2].exercises
    assert exercise.build and exercise.typed_chars == len("r = requests.post(url, json=body)")


def test_a_recall_exercise_is_not_a_build_one():
    nb = nbformat.v4.new_notebook()
    solution = nbformat.v4.new_code_cell("answer = 409")
    solution.metadata["tags"] = ["solution"]
    nb.cells = [nbformat.v4.new_markdown_cell("## 1. A\n**演習 05.status** · どのステータスでしょう"), solution]
    (exercise,) = lesson_text.sections_of(nb)[1].exercises
    assert not exercise.build and exercise.heading.startswith("**演習")


@pytest.mark.parametrize("seconds, minutes", [(1, 5), (300, 5), (301, 10), (1799, 30), (1801, 35)])
def test_minutes_are_rounded_up_to_five(seconds, minutes):
    assert lesson_text.minutes_line(seconds) == minutes


def test_check_names_the_line_to_change(tmp_path, results):
    wrong = json.loads(json.dumps(results))
    first = key(ENGLISH[0])
    wrong["notebooks"][first]["minutes"] = 995
    path = tmp_path / "times.json"
    path.write_text(json.dumps(wrong), encoding="utf-8")
    done = subprocess.run([sys.executable, str(BENCH / "lesson_times.py"), "--check", "--json", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"{first}: change '**Time to learn**: " in done.stdout
    assert "to '**Time to learn**: 995 minutes'" in done.stdout


@pytest.mark.slow
def test_a_run_measures_each_cells_wall_time(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import os, time\nmode = os.environ['CONOHA_LEARN_MODE']"),
                nbformat.v4.new_code_cell("time.sleep(1.5); assert mode == 'sim'"),
                nbformat.v4.new_code_cell("")]
    path = tmp_path / "00_probe.ipynb"
    nbformat.write(nb, path)
    run = lesson_times.run_notebook(path)
    assert [c["sha"] for c in run["cells"]] == [lesson_text.source_sha(c.source) for c in nb.cells]
    assert 1.5 <= run["cells"][1]["seconds"] < 30
    assert run["cells"][0]["seconds"] < run["cells"][1]["seconds"] and run["cells"][2]["seconds"] == 0
    assert run["wall_s"] >= 1.5


TEACHING = {"en": (ROOT / "docs" / "teaching.md", "| minutes, English |", "| minutes, Japanese |"),
            "ja": (ROOT / "docs" / "teaching.ja.md", "| 分（英語版） |", "| 分（日本語版） |")}


@pytest.mark.parametrize("language", TEACHING)
def test_the_seminar_tracks_in_teaching_md_state_the_measured_minutes(results, language):
    """docs/teaching(.ja).md's per-notebook table and each track's total are the measured ones."""
    path, english_row, japanese_row = TEACHING[language]
    text = path.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines()
                  if line.startswith(("| notebook |", "| ノートブック |")))
    numbers = [cell.strip() for cell in header.strip("|").split("|")[1:]]
    for row_label, folder in ((english_row, "notebooks"), (japanese_row, "notebooks/ja")):
        row = next(line for line in text.splitlines() if line.startswith(row_label))
        stated = [int(cell) for cell in row.strip("|").split("|")[1:]]
        measured = [next(e["minutes"] for k, e in results["notebooks"].items()
                         if k.startswith(f"{folder}/{n}_")) for n in numbers]
        assert stated == measured, f"{path.name}: the row {row_label!r} should read {measured}"
    assert len(numbers) == len(ENGLISH), f"{path.name}: the table lacks a notebook"
    totals = [int(t) for t in re.findall(r"^\| \*\*(\d+)\*\* \|", text, re.M)]
    measured_totals = [sum(b["minutes"] for b in blocks) for blocks in results["tracks"].values()]
    assert totals == measured_totals, f"{path.name}: the tracks' totals should be {measured_totals}"


def test_each_seminar_track_fits_its_slot_with_a_margin(results):
    """The planned blocks (all but the set-up buffer) stay under the track's limit (90 minutes:
    80), timed at the room's rates; the set-up buffer comes on top, and the slot is not exceeded."""
    for name, blocks in results["tracks"].items():
        planned = sum(b["minutes"] for b in blocks if not b["block"].startswith("Set-up"))
        total = sum(b["minutes"] for b in blocks)
        assert planned <= lesson_tracks.PLANNED_MAX[name], f"{name}: {planned} planned minutes"
        assert total <= lesson_tracks.SLOT[name], f"{name}: {total} minutes in all"


def test_a_track_keeps_only_the_chosen_exercises_in_class():
    row = {"key": "1", "title": "Exercises", "english_words": 0, "japanese_chars": 0,
           "code_tokens": 0, "code_cells": 0, "exec_s": 0.0,
           "exercise_list": [{"heading": "**Exercise 00.mode**", "build": False, "typed_chars": 0},
                             {"heading": "**Exercise 00.first-call**", "build": True, "typed_chars": 130}]}
    entry = {"sections": [row]}
    rates = lesson_tracks.ROOM
    kept = lesson_tracks.Block("x", "00", exercises=r"first-call")
    shown = lesson_tracks.Block("x", "00", mode="demo")
    every = lesson_tracks.Block("x", "00")
    assert lesson_tracks._section_seconds(entry, kept, entry, rates) == rates.build_exercise_s + 60
    assert lesson_tracks._section_seconds(entry, shown, entry, rates) == 0
    assert lesson_tracks._section_seconds(entry, every, entry, rates) == (
        rates.build_exercise_s + 60 + rates.recall_exercise_s)
