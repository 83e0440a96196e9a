"""The pytest plugin behind nbval's replay: installed for every pytest run, acting only for notebooks."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

from conoha_learn.cassette import STARTUP_FILE, kernel_startup_dir, nbval_plugin, replaying_for_nbval


def item(path: Path) -> SimpleNamespace:
    """What the hook reads of a pytest item: its path and its config's cache (none here)."""
    return SimpleNamespace(path=path, config=SimpleNamespace(cache=None))


def test_the_plugin_is_registered_by_the_package(pytestconfig):
    # The pytest11 entry point in pyproject.toml: no conftest.py needed next to the notebooks.
    assert pytestconfig.pluginmanager.get_plugin("conoha_learn_replay") is nbval_plugin


def test_other_tests_see_their_environment_untouched(monkeypatch):
    monkeypatch.setenv("OS_PASSWORD", "kept")
    monkeypatch.delenv("CONOHA_LEARN_MODE", raising=False)
    before = dict(os.environ)
    with replaying_for_nbval(item(Path(__file__))):
        assert dict(os.environ) == before
    assert dict(os.environ) == before


def test_a_notebook_kernel_starts_replaying_its_cassette_and_the_environment_comes_back(
        monkeypatch, tmp_path):
    monkeypatch.setenv("OS_PASSWORD", "not-for-the-replay")
    monkeypatch.setenv("CONOHA_LEARN_MODE", "sim")
    before = dict(os.environ)
    notebook = tmp_path / "notebooks" / "02_tokens.ipynb"
    with replaying_for_nbval(item(notebook)):
        assert os.environ["CONOHA_LEARN_MODE"] == "replay"
        assert os.environ["CONOHA_LEARN_CASSETTE"] == str(
            (tmp_path / "notebooks" / "cassettes" / "02_tokens.yaml").resolve())
        assert "OS_PASSWORD" not in os.environ  # the cassette's credentials are used instead
        startup = Path(os.environ["IPYTHONDIR"]) / "profile_default" / "startup"
        assert "activate_from_environment()" in next(startup.iterdir()).read_text(encoding="utf-8")
    assert dict(os.environ) == before



def test_the_start_up_file_is_written_only_when_it_differs_and_then_whole(tmp_path, monkeypatch):
    """nbval's workers share one such folder (`make test` runs them in parallel): a kernel may be
    reading the file while another worker starts, so a good file is left alone, and a stale one
    replaced by a new file (renamed over it), never rewritten in place."""
    startup = kernel_startup_dir(tmp_path) / "profile_default" / "startup"
    (path,) = startup.iterdir()
    written = []
    monkeypatch.setattr(Path, "write_text", lambda self, *args, **kwargs: written.append(self))
    kernel_startup_dir(tmp_path)
    assert written == []
    monkeypatch.undo()
    path.write_text("stale", encoding="utf-8")
    stale = path.stat().st_ino
    kernel_startup_dir(tmp_path)
    assert path.stat().st_ino != stale
    assert list(startup.iterdir()) == [path]  # no temporary file left behind
    assert path.read_text(encoding="utf-8") == STARTUP_FILE
