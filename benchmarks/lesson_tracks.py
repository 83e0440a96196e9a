"""The seminar tracks of docs/teaching.md, timed from benchmarks/results/lesson_times.json.

A block is a notebook's sections done hands-on (everything: reading, running, exercises) or shown
as a demo (the instructor reads out and runs it: the same minus the exercises), or a fixed
allowance (set-up, breaks). Sections are chosen by their English titles, with patterns loose
enough to survive renumbering; a twin's section with the same key counts too, and the longer of
the two languages is taken (a bilingual room moves at its slower half's pace). A hands-on block
may keep only some exercises in class (``exercises``, a pattern on their English labels, such as
``05\\.create-by-hand``); the others are homework.

A room is slower than one reader alone, so the tracks are timed at ROOM rates from the measured
counts, not at the self-study rates of the notebooks' "Time to learn" lines (lesson_text.Rates).
Where the two disagree with a dry run, the tracks trust the dry run: see ROOM.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lesson_text import Rates

# The rates a seminar room moves at. The dry run of the 90-minute track (issue 22: one attendee,
# Japanese edition, sim mode, a beginner's first mistake in every exercise) needed 15-18 minutes
# for 02 sections 1-6 where the self-study rates give 10, and 40-50 for 05's in-class sections
# where they give 35. Two rates explain most of the gap, and both move towards the sources:
# * Japanese: the IReST study (Trauzettel-Klosinski & Dietz 2012, IOVS 53(9):5452) measured
#   native Japanese adults reading easy sixth-grade texts aloud at about 360 字/min, and Uetsuki et
#   al. (2017, Front. Psychol. 8:1390) found about 6 characters/s (360 字/min) the preferred pace
#   of presented Japanese text, slower than free silent reading. Dense technical text with API
#   names and code is harder than either: 350 字/min, not the 500 of the general surveys.
# * Each code cell: 30 s instead of 15 (run it, wait for the slowest laptop, read the JSON or
#   the transcript it prints, the instructor's word on it). With both, 02 sections 1-6 come to
#   the dry run's low end; the by-hand create (15-20 minutes blank in the dry run) is done from a
#   scaffold in class, its blank version is homework.
ROOM = Rates(japanese_cpm=350.0, per_cell_s=30.0)

# A track's planned minutes may fill its slot but for this margin and its set-up buffer.
PLANNED_MAX = {"90-minute hands-on": 80, "3-hour workshop": 165}
SLOT = {"90-minute hands-on": 90, "3-hour workshop": 180}


@dataclass(frozen=True)
class Block:
    label: str
    notebook: str = ""   # name prefix, "05"; empty for a fixed block
    mode: str = "hands-on"  # "hands-on", "demo" or "fixed"
    only: str = ""       # regex on English section titles: only these (empty: all)
    skip: str = ""       # regex on English section titles: leave these out
    minutes: int = 0     # a fixed block's allowance
    exercises: str | None = None  # regex on English exercise headings done in class (None: all)


# Set-up: mybinder.org starts a warm image in about a minute, a cold one takes several
# (docs/teaching.md); on patchy Wi-Fi some laptops need a second try or the USB stick.
TRACKS: dict[str, list[Block]] = {
    # The centre is 05's hand-written create; 02's exercises (the v3 login by hand) are homework.
    # Each track fits with a margin: its planned time (all but the set-up buffer) is at most
    # PLANNED_MAX minutes (tests/test_lesson_times.py checks it). In-class exercises test only what
    # was taught in class; the others are homework (docs/teaching.md lists them).
    "90-minute hands-on": [
        Block("Set-up buffer: make lab or Binder, the first cell runs", mode="fixed", minutes=10),
        Block("00 Start here: the first call (its exercises at home)", "00", only=r"first call"),
        Block("01 OpenStack and ConoHa: the services, regions and tenants (shown)", "01",
              mode="demo", only=r"^the services|^regions"),
        Block("02 Tokens: REST, a token by hand, reading and using it, the helper (exercises at home)",
              "02", only=r"REST in|workflow|token|helper", skip=r"wrong|2015"),
        Block("Break", mode="fixed", minutes=5),
        Block("03 The catalog: the table, choosing an endpoint (shown)", "03", mode="demo",
              only=r"table|choosing"),
        Block("05 A server's life: the key pair, the create by hand (exercise 05.create-by-hand "
              "from the scaffold), the shortcut, BUILD to ACTIVE, then straight to delete and "
              "clean up", "05",
              only=r"key pair|boot volume|shortcut|BUILD|delete", exercises=r"05\.create-by-hand"),
        Block("Wrap-up and questions", mode="fixed", minutes=5),
    ],
    "3-hour workshop": [
        Block("Set-up buffer: make lab or Binder, the first cell runs", mode="fixed", minutes=15),
        Block("00 Start here: the first call (its exercises at home)", "00", only=r"first call"),
        Block("01 OpenStack and ConoHa: the services, regions and tenants (shown)", "01",
              mode="demo", only=r"^the services|^regions"),
        Block("02 Tokens with Keystone, but errors (08) and v2.0 (2015); exercise 02.token-header",
              "02", skip=r"2015|goes wrong", exercises=r"token-header"),
        Block("Break", mode="fixed", minutes=10),
        Block("03 The service catalog, but version discovery; exercise 03.compute-url", "03",
              skip=r"version|hard-code", exercises=r"compute-url"),
        Block("05 A server's life, but details, the 409, the additional volume and the state "
              "diagram; exercise 05.create-by-hand from the scaffold", "05",
              skip=r"details|409|additional|state diagram", exercises=r"05\.create-by-hand"),
        Block("Break", mode="fixed", minutes=10),
        Block("09 Object storage: containers, uploads, a public container, WordPress; "
              "exercise 09.upload", "09",
              only=r"^what swift|^the account|^a container|^uploading|public container|"
                   r"wordpress|^exercises|^clean up", exercises=r"09\.upload"),
        Block("Wrap-up and questions", mode="fixed", minutes=5),
    ],
}


def _exercise_s(exercise: dict, rates: Rates) -> float:
    thinking = rates.build_exercise_s if exercise["build"] else rates.recall_exercise_s
    return thinking + 60 * exercise["typed_chars"] / rates.typing_cpm


def _row_seconds(row: dict, in_class: list[bool], rates: Rates) -> float:
    """One section at ``rates``, from its measured counts: only the exercises done in class."""
    read = 60 * (row["english_words"] / rates.english_wpm + row["japanese_chars"] / rates.japanese_cpm)
    code = 60 * row["code_tokens"] / rates.code_tokens_pm + rates.per_cell_s * row["code_cells"]
    exercises = sum(_exercise_s(e, rates) for e, kept in zip(row["exercise_list"], in_class) if kept)
    return read + code + row["exec_s"] + exercises


def _section_seconds(entry: dict, block: Block, english: dict, rates: Rates) -> float:
    """``entry`` (a notebook or its twin): its chosen sections' seconds; titles and exercise
    headings are the English notebook's (``english``), matched by section key and position."""
    total = 0.0
    english_rows = {row["key"]: row for row in english["sections"]}
    for row in entry["sections"]:
        model = english_rows.get(row["key"], row)
        title = model["title"]
        if block.only and not re.search(block.only, title, re.I):
            continue
        if block.skip and re.search(block.skip, title, re.I):
            continue
        in_class = [block.mode != "demo" and (block.exercises is None
                                              or bool(re.search(block.exercises, e["heading"], re.I)))
                    for e in model["exercise_list"]]
        total += _row_seconds(row, in_class, rates)
    return total


def block_minutes(results: dict, block: Block, rates: Rates = ROOM) -> int | None:
    """Whole minutes for ``block`` at ``rates`` (None: its notebook is not in the results yet)."""
    if block.mode == "fixed":
        return block.minutes
    notebooks = results["notebooks"]
    english = next((k for k in notebooks if k.split("/")[-1].startswith(block.notebook)
                    and notebooks[k]["language"] == "en"), None)
    if english is None:
        return None
    twin = english.replace("notebooks/", "notebooks/ja/", 1)
    seconds = max(_section_seconds(notebooks[k], block, notebooks[english], rates)
                  for k in (english, twin) if k in notebooks)
    return math.ceil(seconds / 60)


def planned_minutes(results: dict, name: str) -> int:
    """A track's minutes without its set-up buffer: what must fit in the slot with a margin."""
    return sum(block_minutes(results, b) or 0 for b in TRACKS[name] if not b.label.startswith("Set-up"))


def tracks_table(results: dict) -> str:
    """Each track as its blocks with minutes, and the total."""
    out = []
    for name, blocks in TRACKS.items():
        out.append(f"\n== {name}")
        total, missing = 0, []
        for block in blocks:
            minutes = block_minutes(results, block)
            if minutes is None:
                missing.append(block.notebook)
                out.append(f"  {'?':>4} min  {block.label}  (not measured yet)")
                continue
            total += minutes
            out.append(f"  {minutes:4} min  {block.mode:8}  {block.label}")
        note = f" + notebooks {', '.join(missing)} once they exist" if missing else ""
        out.append(f"  {total:4} min  total{note}; planned (all but the set-up buffer) "
                   f"{planned_minutes(results, name)}, at most {PLANNED_MAX[name]}, of a "
                   f"{SLOT[name]}-minute slot")
    return "\n".join(out)
