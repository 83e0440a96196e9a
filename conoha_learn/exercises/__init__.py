"""Exercises with instant feedback.

    cl.check("02.token-header", answer)    # ✔ Right ... / ✘ Not yet: what is off
    cl.hint("02.token-header")             # a nudge, without the answer

Each notebook's exercises live in their own module here (``nb02.py`` for notebook 02, ...) and are
registered with ``@exercise``. A checker gets the learner's answer and the current connection and
returns None when the answer is right, or a sentence saying what is off. Solutions are ordinary
notebook cells, hidden until clicked (JupyterLab's collapsed input), so they run under test.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Checker = Callable[[Any, Any], "str | None"]


@dataclass(frozen=True)
class Exercise:
    name: str
    question: str
    hint: str
    checker: Checker


@dataclass(frozen=True)
class Feedback:
    """What check() says. True when right, so tests can ``assert cl.check(...)``."""

    name: str
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        mark = "✔ Right" if self.ok else "✘ Not yet"
        return f"{mark} ({self.name}): {self.message}"


_EXERCISES: dict[str, Exercise] = {}

CONNECT_FIRST = "connect first (conn = cl.connect()), so the answer can be compared with your catalog."


def not_connected(conn: Any) -> bool:
    """No connection to compare an answer with? (check() passes the last cl.connect()'s.)"""
    return conn is None or not (hasattr(conn, "catalog") and hasattr(conn, "endpoint"))


def exercise(name: str, question: str, hint: str) -> Callable[[Checker], Checker]:
    """Register a checker under ``name`` (``"<notebook>.<slug>"``)."""
    def register(checker: Checker) -> Checker:
        _EXERCISES[name] = Exercise(name, question, hint, checker)
        return checker
    return register


def _find(name: str) -> Exercise:
    _load()
    if name not in _EXERCISES:
        known = ", ".join(sorted(_EXERCISES)) or "none"
        raise KeyError(f"No exercise called {name!r}. Known exercises: {known}")
    return _EXERCISES[name]


def check(name: str, answer: Any) -> Feedback:
    """Check an answer to exercise ``name`` and say whether it is right, or what is off."""
    from ..connection import current
    ex = _find(name)
    try:
        problem = ex.checker(answer, current())
    except Exception as exc:  # a malformed answer is feedback, not a crash
        problem = f"that answer could not be checked ({type(exc).__name__}: {exc})."
    if problem is None:
        return Feedback(name, True, "well done.")
    return Feedback(name, False, problem)


def hint(name: str) -> str:
    """A nudge for exercise ``name``."""
    ex = _find(name)
    return f"{ex.question}\nHint: {ex.hint}"


def _load() -> None:
    if not _EXERCISES:  # import every nbNN module once, on first use
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")


def names() -> list[str]:
    """Every exercise's name."""
    _load()
    return sorted(_EXERCISES)
