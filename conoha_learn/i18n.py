"""The language the library speaks to a learner: English (the source text) or Japanese, via gettext.

    from .i18n import _
    raise ConfigError(_("CONOHA_LEARN_SIM_PORT must be a port number, not {value!r}").format(value=v))

Mark every message a learner reads with ``_()``; format *after* translating, so the catalog holds one
entry per message whatever the values. Texts kept in tables at import time are marked with ``N_()`` and
translated where they are shown. The catalogs live in ``locale/`` (``make messages`` rebuilds them). The language comes from ``CONOHA_LEARN_LANG`` (``ja`` / ``en``),
else from ``set_language()``; English by default.
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

DOMAIN = "conoha_learn"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ja")
LANGUAGE_VARIABLE = "CONOHA_LEARN_LANG"

_chosen: str | None = None


def set_language(language: str) -> None:
    """Speak ``language`` ("ja" or "en") from now on (current_language() tells which is chosen).

    It returns nothing, so a notebook cell that ends with it shows no output.
    """
    global _chosen
    _chosen = _normalise(language)


def current_language() -> str:
    """The language messages are in now: set_language() wins, then CONOHA_LEARN_LANG, else "en"."""
    if _chosen is not None:
        return _chosen
    value = os.environ.get(LANGUAGE_VARIABLE, "").strip()
    return _normalise(value, origin=f"the {LANGUAGE_VARIABLE} variable") if value else "en"


def _normalise(language: str, origin: str = "set_language()") -> str:
    """"ja", "ja_JP.UTF-8", "JA-jp" -> "ja"; anything else is refused."""
    code = str(language).strip().lower().replace("_", "-").split("-")[0].split(".")[0]
    if code not in LANGUAGES:
        # In both languages, untranslated: the learner may not read the one chosen by default.
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)} (en: English, ja: 日本語), "
                         f"not {language!r} (from {origin}). / 言語は {' か '.join(LANGUAGES)} "
                         f"で指定してください（{language!r} は使えません）。")
    return code


@lru_cache(maxsize=None)
def _translations(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """``message`` in the learner's language (English when it has no translation)."""
    if not message:  # gettext("") is the catalog's header, never a message
        return message
    return _translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` (chosen by ``n``) in the learner's language."""
    return _translations(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet.

    For texts defined when a module is imported (tables of feedback, class-level hints): the
    language may change later, so they are translated with ``_()`` where they are shown.
    """
    return message
