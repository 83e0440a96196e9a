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


# Why each of the other answers is safe to commit.
NOT_THE_SECRET = [
    (("clouds.yaml", "clouds.yml", "clouds"),
     "clouds.yaml names your clouds (auth URL, API user, tenant, region) and can be shared; the "
     "password goes in a second file next to it"),
    (("cassette",),
     "cassettes are scrubbed as they are recorded (tokens and passwords become placeholders such "
     "as TOKEN_1), and `conoha-learn audit` checks them"),
    (("notebook", ".ipynb"),
     "a notebook is fine to commit when no cell holds a password and no output shows a token "
     "(`conoha-learn audit` checks both)"),
]


@exercise("00.secret-file",
          "Which file holds your ConoHa API password and must never be committed: clouds.yaml, "
          "secure.yaml, a cassette or a notebook?",
          "openstacksdk reads two files: one you may share, and one only for secrets.")
def secret_file(answer, conn):
    if not isinstance(answer, str) or not answer.strip():
        return 'answer with a file name as a string, e.g. "clouds.yaml".'
    name = answer.strip().lower()
    if name.rsplit("/", 1)[-1] in ("secure.yaml", "secure.yml", "secure"):
        return None
    for words, why in NOT_THE_SECRET:
        if any(word in name for word in words):
            return why + "."
    return f"{answer!r} is not one of the four: clouds.yaml, secure.yaml, a cassette, a notebook."
