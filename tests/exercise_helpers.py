"""Shared by the tests of the notebooks' exercises (tests/test_exercises_nb*.py)."""

from __future__ import annotations

import conoha_learn as cl


def feedback(name: str, answer) -> tuple[bool, str]:
    """What cl.check() says, as (right?, message)."""
    result = cl.check(name, answer)
    return result.ok, result.message
