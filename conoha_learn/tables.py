"""Lists of resources as tables: a pandas DataFrame (`dataframe.Table`), or a plain table
where pandas cannot be loaded.

pandas is imported with the first table, not before: it takes about a fifth of a second (longer
in a browser tab), and a lesson that shows no table (00) need not wait for it.
Where pandas cannot be loaded at all (a browser tab offline: pandas exists for Pyodide only on its
CDN), a `PlainTable` of the same columns stands in, and says so once.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dataframe import Table


@functools.cache
def _table_class() -> type[Table] | None:
    """`dataframe.Table`, importing pandas the first time; None where pandas cannot be loaded."""
    try:
        from .dataframe import Table
    except ImportError:  # only in a page without pandas (Pyodide offline); CPython always has it
        return None
    return Table


def table(records: Iterable[dict[str, Any]], columns: list[str], *,
          whole: bool = False) -> Table | PlainTable:
    """A table with exactly these columns, in this order, even when there are no rows.

    A missing ``name`` (Cinder allows a volume without one) shows empty, not as pandas' NaN.
    ``whole=True``: a notebook shows every cell in full too (pandas cuts at 50 characters),
    for tables whose long values a lesson asks to read, such as the catalog's URLs.
    """
    rows = [{c: ("" if c == "name" and r.get(c) is None else r.get(c)) for c in columns}
            for r in records]
    table_class = _table_class()
    if table_class is None:
        return PlainTable(rows, columns)  # a plain table shows every value whole anyway
    result = table_class(rows, columns=columns)
    if whole:
        result.attrs["whole"] = True  # attrs follow selections (.loc, [[...]]) in pandas
    return result


def frame(data: Any) -> Table | PlainTable:
    """Any data pandas can make a DataFrame from, as a `Table`."""
    table_class = _table_class()
    return PlainTable.of(data) if table_class is None else table_class(data)


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
