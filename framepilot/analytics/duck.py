"""DuckDB over one already-scoped Arrow table: the only way the analytics modules run SQL,
and the per-day series shape that the stacked charts use.

The table is registered as `calls` on a private cursor, and nothing else is visible there,
so a query can only ever read rows that `queries.scoped_calls` let through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Literal

import duckdb
import pyarrow as pa
from pydantic import BaseModel, ConfigDict

_duck: duckdb.DuckDBPyConnection | None = None
_duck_lock = threading.Lock()


class Result(BaseModel):
    """What the analytics functions return: frozen, and no field beyond those declared."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _cursor(calls: pa.Table) -> duckdb.DuckDBPyConnection:
    """A private DuckDB cursor on which `calls` is the scoped table and nothing else is."""
    global _duck
    with _duck_lock:
        if _duck is None:
            _duck = duckdb.connect(":memory:")
            _duck.execute("SET python_enable_replacements = false")
        cursor = _duck.cursor()
    cursor.execute("SET python_enable_replacements = false")
    cursor.register("calls", calls)
    return cursor


def run_sql(calls: pa.Table, sql: str) -> list[tuple]:
    """The rows of `sql` over `calls` (fixed SQL only: it takes no values from the UI)."""
    cursor = _cursor(calls)
    try:
        return cursor.execute(sql).fetchall()
    finally:
        cursor.close()


_DAILY_SQL = """
SELECT CAST(created_at AS DATE) AS day, CAST({column} AS VARCHAR) AS key, sum({value}) AS total
FROM calls GROUP BY ALL ORDER BY day
"""


class DailySeries(Result):
    """A sum per UTC day, one series per model, operation or stage, aligned with `days` (for stacking)."""

    days: list[date]
    series: dict[str, list[float]]

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw: no day, or every value zero."""
        return not any(v for values in self.series.values() for v in values)


def daily_series(calls: pa.Table, by: Literal["model", "operation"],
                 value: Literal["cost_usd", "compute_seconds"] = "cost_usd",
                 label: Callable[[str], str] | None = None) -> DailySeries:
    """`value` summed per UTC day and `by`; `label` may merge keys (operations into stages)."""
    if by not in ("model", "operation") or value not in ("cost_usd", "compute_seconds"):
        raise ValueError(f"cannot sum {value!r} per day by {by!r}")
    rows = run_sql(calls, _DAILY_SQL.format(column=by, value=value))
    days = sorted({day for day, _, _ in rows})
    position = {day: i for i, day in enumerate(days)}
    series: dict[str, list[float]] = {}
    for day, key, total in rows:
        name = label(key) if label else key
        series.setdefault(name, [0.0] * len(days))[position[day]] += total or 0.0
    ordered = sorted(series, key=lambda k: (-sum(series[k]), k))
    return DailySeries(days=days, series={k: series[k] for k in ordered})
