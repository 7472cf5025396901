"""Typed cost and usage queries for the Costs page, each for an acting user and `Filters`.

Row-level security lives in one place, `usage_scope`: the rows a query reads are the acting
user's own (everyone's or one chosen user's for admins) within the page's filters, and the
store reads only those (on PostgreSQL its policies enforce the same). The daily rollup rows
in scope (thousands, whatever the number of calls) become one Arrow table, registered as
`usage` on a private DuckDB cursor; the SQL below only ever reads that table and takes no
values from the UI. Days are UTC days.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Literal

import pyarrow as pa
from pydantic import Field

from framepilot.models import UsageScope, User
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo
from framepilot.usage import budgets as budget
from framepilot.usage.analytics.compute import ComputeReport, compute_report
from framepilot.usage.analytics.duck import (
    DailySeries,
    Result,
    VideoTotals,
    daily_series,
    daily_sums,
    run_sql,
)
from framepilot.usage.analytics.estimate import CostEstimate, openai_estimate
from framepilot.usage.analytics.latency import approximate_quantile

NO_JOB = "(no job)"


class Filters(Result):
    """What the page asks for. `user_id` counts for admins only: everyone else always gets
    their own rows, whatever it says. Dates are inclusive UTC days; empty tuples mean all."""

    start: date | None = None
    end: date | None = None
    user_id: int | None = None
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()


class FilterOptions(Result):
    calls: int
    providers: list[str]
    models: list[str]
    first_day: date | None
    last_day: date | None


class Totals(Result):
    calls: int = 0
    cost_usd: float = 0.0
    unknown_cost_calls: int = Field(0, description="Calls whose model has no price (cost_usd NULL)")
    error_calls: int = 0
    cache_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    audio_minutes: float = 0.0
    tts_characters: int = 0
    compute_seconds: float = 0.0
    wall_seconds: float = 0.0


class ModelUsage(Result):
    """Per model; the latency percentiles are approximate (read from a bucketed histogram)."""

    provider: str
    model: str
    calls: int
    cost_usd: float
    unknown_cost_calls: int
    input_tokens: int
    output_tokens: int
    audio_minutes: float
    tts_characters: int
    compute_seconds: float
    latency_p50_ms: float
    latency_p95_ms: float


class VideoCost(Result):
    video_id: str
    calls: int
    cost_usd: float


class JobTypeCost(Result):
    job_type: str
    calls: int
    cost_usd: float


class BudgetUsage(Result):
    """Month-to-date spend against a monthly budget (`budget_usd` None: no budget set)."""

    scope: Literal["user", "global"]
    user_id: int | None
    month_start: date
    spent_usd: float
    budget_usd: float | None

    @property
    def fraction(self) -> float | None:
        if self.budget_usd is None:
            return None
        return self.spent_usd / self.budget_usd if self.budget_usd > 0 else float(self.spent_usd > 0)


class CostReport(Result):
    """Everything the Costs page shows, from one scoping of the usage rollups."""

    filters: Filters
    totals: Totals
    cost_by_model: DailySeries
    cost_by_operation: DailySeries
    models: list[ModelUsage]
    videos: list[VideoCost]
    job_types: list[JobTypeCost]
    budgets: list[BudgetUsage]
    compute: ComputeReport
    estimate: CostEstimate


# --- scoping (row-level security) -----------------------------------------------------


def effective_user_id(user: User, filters: Filters) -> int | None:
    """Whose rows a query reads: always the acting user's own unless an admin (None = all)."""
    return filters.user_id if user.is_admin else user.id


def usage_scope(user: User, filters: Filters) -> UsageScope:
    return UsageScope(user_id=effective_user_id(user, filters), start=filters.start, end=filters.end,
                      providers=filters.providers, models=filters.models)


_USAGE_SCHEMA = pa.schema([
    (name, pa.string() if name in ("day", "provider", "model", "operation", "job_type")
     else pa.float64() if name.endswith(("usd", "seconds", "latency_ms")) else pa.int64())
    for name in repo.DAILY_COLUMNS
])


def scoped_usage(db: Database, user: User, filters: Filters) -> pa.Table:
    """The daily rollup rows `user` may see that match `filters`, as Arrow."""
    rows = repo.usage_daily_rows(db, user, usage_scope(user, filters))
    columns = list(zip(*rows)) if rows else [()] * len(_USAGE_SCHEMA)
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, _USAGE_SCHEMA)],
                                schema=_USAGE_SCHEMA)


# --- queries over a scoped table ------------------------------------------------------

_TOTALS_SQL = """
SELECT coalesce(sum(calls), 0), coalesce(sum(cost_usd), 0), coalesce(sum(unknown_cost_calls), 0),
       coalesce(sum(error_calls), 0), coalesce(sum(cache_hits), 0),
       coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
       coalesce(sum(audio_seconds), 0) / 60.0, coalesce(sum(characters), 0),
       coalesce(sum(compute_seconds), 0), coalesce(sum(latency_ms), 0) / 1000.0
FROM usage
"""

_MODELS_SQL = """
SELECT provider, model, sum(calls), sum(cost_usd), sum(unknown_cost_calls), sum(input_tokens),
       sum(output_tokens), sum(audio_seconds) / 60.0, sum(characters), sum(compute_seconds)
FROM usage GROUP BY ALL ORDER BY 4 DESC, 3 DESC
"""

_JOB_TYPES_SQL = """
SELECT CASE WHEN job_type = '' THEN '{no_job}' ELSE job_type END, sum(calls), sum(cost_usd) AS cost
FROM usage GROUP BY ALL ORDER BY cost DESC
"""


def _totals(usage: pa.Table) -> Totals:
    row = run_sql(usage, _TOTALS_SQL)[0]
    keys = ("calls", "cost_usd", "unknown_cost_calls", "error_calls", "cache_hits",
            "input_tokens", "output_tokens", "audio_minutes", "tts_characters", "compute_seconds", "wall_seconds")
    return Totals(**dict(zip(keys, row)))


def _model_usage(db: Database, user: User, filters: Filters, usage: pa.Table) -> list[ModelUsage]:
    histograms: dict[tuple[str, str], dict[int, int]] = {}
    for provider, model, bucket, calls in repo.latency_histogram(db, user, usage_scope(user, filters)):
        histograms.setdefault((provider, model), {})[bucket] = calls
    keys = ("provider", "model", "calls", "cost_usd", "unknown_cost_calls", "input_tokens",
            "output_tokens", "audio_minutes", "tts_characters", "compute_seconds")
    usage_rows = []
    for row in run_sql(usage, _MODELS_SQL):
        counts = histograms.get((row[0], row[1]), {})
        usage_rows.append(ModelUsage(**dict(zip(keys, row)), latency_p50_ms=approximate_quantile(counts, 0.5),
                                     latency_p95_ms=approximate_quantile(counts, 0.95)))
    return usage_rows


def _videos(db: Database, user: User, filters: Filters, limit: int) -> tuple[int, dict[str, VideoTotals]]:
    count, rows = repo.top_videos(db, user, usage_scope(user, filters), limit)
    return count, {video: VideoTotals(*totals) for video, *totals in rows}


def _video_costs(videos: dict[str, VideoTotals], limit: int) -> list[VideoCost]:
    """The most expensive videos first (ties by id)."""
    ranked = sorted(videos.items(), key=lambda vt: (-vt[1].cost_usd, vt[0]))
    return [VideoCost(video_id=v, calls=t.calls, cost_usd=t.cost_usd) for v, t in ranked[:limit]]


def _job_type_costs(usage: pa.Table) -> list[JobTypeCost]:
    rows = run_sql(usage, _JOB_TYPES_SQL.format(no_job=NO_JOB))
    return [JobTypeCost(job_type=t, calls=n, cost_usd=c) for t, n, c in rows]


def _budgets(db: Database, settings: Settings, user: User, filters: Filters) -> list[BudgetUsage]:
    """The viewed user's month against the per-user budget; for admins also everyone's month
    against the global budget. Same month, limits and sums as `framepilot.usage.budgets`. The page's
    other filters do not apply to budgets."""
    month = budget.month_start()
    owner = effective_user_id(user, filters)
    usages = []
    if owner is not None:
        usages.append(BudgetUsage(scope="user", user_id=owner, month_start=month.date(),
                                  spent_usd=repo.month_spend_usd(db, owner, month),
                                  budget_usd=settings.user_monthly_budget_usd))
    if user.is_admin:
        usages.append(BudgetUsage(scope="global", user_id=None, month_start=month.date(),
                                  spent_usd=repo.month_spend_usd(db, None, month),
                                  budget_usd=settings.global_monthly_budget_usd))
    return usages


# --- public API -------------------------------------------------------------------------


def filter_options(db: Database, user: User) -> FilterOptions:
    """What the filters can offer this user: their providers, models and days with calls."""
    rows = repo.usage_overview(db, user, None if user.is_admin else user.id)
    return FilterOptions(
        calls=sum(r[2] for r in rows), providers=sorted({r[0] for r in rows}), models=sorted({r[1] for r in rows}),
        first_day=date.fromisoformat(min(r[3] for r in rows)) if rows else None,
        last_day=date.fromisoformat(max(r[4] for r in rows)) if rows else None,
    )


def totals(db: Database, user: User, filters: Filters) -> Totals:
    return _totals(scoped_usage(db, user, filters))


def daily_cost(db: Database, user: User, filters: Filters, by: Literal["model", "operation"]) -> DailySeries:
    return daily_series(scoped_usage(db, user, filters), by)


def model_usage(db: Database, user: User, filters: Filters) -> list[ModelUsage]:
    """Calls, cost, tokens, audio, characters and approximate latency p50/p95 per model."""
    return _model_usage(db, user, filters, scoped_usage(db, user, filters))


def video_costs(db: Database, user: User, filters: Filters, limit: int = 15) -> list[VideoCost]:
    """The most expensive videos first."""
    return _video_costs(_videos(db, user, filters, limit)[1], limit)


def job_type_costs(db: Database, user: User, filters: Filters) -> list[JobTypeCost]:
    return _job_type_costs(scoped_usage(db, user, filters))


def budget_usage(db: Database, settings: Settings, user: User, filters: Filters) -> list[BudgetUsage]:
    return _budgets(db, settings, user, filters)


def cost_report(
    db: Database, settings: Settings, user: User, filters: Filters, video_limit: int = 15
) -> CostReport:
    usage = scoped_usage(db, user, filters)
    totals = _totals(usage)
    models = _model_usage(db, user, filters, usage)
    by_operation = daily_sums(usage, "operation", ("cost_usd", "compute_seconds"))
    video_count, videos = _videos(db, user, filters, video_limit)
    compute_by_model: dict[str, float] = {}
    for m in models:
        compute_by_model[m.model] = compute_by_model.get(m.model, 0.0) + m.compute_seconds
    return CostReport(
        filters=filters,
        totals=totals,
        cost_by_model=daily_series(usage, "model"),
        cost_by_operation=by_operation["cost_usd"],
        models=models,
        videos=_video_costs(videos, video_limit),
        job_types=_job_type_costs(usage),
        budgets=_budgets(db, settings, user, filters),
        compute=compute_report(
            compute_seconds=totals.compute_seconds, wall_seconds=totals.wall_seconds,
            audio_minutes=totals.audio_minutes, by_model=compute_by_model,
            per_day_by_operation=by_operation["compute_seconds"], videos=videos, video_count=video_count,
            video_limit=video_limit,
        ),
        estimate=openai_estimate(settings, usage),
    )


# --- the calls themselves, as CSV ---------------------------------------------------------


_CREATED_AT = repo.EXPORT_CALL_COLUMNS.index("created_at")
_CACHE_HIT = repo.EXPORT_CALL_COLUMNS.index("cache_hit")


def _utc_text(stamp: str) -> str:
    """A stored timestamp (UTC ISO text with 3 or 6 fraction digits) in one spelling,
    2026-05-01 10:00:00.000000Z; by slicing, as it runs once per exported row."""
    if len(stamp) in (24, 27) and stamp[10] == "T" and stamp[19] == "." and stamp[-1] == "Z":
        return f"{stamp[:10]} {stamp[11:19]}.{stamp[20:-1]:0<6}Z"
    return f"{datetime.fromisoformat(stamp):%Y-%m-%d %H:%M:%S.%f}Z"


def _csv_row(row: tuple) -> list:
    values = list(row)
    values[_CREATED_AT] = _utc_text(values[_CREATED_AT])
    values[_CACHE_HIT] = "true" if values[_CACHE_HIT] else "false"
    return values


def iter_csv(db: Database, user: User, filters: Filters) -> Iterator[bytes]:
    """The filtered calls as CSV (UTC timestamps), oldest first, in chunks of a few thousand
    rows: memory stays flat however many calls match."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)  # text quoted, as before
    writer.writerow(repo.EXPORT_CALL_COLUMNS)
    for rows in repo.iter_llm_calls(db, user, usage_scope(user, filters)):
        writer.writerows(map(_csv_row, rows))
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def export_csv(db: Database, user: User, filters: Filters) -> bytes:
    """The whole CSV at once (the page's download button needs bytes)."""
    return b"".join(iter_csv(db, user, filters))
