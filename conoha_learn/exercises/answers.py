"""Reading a learner's answer before judging it: normalised as typed through an IME, or refused with why.

A Japanese keyboard easily types full-width letters (``ｓｉｍ``) and the ideographic space (U+3000);
NFKC folds both to what the exercise expects, so only the answer's meaning is judged.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ..i18n import N_, _

CONNECT_FIRST = N_("connect first (conn = cl.connect()), so the answer can be compared with your "
                   "catalog.")


class Unjudgeable(Exception):
    """The answer cannot be judged (wrong type, no connection); the message says what to do."""


def normalise(text: str) -> str:
    """NFKC (full-width to half-width, U+3000 to a space), without surrounding whitespace."""
    return unicodedata.normalize("NFKC", text).strip()


def as_is(value: Any) -> Any:
    """No change (for answers that need no cleaning or case folding)."""
    return value


def text(answer: Any, expects: str) -> str:
    """The answer as a normalised, non-empty string; otherwise Unjudgeable(expects), translated."""
    if isinstance(answer, str) and normalise(answer):
        return normalise(answer)
    raise Unjudgeable(_(expects))


def status_code(answer: Any, expects: str) -> int:
    """An HTTP status given as a number or as digits (not True, which Python counts as 1)."""
    if isinstance(answer, int) and not isinstance(answer, bool):
        return answer
    if isinstance(answer, str) and normalise(answer).isdigit():
        return int(normalise(answer))
    raise Unjudgeable(_(expects))


def collection(answer: Any, expects: str) -> list[Any]:
    """A non-empty set, list or tuple, its strings normalised; otherwise Unjudgeable(expects)."""
    if not isinstance(answer, (set, frozenset, list, tuple)) or not answer:
        raise Unjudgeable(_(expects))
    return [normalise(item) if isinstance(item, str) else item for item in answer]


def require_connection(conn: Any) -> Any:
    """The connection check() passed (the last cl.connect()'s); Unjudgeable when there is none."""
    if conn is None:  # check() passes cl.connection.current(): a Connection, or None
        raise Unjudgeable(_(CONNECT_FIRST))
    return conn
