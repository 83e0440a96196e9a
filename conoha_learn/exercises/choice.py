"""An exercise described as data: the answer is one name, right or a known near miss or anything else.

Most exercises judge a name (a mode, a header, a variable): which answers are right, what each
tempting wrong answer misunderstands, and one sentence for the rest. Writing them as a `Choice`
keeps the judging in one place; only exercises that look at real state (the catalog, the token,
the simulator's plans) are code.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..i18n import _
from . import answers


@dataclass(frozen=True)
class Choice:
    """Judge an answer that is one name.

    ``read`` turns the raw answer into a normalised value (or refuses it with ``expects``);
    ``clean`` drops decorations a learner may add (a ``$``, a trailing ``:``, a path); ``fold``
    makes the comparison case-blind. Messages are msgids (marked ``N_``) formatted with
    ``answer`` (as typed, normalised), ``name`` (cleaned, as compared) and ``fact`` (what
    ``facts`` says about this answer).
    """

    expects: str
    right: tuple[Hashable, ...]
    otherwise: str
    near_misses: tuple[tuple[Hashable, str], ...] = ()   # (folded answer or pattern, why), in order
    matches: Callable[[Any, Any], bool] = operator.eq      # how a near miss's pattern is compared
    read: Callable[[Any, str], Any] = answers.text
    clean: Callable[[Any], Any] = answers.as_is
    fold: Callable[[Any], Any] = str.lower
    spelling: tuple[str, str] | None = None  # (the exact spelling, why case matters)
    facts: Mapping[Hashable, str] = field(default_factory=dict)  # {fact} in a near miss's message

    def __call__(self, answer: Any, conn: Any) -> str | None:
        given = self.read(answer, self.expects)
        name = self.clean(given)
        key = self.fold(name)
        if key in self.right:
            if self.spelling and name != self.spelling[0]:
                return _(self.spelling[1])
            return None
        why = next((why for pattern, why in self.near_misses if self.matches(key, pattern)),
                   self.otherwise)
        return _(why).format(answer=given, name=name, fact=self.facts.get(key, ""))


def contains(key: str, pattern: str) -> bool:
    """A near miss that matches when its pattern appears anywhere in the answer."""
    return pattern in key
