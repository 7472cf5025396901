"""DuckDB over one already-scoped Arrow table of daily usage rollup rows: the only way the
analytics modules run SQL, and the query shape several reports share (sums per day).

The table is registered as `usage` on a private cursor, and nothing else is visible there,
so a query can only ever read rows that `queries.scoped_usage` let through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Literal, NamedTuple

import duckdb
import pyarrow as pa
from pydantic import BaseModel, ConfigDict

_duck: duckdb.DuckDBPyConnection | None = None
_duck_lock = threading.Lock()


class Result(BaseModel):
    """What the analytics functions return: frozen, and no field beyond those declared."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _cursor(usage: pa.Table, **tables: pa.Table) -> duckdb.DuckDBPyConnection:
    """A private DuckDB cursor on which `usage` is the scoped table and nothing else is
    (but `tables`, which the caller derived from rows the user may see)."""
    global _duck
    with _duck_lock:
        if _duck is None:
            _duck = duckdb.connect(":memory:")
            _duck.execute("SET python_enable_replacements = false")
        cursor = _duck.cursor()
    cursor.execute("SET python_enable_replacements = false")
    cursor.register("usage", usage)
    for name, table in tables.items():
        cursor.register(name, table)
    return cursor


def run_sql(usage: pa.Table, sql: str, **tables: pa.Table) -> list[tuple]:
    """The rows of `sql` over `usage` (fixed SQL only: it takes no values from the UI)."""
    cursor = _cursor(usage, **tables)
    try:
        return cursor.execute(sql).fetchall()
    finally:
        cursor.close()


_DAILY_SQL = """
SELECT CAST(day AS DATE) AS day, {column} AS key, {sums}
FROM usage GROUP BY ALL ORDER BY day
"""
SUMMABLE = ("cost_usd", "compute_seconds")


class DailySeries(Result):
    """A sum per UTC day, one series per model, operation or stage, aligned with `days` (for stacking)."""

    days: list[date]
    series: dict[str, list[float]]

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw: no day, or every value zero."""
        return not any(v for values in self.series.values() for v in values)

    def relabelled(self, label: Callable[[str], str]) -> DailySeries:
        """The series renamed by `label`, those that get the same name added up (operations into stages)."""
        merged: dict[str, list[float]] = {}
        for key, values in self.series.items():
            merged[label(key)] = [a + b for a, b in zip(merged.get(label(key), [0.0] * len(values)), values)]
        return DailySeries(days=self.days, series=_largest_first(merged))


def _largest_first(series: dict[str, list[float]]) -> dict[str, list[float]]:
    return dict(sorted(series.items(), key=lambda kv: (-sum(kv[1]), kv[0])))


def daily_sums(usage: pa.Table, by: Literal["model", "operation"], values: tuple[str, ...]) -> dict[str, DailySeries]:
    """Each of `values` summed per UTC day and `by`, in one scan."""
    if by not in ("model", "operation") or not set(values) <= set(SUMMABLE):
        raise ValueError(f"cannot sum {values!r} per day by {by!r}")
    rows = run_sql(usage, _DAILY_SQL.format(column=by, sums=", ".join(f"sum({v})" for v in values)))
    days = sorted({row[0] for row in rows})
    position = {day: i for i, day in enumerate(days)}
    summed: dict[str, dict[str, list[float]]] = {v: {} for v in values}
    for day, key, *totals in rows:
        for value, total in zip(values, totals):
            summed[value].setdefault(key, [0.0] * len(days))[position[day]] += total or 0.0
    return {value: DailySeries(days=days, series=_largest_first(series)) for value, series in summed.items()}


def daily_series(usage: pa.Table, by: Literal["model", "operation"], value: str = "cost_usd") -> DailySeries:
    return daily_sums(usage, by, (value,))[value]


class VideoTotals(NamedTuple):
    calls: int
    cost_usd: float
    compute_seconds: float
    audio_seconds: float
