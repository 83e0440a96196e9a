"""Exercises of notebook 00 (start here)."""

from __future__ import annotations

from . import exercise

WHAT_EACH_MODE_NEEDS = {
    "replay": "plays back recorded answers, so nothing you create is really there",
    "live": "needs a real ConoHa account (and costs money)",
    "record": "writes cassettes while talking to a simulator or a real account",
}


@exercise("00.mode", "Which mode talks to the local simulator, with no account?",
          "There are four: sim, replay, live, record. Which one needs no cloud and no recording?")
def mode(answer, conn):
    if not isinstance(answer, str):
        return 'answer with the mode\'s name as a string, e.g. "live".'
    name = answer.strip().lower()
    if name in WHAT_EACH_MODE_NEEDS:
        return f"{name!r} {WHAT_EACH_MODE_NEEDS[name]}."
    if name != "sim":
        return f"{answer!r} is not a mode: the four are sim, replay, live and record."
    return None
