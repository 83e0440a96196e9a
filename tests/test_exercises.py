"""Every exercise answers every kind of answer with feedback, never a crash."""

from __future__ import annotations

import pytest

import conoha_learn as cl
from conoha_learn import exercises

WRONG_ANSWERS = [None, 0, "", "nonsense", [], {}, 3.5, object()]


def answer_id(answer: object) -> str:
    """Its repr, but without a memory address: test ids must be the same in every process
    (`make test` runs the tests in several, and pytest-xdist compares their collections)."""
    return "object()" if type(answer) is object else repr(answer)


def test_exercises_exist_and_have_hints():
    assert exercises.names(), "no exercises registered"
    for name in exercises.names():
        assert "Hint:" in cl.hint(name)


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
