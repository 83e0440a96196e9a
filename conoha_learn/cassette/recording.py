"""Recording a notebook's cassette (``conoha-learn record``), then its outputs from the replay."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .kernels import kernel_environment, kernel_startup_dir
from .paths import cassette_for, is_twin, twins_of
from .yaml_format import HEADER_COMMENT, YamlJsonSerializer


def _execute(notebook: Any, path: Path, env: dict[str, str], timeout: int) -> Any:
    """Run every cell of ``notebook`` (an nbformat node) in a new kernel, in the notebook's folder."""
    from nbclient import NotebookClient

    client = NotebookClient(notebook, timeout=timeout, record_timing=False,
                            kernel_name=notebook.metadata.get("kernelspec", {}).get("name", "python3"),
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    return client.execute(env=env)


# A seeded simulator's clock starts at 2026-01-01 while clients compare expiry with the real
# clock; a long lifetime keeps its tokens valid for them (expiry is rewritten in the cassette anyway).
RECORDING_TOKEN_LIFETIME = 20 * 365 * 86400


def record_notebook(notebook: str | os.PathLike, *, live: bool = False, seed: int = 1,
                    delay: float = 3.0, timeout: int = 600) -> tuple[Path, int]:
    """Record ``notebook``'s cassette, then run it again from the cassette and save its outputs.

    Recording runs against a fresh simulator (``seed``, ``delay``) or, with ``live``, against the
    cloud the OS_* variables or clouds.yaml describe. Returns (cassette path, exchanges recorded).
    The old cassette is replaced only when the whole notebook ran without an error. Translated
    twins (``notebooks/ja/``) replay the same cassette, so their outputs are saved again too; a
    twin given here is only replayed (see `save_replayed_outputs`).
    """
    import tempfile

    import nbformat

    from ..sim import Simulator

    path = Path(notebook)
    final = cassette_for(path)
    if is_twin(path):
        return final, save_replayed_outputs(path, timeout=timeout)
    recording = final.with_name(final.stem + ".recording.yaml")
    original = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="conoha-learn-kernel-") as ipython_dir:
        kernel_startup_dir(ipython_dir)
        copy = nbformat.from_dict(original)
        # Written when this cell runs, not when the kernel exits: an exit may not run atexit.
        copy.cells.append(nbformat.v4.new_code_cell("import conoha_learn.cassette as c; c.deactivate()"))
        sim = None if live else Simulator(seed=seed, delay=delay,
                                          token_lifetime=RECORDING_TOKEN_LIFETIME).start()
        try:
            env = kernel_environment("record", recording, ipython_dir,
                                     cloud=None if sim is None else sim.credentials())
            _execute(copy, path, env, timeout)
        except BaseException:
            recording.unlink(missing_ok=True)
            raise
        finally:
            if sim is not None:
                sim.stop()
        if not recording.exists():  # no HTTP at all: an empty cassette still replays
            recording.write_text(HEADER_COMMENT + "version: 1\ninteractions: []\n", encoding="utf-8")
        os.replace(recording, final)
    for replayed in (path, *twins_of(path)):
        save_replayed_outputs(replayed, timeout=timeout)
    return final, _exchanges(final)


def _exchanges(cassette: Path) -> int:
    return len(YamlJsonSerializer.deserialize(cassette.read_text(encoding="utf-8"))["interactions"])


def save_replayed_outputs(notebook: str | os.PathLike, *, timeout: int = 600) -> int:
    """Run ``notebook`` from its cassette and save the outputs: exactly what nbval will expect.
    Returns the number of exchanges in the cassette."""
    import tempfile

    import nbformat

    path = Path(notebook)
    final = cassette_for(path)
    with tempfile.TemporaryDirectory(prefix="conoha-learn-kernel-") as ipython_dir:
        kernel_startup_dir(ipython_dir)
        replayed = _execute(nbformat.read(path, as_version=4), path,
                            kernel_environment("replay", final, ipython_dir), timeout)
    nbformat.write(replayed, path)
    return _exchanges(final)
