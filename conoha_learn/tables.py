"""Lists of resources as pandas DataFrames that print whole in a plain terminal.

In a notebook a table shows as pandas' HTML, as always. In a terminal (``python``, a script)
pandas would cut wide columns such as the catalog's URLs to ``...`` and fold wide tables; a
learner reading ``print(conn.catalog)`` there needs every character, so a `Table` prints in full.
pandas is loaded with the first module that makes tables (compute.py, image.py...), not before.
Where pandas cannot be loaded at all (a browser tab offline: pandas exists for Pyodide only on its
CDN), a `PlainTable` of the same columns stands in, and says so once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

try:
    import pandas as pd
except ImportError:  # only in a page without pandas (Pyodide offline); CPython always has it
    pd = None


class Table(pd.DataFrame if pd is not None else object):
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
    if pd is None:
        return PlainTable(rows, columns)  # a plain table shows every value whole anyway
    result = Table(rows, columns=columns)
    if whole:
        result.attrs["whole"] = True  # attrs follow selections (.loc, [[...]]) in pandas
    return result


def frame(data: Any) -> Table:
    """Any data pandas can make a DataFrame from, as a `Table`."""
    if pd is None:
        return PlainTable.of(data)
    return Table(data)


# --- without pandas --------------------------------------------------------------------------------

_told = False  # the learner has been told once that tables are plain here


class PlainTable:
    """Rows under named columns, shown as an HTML table and printed whole; no pandas methods.

    ``len(t)``, ``t["name"]`` (the column as a list), ``t.columns`` and ``t.to_dict("records")``
    work as with a DataFrame.
    """

    def __init__(self, records: Iterable[dict[str, Any]], columns: list[str]):
        global _told
        self.columns = list(columns)
        self.records = [{c: r.get(c) for c in self.columns} for r in records]
        if not _told:
            _told = True
            from .i18n import _
            print(_("pandas cannot be loaded here (a browser tab without the Internet), so tables "
                    "are shown as plain tables: the same columns and rows, without pandas' "
                    "methods."), file=sys.stderr)

    @classmethod
    def of(cls, data: Any) -> PlainTable:
        """A list of dicts, or a dict of columns, as a table."""
        if isinstance(data, dict):
            keys = list(data)
            count = max((len(v) for v in data.values()), default=0)
            return cls([{k: data[k][i] for k in keys} for i in range(count)], keys)
        rows = [row if isinstance(row, dict) else {"value": row} for row in data]
        return cls(rows, list(dict.fromkeys(k for row in rows for k in row)))

    @property
    def empty(self) -> bool:
        return not self.records

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self):
        return iter(self.columns)  # as a DataFrame: its column names

    def __getitem__(self, column: str) -> list[Any]:
        return [r[column] for r in self.records]

    def to_dict(self, orient: str = "records") -> list[dict[str, Any]]:
        return [dict(r) for r in self.records]

    def to_string(self) -> str:
        cells = [self.columns] + [["" if r[c] is None else str(r[c]) for c in self.columns]
                                  for r in self.records]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        return "\n".join("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip()
                         for row in cells)

    __repr__ = __str__ = to_string

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<th>{escape(str(c))}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape('' if r[c] is None else str(r[c]))}</td>"
                                        for c in self.columns) + "</tr>" for r in self.records)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
