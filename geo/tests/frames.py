"""Typed reads of one row of a loader's result frame, whose labels are unique."""

from __future__ import annotations

from typing import Any

import pandas as pd


def row_values(frame: pd.DataFrame, label: str, columns: list[str] | None = None) -> list[Any]:
    """The values of row ``label`` (of ``columns``, default all); fails unless it is one row."""
    found = frame.loc[label] if columns is None else frame.loc[label, columns]
    assert isinstance(found, pd.Series), f"{label!r} is not one row"
    return found.tolist()
