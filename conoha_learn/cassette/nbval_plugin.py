"""The pytest plugin that makes nbval replay each notebook from its cassette (no network, no simulator).

Registered as a ``pytest11`` entry point (pyproject.toml), so a plain
``pytest --nbval --nbval-current-env notebooks/`` replays, and the notebooks folder needs no
conftest.py of its own (JupyterLab would list it among the lessons). In any other pytest run it
does nothing: `replaying_for_nbval` acts only for items from a notebook (``.ipynb``), which only
nbval collects.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .kernels import replaying_for_nbval


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: Any) -> Iterator[None]:
    with replaying_for_nbval(item):  # nbval starts the notebook's kernel during this set-up
        yield
