"""Lists of resources as pandas DataFrames that print whole in a plain terminal.

In a notebook a table shows as pandas' HTML, as always. In a terminal (``python``, a script)
pandas would cut wide columns such as the catalog's URLs to ``...`` and fold wide tables; a
learner reading ``print(conn.catalog)`` there needs every character, so a `Table` prints in full.
pandas is loaded with the first module that makes tables (compute.py, image.py...), not before.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

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


def table(records: Iterable[dict[str, Any]], columns: list[str], *, whole: bool = False) -> Table:
    """A table with exactly these columns, in this order, even when there are no rows.

    A missing ``name`` (Cinder allows a volume without one) shows empty, not as pandas' NaN.
    ``whole=True``: a notebook shows every cell in full too (pandas cuts at 50 characters),
    for tables whose long values a lesson asks to read, such as the catalog's URLs.
    """
    rows = [{c: ("" if c == "name" and r.get(c) is None else r.get(c)) for c in columns}
            for r in records]
    result = Table(rows, columns=columns)
    if whole:
        result.attrs["whole"] = True  # attrs follow selections (.loc, [[...]]) in pandas
    return result


def frame(data: Any) -> Table:
    """Any data pandas can make a DataFrame from, as a `Table`."""
    return Table(data)
