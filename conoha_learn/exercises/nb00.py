"""Exercises of notebook 00 (start here)."""

from __future__ import annotations

from ..i18n import N_
from . import register
from .choice import Choice, contains

register("00.mode", N_("Which mode talks to the local simulator, with no account?"),
         N_("There are four: sim, replay, live, record. Which one needs no cloud and no recording?"),
         Choice(expects=N_('answer with the mode\'s name as a string, e.g. "live".'),
                right=("sim",),
                near_misses=(
                    ("replay", N_("{name!r} plays back recorded answers, so nothing you create is "
                                  "really there.")),
                    ("live", N_("{name!r} needs a real ConoHa account (and costs money).")),
                    ("record", N_("{name!r} writes cassettes while talking to a simulator or a real "
                                  "account."))),
                otherwise=N_("{answer!r} is not a mode: the four are sim, replay, live and record.")))

# Why each of the other answers is safe to commit (matched anywhere in the answer).
register("00.secret-file",
         N_("Which file holds your ConoHa API password and must never be committed: clouds.yaml, "
            "secure.yaml, a cassette or a notebook?"),
         N_("openstacksdk reads two files: one you may share, and one only for secrets."),
         Choice(expects=N_('answer with a file name as a string, e.g. "clouds.yaml".'),
                right=("secure.yaml", "secure.yml", "secure"),
                clean=lambda path: path.rsplit("/", 1)[-1],
                matches=contains,
                near_misses=(
                    ("clouds", N_("clouds.yaml names your clouds (auth URL, API user, tenant, "
                                  "region) and can be shared; the password goes in a second file "
                                  "next to it.")),
                    ("cassette", N_("cassettes are scrubbed as they are recorded (tokens and "
                                    "passwords become placeholders such as TOKEN_1), and "
                                    "`conoha-learn audit` checks them.")),
                    *((word, N_("a notebook is fine to commit when no cell holds a password and no "
                                "output shows a token (`conoha-learn audit` checks both)."))
                      for word in ("notebook", ".ipynb"))),
                otherwise=N_("{answer!r} is not one of the four: clouds.yaml, secure.yaml, a "
                             "cassette, a notebook.")))
