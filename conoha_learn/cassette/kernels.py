"""Kernels we start that record or replay: their start-up file and environment (record, nbval)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..config import MODE_VARIABLE
from .paths import CASSETTE_VARIABLE, SESSION_VARIABLE, cassette_for

STARTUP_FILE = """\
# Written by conoha-learn: record or replay this kernel's HTTP when CONOHA_LEARN_MODE says so,
# before the notebook's first cell runs (see conoha_learn/cassette/kernels.py).
import conoha_learn.cassette as _cassette
_cassette.activate_from_environment()
del _cassette
"""


def kernel_startup_dir(folder: str | os.PathLike) -> Path:
    """An IPYTHONDIR whose start-up file activates the cassette (for kernels we start).

    Activation on ``import conoha_learn`` would miss a notebook that sends its first requests
    with plain ``requests``; a start-up file runs before any cell.
    """
    folder = Path(folder)
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    path = startup / "00-conoha-learn-cassette.py"
    # Another process's kernel may be reading it right now (nbval in parallel, `make test`):
    # write it only when it differs, and whole (a temporary file renamed over it), never truncated.
    if not path.is_file() or path.read_text(encoding="utf-8") != STARTUP_FILE:
        temporary = startup / f".{path.name}.{os.getpid()}"  # no .py: IPython never runs it
        temporary.write_text(STARTUP_FILE, encoding="utf-8")
        os.replace(temporary, path)
    return folder


def kernel_environment(mode: str, cassette: str | os.PathLike, ipython_dir: str | os.PathLike,
                       cloud: Mapping[str, str] | None = None,
                       environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The environment of a kernel that records or replays ``cassette``.

    ``cloud``: OS_* variables to use instead of the inherited ones (None: keep them, for live).
    """
    env = dict(environ)
    if cloud is not None or mode == "replay":  # replay takes its credentials from the cassette
        env = {k: v for k, v in env.items() if not k.startswith("OS_")}
        env.update(cloud or {})
    env.update({MODE_VARIABLE: mode, CASSETTE_VARIABLE: str(Path(cassette).resolve()),
                "IPYTHONDIR": str(Path(ipython_dir).resolve())})
    env.pop(SESSION_VARIABLE, None)
    return env


def nbval_environment(notebook: str | os.PathLike, ipython_dir: str | os.PathLike) -> dict[str, str]:
    """Variables for a kernel that nbval starts for ``notebook``: replay its cassette."""
    return {MODE_VARIABLE: "replay", CASSETTE_VARIABLE: str(cassette_for(notebook).resolve()),
            "IPYTHONDIR": str(kernel_startup_dir(ipython_dir).resolve())}


@contextlib.contextmanager
def replaying_for_nbval(item: Any) -> Iterator[None]:
    """Wrap nbval's test set-up so that each notebook's kernel starts replaying its cassette.

    The pytest plugin (nbval_plugin.py) wraps every test set-up in it. nbval starts one kernel
    per notebook during the set-up of its first cell, and the kernel inherits this process's
    environment; it is put back right after, so other tests never see replay mode.
    """
    path = Path(str(getattr(item, "path", "")))
    if path.suffix != ".ipynb":
        yield
        return
    cache = getattr(item.config, "cache", None)
    folder = cache.mkdir("conoha-learn-ipython") if cache is not None else _temporary_folder()
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith("OS_")]:
        del os.environ[name]  # replay takes its credentials from the cassette
    os.environ.update(nbval_environment(path, folder))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _temporary_folder() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="conoha-learn-ipython-"))
