"""Exercises with instant feedback.

    cl.check("02.token-header", answer)    # ✔ Right ... / ✘ Not yet: what is off
    cl.hint("02.token-header")             # prints a nudge, without the answer

Each notebook's exercises live in their own module here (``nb02.py`` for notebook 02, ...). Most are
data: a `Choice` (choice.py) lists the right answers and what each near miss misunderstands. The
ones that judge real state (your catalog, your token, the simulator's plans) are functions
registered with ``@exercise``: they get the answer as typed and the current connection, read it
with the guards of answers.py (which normalise full-width letters and the ideographic space, or
refuse an answer of the wrong kind with what to give instead), and return None when the answer
is right, or a sentence saying what is off. Solutions
are ordinary notebook cells, hidden until clicked (JupyterLab's collapsed input), so they run
under test. Every text is in the learner's language (i18n.py).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..connection import current
from ..i18n import _
from .answers import Unjudgeable

Checker = Callable[[Any, Any], "str | None"]


@dataclass(frozen=True)
class Exercise:
    name: str
    question: str   # msgids, translated when shown
    hint: str
    checker: Checker
    builds: bool = False  # the learner builds something and the checker judges what was done


@dataclass(frozen=True)
class Feedback:
    """What check() says. True when right, so tests can ``assert cl.check(...)``."""

    name: str
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        shown = _("✔ Right ({name}): {message}") if self.ok else _("✘ Not yet ({name}): {message}")
        return shown.format(name=self.name, message=self.message)


_EXERCISES: dict[str, Exercise] = {}


def register(name: str, question: str, hint: str, checker: Checker, *,
             builds: bool = False) -> Checker:
    """Register ``checker`` (a `Choice` or a function) under ``name`` (``"<notebook>.<slug>"``);
    ``builds`` marks an exercise that judges what the learner really sent or made."""
    _EXERCISES[name] = Exercise(name, question, hint, checker, builds)
    return checker


def exercise(name: str, question: str, hint: str, *,
             builds: bool = False) -> Callable[[Checker], Checker]:
    """Register the decorated function as the checker of ``name``."""
    def decorate(checker: Checker) -> Checker:
        return register(name, question, hint, checker, builds=builds)
    return decorate


def _find(name: str) -> Exercise:
    _load()
    if name not in _EXERCISES:
        known = ", ".join(sorted(_EXERCISES)) or "none"
        raise KeyError(_("No exercise called {name!r}. Known exercises: {known}").format(
            name=name, known=known))
    return _EXERCISES[name]


def check(name: str, answer: Any) -> Feedback:
    """Check an answer to exercise ``name`` and say whether it is right, or what is off."""
    ex = _find(name)
    try:
        problem = ex.checker(answer, current())
    except Unjudgeable as refused:  # not the kind of answer asked for: say what to give
        problem = str(refused)
    except Exception as exc:  # a malformed answer is feedback, not a crash
        problem = _("that answer could not be checked ({error}).").format(
            error=f"{type(exc).__name__}: {exc}")
    if problem is None:
        return Feedback(name, True, _("well done."))
    return Feedback(name, False, problem)


def hint_text(name: str) -> str:
    """The question of exercise ``name`` and a nudge, as text."""
    ex = _find(name)
    return _("{question}\nHint: {hint}").format(question=_(ex.question), hint=_(ex.hint))


def hint(name: str) -> None:
    """Print a nudge for exercise ``name`` (printed, so it shows wherever it is in a cell, as
    lines, not as a quoted string)."""
    print(hint_text(name))


def _load() -> None:
    if not _EXERCISES:  # import every nbNN module once, on first use
        for module in pkgutil.iter_modules(__path__):
            if module.name.startswith("nb"):
                importlib.import_module(f"{__name__}.{module.name}")


def names(*, builds: bool = False) -> list[str]:
    """Every exercise's name; with ``builds=True`` only the build-something ones."""
    _load()
    return sorted(name for name, ex in _EXERCISES.items() if ex.builds or not builds)
