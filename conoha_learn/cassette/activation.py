"""Activating a cassette for a whole process (a notebook's kernel): started once, stopped at exit."""

from __future__ import annotations

import atexit
import os
from pathlib import Path
from typing import Any, Mapping

from ..config import MODE_VARIABLE
from ..errors import ConfigError
from ..i18n import _
from ..pausing import skip_pauses
from .credentials import export_credentials, replay_credentials
from .paths import CASSETTE_VARIABLE, selected_cassette
from .vcr_glue import use_cassette

_ACTIVE: dict[str, Any] = {}  # {"mode", "path", "context", "cassette"} while a cassette is in use


def active() -> tuple[str, Path] | None:
    """(mode, path) of the cassette in use in this process, or None."""
    return (_ACTIVE["mode"], _ACTIVE["path"]) if _ACTIVE else None


def activate(mode: str, path: str | os.PathLike | None) -> Path:
    """Start recording or replaying ``path`` for the rest of this process (idempotent).

    Recording is written when `deactivate` runs, at the latest when the process exits.
    """
    if path is None:
        raise ConfigError(_("{variable}={mode} needs a cassette, but none is selected.").format(
                              variable=MODE_VARIABLE, mode=mode),
                          hint=_("set {variable}=notebooks/cassettes/NN_name.yaml, or open the "
                                 "notebook in JupyterLab (which tells the kernel its file "
                                 "name).").format(variable=CASSETTE_VARIABLE))
    path = Path(path).resolve()
    if _ACTIVE.get("mode") == mode and _ACTIVE.get("path") == path:
        return path
    deactivate()
    context = use_cassette(path, mode)
    cassette = context.__enter__()
    _ACTIVE.update(mode=mode, path=path, context=context, cassette=cassette)
    if mode == "replay":
        export_credentials(replay_credentials(path))
        skip_pauses(True)  # recorded answers are there already: polls and retries need no waiting
    return path


def deactivate() -> None:
    """Stop using the active cassette; a recording is written now (scrubbed)."""
    if not _ACTIVE:
        return
    context = _ACTIVE["context"]
    _ACTIVE.clear()
    skip_pauses(False)
    context.__exit__(None, None, None)


atexit.register(deactivate)


def activate_from_environment(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Activate the cassette CONOHA_LEARN_MODE and CONOHA_LEARN_CASSETTE ask for, if any."""
    mode = (environ.get(MODE_VARIABLE) or "").strip().lower()
    if mode not in ("replay", "record"):
        return None
    return activate(mode, selected_cassette(environ))


def ensure_active(mode: str, environ: Mapping[str, str] = os.environ) -> Path | None:
    """For ``cl.connect(mode=...)`` and ``%openstack``: the cassette this mode needs, active."""
    if mode not in ("replay", "record"):
        return None
    current = active()
    if current and current[0] == mode:
        return current[1]
    return activate(mode, selected_cassette(environ))
