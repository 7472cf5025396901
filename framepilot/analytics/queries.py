"""Typed cost and usage queries for the Costs page, each for an acting user and `Filters`.

Row-level security lives in one place, `scoped_calls`: it cuts the snapshot down to the
rows the acting user may see (their own; everyone's or one chosen user's for admins) and
the page's filters, *before* DuckDB sees anything. The SQL below only ever reads that
already-scoped table, registered as `calls` on a private DuckDB cursor, and takes no values
from the UI. Days are UTC days.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pydantic import Field

from framepilot import budget
from framepilot.analytics.compute import ComputeReport, compute_report
from framepilot.analytics.duck import (
    DailySeries,
    Result,
    VideoTotals,
    daily_series,
    daily_sums,
    run_sql,
    video_totals,
)
from framepilot.analytics.estimate import CostEstimate, openai_estimate
from framepilot.analytics.snapshot import snapshot_for
from framepilot.models import User
from framepilot.settings import Settings
from framepilot.store import Database

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
    """Everything the Costs page shows, from one scoping of the snapshot."""

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


def scoped_calls(db: Database, user: User, filters: Filters) -> pa.Table:
    """The caught-up snapshot cut to the rows `user` may see that match `filters`."""
    table = snapshot_for(db).table()
    conditions = []
    owner = effective_user_id(user, filters)
    if owner is not None:
        conditions.append(pc.equal(table["user_id"], pa.scalar(owner, pa.int64())))
    if filters.start is not None:
        since = datetime.combine(filters.start, time.min)
        conditions.append(pc.greater_equal(table["created_at"], pa.scalar(since, pa.timestamp("us"))))
    if filters.end is not None:
        until = datetime.combine(filters.end + timedelta(days=1), time.min)
        conditions.append(pc.less(table["created_at"], pa.scalar(until, pa.timestamp("us"))))
    for column, wanted in (("provider", filters.providers), ("model", filters.models)):
        if wanted:
            conditions.append(pc.is_in(table[column], value_set=pa.array(list(wanted), pa.string())))
    if not conditions:
        return table
    mask = conditions[0]
    for condition in conditions[1:]:
        mask = pc.and_kleene(mask, condition)
    return table.filter(mask)


# --- queries over a scoped table ------------------------------------------------------

_TOTALS_SQL = """
SELECT count(*), coalesce(sum(cost_usd), 0), count(*) FILTER (WHERE cost_usd IS NULL),
       count(*) FILTER (WHERE status <> 'ok'), count(*) FILTER (WHERE cache_hit),
       coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
       coalesce(sum(audio_seconds), 0) / 60.0, coalesce(sum(characters), 0),
       coalesce(sum(compute_seconds), 0), coalesce(sum(latency_ms), 0) / 1000.0
FROM calls
"""

_MODELS_SQL = """
SELECT provider, model, count(*), coalesce(sum(cost_usd), 0),
       count(*) FILTER (WHERE cost_usd IS NULL), sum(input_tokens), sum(output_tokens),
       sum(audio_seconds) / 60.0, sum(characters), sum(compute_seconds), quantile_cont(latency_ms, [0.5, 0.95])
FROM calls GROUP BY ALL ORDER BY 4 DESC, 3 DESC
"""

_JOB_TYPES_SQL = """
SELECT coalesce(CAST(job_type AS VARCHAR), '{no_job}'), count(*), coalesce(sum(cost_usd), 0) AS cost
FROM calls GROUP BY ALL ORDER BY cost DESC
"""

_SPAN_SQL = "SELECT count(*), CAST(min(created_at) AS DATE), CAST(max(created_at) AS DATE) FROM calls"
_PAIRS_SQL = "SELECT DISTINCT CAST(provider AS VARCHAR), CAST(model AS VARCHAR) FROM calls"


def _totals(calls: pa.Table) -> Totals:
    row = run_sql(calls, _TOTALS_SQL)[0]
    keys = ("calls", "cost_usd", "unknown_cost_calls", "error_calls", "cache_hits",
            "input_tokens", "output_tokens", "audio_minutes", "tts_characters", "compute_seconds", "wall_seconds")
    return Totals(**dict(zip(keys, row)))


def _model_usage(calls: pa.Table) -> list[ModelUsage]:
    keys = ("provider", "model", "calls", "cost_usd", "unknown_cost_calls", "input_tokens",
            "output_tokens", "audio_minutes", "tts_characters", "compute_seconds")
    usage = []
    for *row, (p50, p95) in run_sql(calls, _MODELS_SQL):
        usage.append(ModelUsage(**dict(zip(keys, row)), latency_p50_ms=p50, latency_p95_ms=p95))
    return usage


def _video_costs(videos: dict[str, VideoTotals], limit: int) -> list[VideoCost]:
    """The most expensive videos first (ties by id)."""
    ranked = sorted(videos.items(), key=lambda vt: (-vt[1].cost_usd, vt[0]))
    return [VideoCost(video_id=v, calls=t.calls, cost_usd=t.cost_usd) for v, t in ranked[:limit]]


def _job_type_costs(calls: pa.Table) -> list[JobTypeCost]:
    rows = run_sql(calls, _JOB_TYPES_SQL.format(no_job=NO_JOB))
    return [JobTypeCost(job_type=t, calls=n, cost_usd=c) for t, n, c in rows]


def _budgets(db: Database, settings: Settings, user: User, filters: Filters) -> list[BudgetUsage]:
    """The viewed user's month against the per-user budget; for admins also everyone's month
    against the global budget. Same month and limits as `framepilot.budget`, summed from the
    snapshot (15 ms at 1M calls, where `budget.budget_status` over SQLite takes 110-170 ms).
    The page's other filters do not apply to budgets."""
    month = budget.month_start().date()
    owner = effective_user_id(user, filters)
    usages = []
    if owner is not None:
        calls = scoped_calls(db, user, Filters(start=month, user_id=owner))
        usages.append(BudgetUsage(scope="user", user_id=owner, month_start=month,
                                  spent_usd=pc.sum(calls["cost_usd"]).as_py() or 0.0,
                                  budget_usd=settings.user_monthly_budget_usd))
    if user.is_admin:
        calls = scoped_calls(db, user, Filters(start=month))
        usages.append(BudgetUsage(scope="global", user_id=None, month_start=month,
                                  spent_usd=pc.sum(calls["cost_usd"]).as_py() or 0.0,
                                  budget_usd=settings.global_monthly_budget_usd))
    return usages


# --- public API: one scoping per call --------------------------------------------------


def filter_options(db: Database, user: User) -> FilterOptions:
    """What the filters can offer this user: their providers, models and days with calls."""
    calls = scoped_calls(db, user, Filters())
    count, first, last = run_sql(calls, _SPAN_SQL)[0]
    pairs = run_sql(calls, _PAIRS_SQL)
    return FilterOptions(calls=count, providers=sorted({p for p, _ in pairs}),
                         models=sorted({m for _, m in pairs}), first_day=first, last_day=last)


def totals(db: Database, user: User, filters: Filters) -> Totals:
    return _totals(scoped_calls(db, user, filters))


def daily_cost(db: Database, user: User, filters: Filters, by: Literal["model", "operation"]) -> DailySeries:
    return daily_series(scoped_calls(db, user, filters), by)


def model_usage(db: Database, user: User, filters: Filters) -> list[ModelUsage]:
    """Calls, cost, tokens, audio, characters and latency p50/p95 per model."""
    return _model_usage(scoped_calls(db, user, filters))


def video_costs(db: Database, user: User, filters: Filters, limit: int = 15) -> list[VideoCost]:
    """The most expensive videos first."""
    return _video_costs(video_totals(scoped_calls(db, user, filters)), limit)


def job_type_costs(db: Database, user: User, filters: Filters) -> list[JobTypeCost]:
    return _job_type_costs(scoped_calls(db, user, filters))


def budget_usage(db: Database, settings: Settings, user: User, filters: Filters) -> list[BudgetUsage]:
    return _budgets(db, settings, user, filters)


def cost_report(
    db: Database, settings: Settings, user: User, filters: Filters, video_limit: int = 15
) -> CostReport:
    calls = scoped_calls(db, user, filters)
    totals = _totals(calls)
    models = _model_usage(calls)
    by_operation = daily_sums(calls, "operation", ("cost_usd", "compute_seconds"))
    videos = video_totals(calls)
    compute_by_model: dict[str, float] = {}
    for m in models:
        compute_by_model[m.model] = compute_by_model.get(m.model, 0.0) + m.compute_seconds
    return CostReport(
        filters=filters,
        totals=totals,
        cost_by_model=daily_series(calls, "model"),
        cost_by_operation=by_operation["cost_usd"],
        models=models,
        videos=_video_costs(videos, video_limit),
        job_types=_job_type_costs(calls),
        budgets=_budgets(db, settings, user, filters),
        compute=compute_report(
            compute_seconds=totals.compute_seconds, wall_seconds=totals.wall_seconds,
            audio_minutes=totals.audio_minutes, by_model=compute_by_model,
            per_day_by_operation=by_operation["compute_seconds"], videos=videos, video_limit=video_limit,
        ),
        estimate=openai_estimate(db, settings, user, calls, videos),
    )


def export_csv(db: Database, user: User, filters: Filters) -> bytes:
    """The filtered rows as CSV (UTC timestamps), oldest first."""
    calls = scoped_calls(db, user, filters)
    calls = calls.set_column(
        calls.schema.get_field_index("created_at"), "created_at",
        pc.cast(calls["created_at"], pa.timestamp("us", tz="UTC")),
    )
    buffer = io.BytesIO()
    pacsv.write_csv(calls, buffer)
    return buffer.getvalue()
