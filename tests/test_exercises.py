"""Every exercise answers every kind of answer with feedback, never a crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import conoha_learn as cl
from conoha_learn import exercises

WRONG_ANSWERS = [None, 0, "", "nonsense", [], {}, 3.5, object()]


def answer_id(answer: object) -> str:
    """Its repr, but without a memory address: test ids must be the same in every process
    (`make test` runs the tests in several, and pytest-xdist compares their collections)."""
    return "object()" if type(answer) is object else repr(answer)


def test_exercises_exist_and_have_hints(capsys):
    assert exercises.names(), "no exercises registered"
    for name in exercises.names():
        assert cl.hint(name) is None   # printed, not returned (a returned str shows quoted, with \n)
        printed = capsys.readouterr().out
        assert printed == exercises.hint_text(name) + "\n" and "\nHint: " in printed


@pytest.mark.parametrize("name", exercises.names())
@pytest.mark.parametrize("answer", WRONG_ANSWERS, ids=answer_id)
def test_wrong_answers_get_feedback(name, answer):
    feedback = cl.check(name, answer)
    assert not feedback and repr(feedback).startswith("✘ Not yet") and len(feedback.message) > 10


def test_right_answer():
    assert cl.check("00.mode", " SIM ")


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="00.mode"):
        cl.check("99.nothing", 1)


NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_makes_the_learner_build_something(path):
    """Each notebook checks at least one build exercise of its own (the learner does, the checker
    judges what was sent or made), and every exercise it checks exists."""
    checked = set(re.findall(r'cl\.check\(\\?"(\d\d\.[\w-]+)\\?"', path.read_text(encoding="utf-8")))
    assert checked <= set(exercises.names()), f"unknown exercises: {checked - set(exercises.names())}"
    own_builds = {name for name in exercises.names(builds=True) if name.startswith(path.name[:2] + ".")}
    assert checked & own_builds, f"{path.name} checks no build exercise of its own"
