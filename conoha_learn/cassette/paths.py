"""Which cassette: the one file per notebook, and how a kernel finds its notebook's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

CASSETTE_VARIABLE = "CONOHA_LEARN_CASSETTE"
SESSION_VARIABLE = "JPY_SESSION_NAME"  # set by Jupyter Server: the notebook's absolute path
CASSETTE_DIR = "cassettes"
# Folders of translated twins (notebooks/ja/02_tokens.ipynb): a twin sends the same requests as its
# original, so it replays the original's cassette; there is one recording per lesson, not per language.
TRANSLATION_FOLDERS = ("ja",)


def is_twin(notebook: str | os.PathLike) -> bool:
    """Whether ``notebook`` is a translation (``notebooks/ja/...``), which has no cassette of its own."""
    return Path(notebook).parent.name in TRANSLATION_FOLDERS


def original_of(notebook: str | os.PathLike) -> Path:
    """``notebooks/ja/02_tokens.ipynb`` -> ``notebooks/02_tokens.ipynb`` (an original is its own)."""
    notebook = Path(notebook)
    return notebook.parent.parent / notebook.name if is_twin(notebook) else notebook


def twins_of(notebook: str | os.PathLike) -> list[Path]:
    """The translations of an original notebook that exist."""
    notebook = Path(notebook)
    return [t for t in (notebook.parent / f / notebook.name for f in TRANSLATION_FOLDERS) if t.exists()]


def cassette_for(notebook: str | os.PathLike) -> Path:
    """``notebooks/02_tokens.ipynb`` (and ``notebooks/ja/02_tokens.ipynb``) ->
    ``notebooks/cassettes/02_tokens.yaml``."""
    notebook = original_of(notebook)
    return notebook.parent / CASSETTE_DIR / f"{notebook.stem}.yaml"


def notebook_for(cassette: str | os.PathLike) -> Path:
    """The notebook a cassette belongs to (the inverse of `cassette_for`)."""
    cassette = Path(cassette)
    return cassette.parent.parent / f"{cassette.stem}.ipynb"


def selected_cassette(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The cassette chosen by CONOHA_LEARN_CASSETTE, else by Jupyter's JPY_SESSION_NAME."""
    if environ.get(CASSETTE_VARIABLE):
        return Path(environ[CASSETTE_VARIABLE])
    session = environ.get(SESSION_VARIABLE, "")
    if session.endswith(".ipynb"):
        return cassette_for(session)
    return None


# Package-private (the other cassette modules use it in their messages), hence the underscore.
def _shown(path: str | os.PathLike) -> str:
    """A path as the learner typed it: relative to the current folder when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def record_command(cassette: str | os.PathLike) -> str:
    """The command that records ``cassette`` again (for error messages)."""
    return f"conoha-learn record {_shown(notebook_for(cassette))}"
