"""`Table`: a pandas DataFrame that prints whole in a plain terminal.

In a notebook a table shows as pandas' HTML, as always. In a terminal (``python``, a script)
pandas would cut wide columns such as the catalog's URLs to ``...`` and fold wide tables; a
learner reading ``print(conn.catalog)`` there needs every character, so a `Table` prints in full.
Importing this module imports pandas: tables.py does so at the first table, not before.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd


class Table(pd.DataFrame):
    """A DataFrame whose text form is never truncated outside a Jupyter kernel."""

    @property
    def _constructor(self) -> type[Table]:
        return Table  # a filtered or sorted table prints in full too (pandas' subclassing hook)

    def __repr__(self) -> str:
        if in_kernel():
            # A notebook: pandas' own text/plain beside its HTML, as the committed outputs hold.
            with self._whole_cells():
                return super().__repr__()
        return self.to_string()  # every row, column and character

    def _repr_html_(self) -> str | None:
        with self._whole_cells():
            return super()._repr_html_()

    @contextmanager
    def _whole_cells(self) -> Iterator[None]:
        """Cells in full (no "..."), for a table made with ``whole=True`` (a lesson reads them)."""
        if self.attrs.get("whole"):
            with pd.option_context("display.max_colwidth", None):
                yield
        else:
            yield


def in_kernel() -> bool:
    """Whether this code runs in a Jupyter kernel (IPython's kernel shell is running)."""
    ipython = sys.modules.get("IPython")  # never imported here: a kernel has it loaded already
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"
