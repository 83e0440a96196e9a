"""Lists of resources as pandas DataFrames (pandas is imported only when a table is made)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def table(records: Iterable[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A DataFrame with exactly these columns, in this order, even when there are no rows."""
    import pandas as pd

    return pd.DataFrame([{c: r.get(c) for c in columns} for r in records], columns=columns)
