"""The seminar tracks of docs/teaching.md, timed from benchmarks/results/lesson_times.json.

A block is a notebook's sections done hands-on (everything: reading, running, exercises) or shown
as a demo (the instructor reads out and runs it: the same minus the exercises), or a fixed
allowance (set-up, breaks). Sections are chosen by their English titles, with patterns loose
enough to survive renumbering; a twin's section with the same key counts too, and the longer of
the two languages is taken (a bilingual room moves at its slower half's pace).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    label: str
    notebook: str = ""   # name prefix, "05"; empty for a fixed block
    mode: str = "hands-on"  # "hands-on", "demo" or "fixed"
    only: str = ""       # regex on English section titles: only these (empty: all)
    skip: str = ""       # regex on English section titles: leave these out
    minutes: int = 0     # a fixed block's allowance


# Set-up: mybinder.org starts a warm image in about a minute, a cold one takes several
# (docs/teaching.md); on patchy Wi-Fi some laptops need a second try or the USB stick.
TRACKS: dict[str, list[Block]] = {
    # The centre is 05's hand-written create; 02's exercises (the v3 login by hand) are homework.
    "90-minute hands-on": [
        Block("Set-up buffer: make lab or Binder, the first cell runs", mode="fixed", minutes=10),
        Block("00 Start here: the first call, exercises", "00", only=r"first call|exercise"),
        Block("01 OpenStack and ConoHa: the services, regions and tenants (shown)", "01",
              mode="demo", only=r"^the services|^regions"),
        Block("02 Tokens: REST, a token by hand, reading and using it, the helper", "02",
              only=r"REST in|workflow|token|helper"),
        Block("Break", mode="fixed", minutes=5),
        Block("03 The catalog: services and endpoints, the table, choosing an endpoint", "03",
              only=r"services|table|choosing"),
        Block("05 A server's life: the create by hand (its exercise), the shortcut, BUILD to "
              "ACTIVE, stop/start, delete", "05",
              only=r"key pair|boot volume|shortcut|BUILD|details|stop|delete"),
        Block("Wrap-up and questions", mode="fixed", minutes=5),
    ],
    "3-hour workshop": [
        Block("Set-up buffer: make lab or Binder, the first cell runs", mode="fixed", minutes=15),
        Block("00 Start here: the first call", "00", only=r"first call"),
        Block("01 OpenStack and ConoHa: the services, regions and tenants (shown)", "01",
              mode="demo", only=r"^the services|^regions"),
        Block("02 Tokens with Keystone, but errors (08) and v2.0 (2015)", "02",
              skip=r"2015|goes wrong"),
        Block("Break", mode="fixed", minutes=10),
        Block("03 The service catalog, but version discovery", "03",
              skip=r"version|hard-code"),
        Block("05 A server's life, but the 409 and the state diagram's exercises", "05",
              skip=r"409|state diagram"),
        Block("Break", mode="fixed", minutes=10),
        Block("09 Object storage: containers, uploads, a public container, WordPress, exercises",
              "09", only=r"^what swift|^the account|^a container|^uploading|public container|"
                        r"wordpress|^exercises|^clean up"),
        Block("Wrap-up and questions", mode="fixed", minutes=5),
    ],
}


def _section_seconds(entry: dict, block: Block, titles: dict[str, str]) -> float:
    total = 0.0
    for row in entry["sections"]:
        title = titles.get(row["key"], row["title"])
        if block.only and not re.search(block.only, title, re.I):
            continue
        if block.skip and re.search(block.skip, title, re.I):
            continue
        total += row["total_s"] - (row["exercise_s"] if block.mode == "demo" else 0.0)
    return total


def block_minutes(results: dict, block: Block) -> int | None:
    """Whole minutes for ``block`` (None: its notebook is not in the results yet)."""
    if block.mode == "fixed":
        return block.minutes
    notebooks = results["notebooks"]
    english = next((k for k in notebooks if k.split("/")[-1].startswith(block.notebook)
                    and notebooks[k]["language"] == "en"), None)
    if english is None:
        return None
    titles = {row["key"]: row["title"] for row in notebooks[english]["sections"]}
    twin = english.replace("notebooks/", "notebooks/ja/", 1)
    seconds = max(_section_seconds(notebooks[k], block, titles) for k in (english, twin) if k in notebooks)
    return math.ceil(seconds / 60)


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
        out.append(f"  {total:4} min  total{note}")
    return "\n".join(out)
