"""Cost and usage analytics: DuckDB over usage rollups that the store keeps at write time.

Every `llm_calls` row is added, in the same transaction, to four rollup tables (migrations
0007 and 0008, `framepilot/store/repository/llm_usage.py`): sums per user, UTC day,
provider, model, operation and job type (with the shots local calls read); per video and
day; the same per model, for filtered pages; and a latency histogram per model. A page view
reads only the rollup rows in scope, summed over its users (a few thousand, whatever the
number of calls), into one Arrow table and runs fixed DuckDB SQL over it (`queries.py`),
returning pydantic models; the top videos and the latency histogram are summed by the
store. `compute.py` sums the machine time of the same rows, `estimate.py` prices local work
on the configured OpenAI models, and `latency.py` reads approximate p50/p95 from the histogram.

Row-level security: `queries.usage_scope` names whose rows a query reads (the acting user's;
anyone's for an admin), the repository reads only those, and on PostgreSQL the tables'
policies enforce the same. Nothing is cached in the web process, so the page costs the same
in a new process as in a warm one, and memory does not grow with the calls. Measured in
`bench/bench_analytics.py` at 1 and 10 million calls on SQLite and PostgreSQL; its last
output is in bench/results/bench_analytics.txt.

The first design (an in-memory Arrow snapshot of every call, persisted as Arrow IPC
segments) needed about 145 MB and 10-15 s to build per million calls; it is gone.
"""

from framepilot.usage.analytics.compute import ComputeReport, VideoCompute
from framepilot.usage.analytics.duck import DailySeries
from framepilot.usage.analytics.estimate import CostEstimate, StageEstimate
from framepilot.usage.analytics.queries import (
    NO_JOB,
    BudgetUsage,
    CostReport,
    FilterOptions,
    Filters,
    JobTypeCost,
    ModelUsage,
    Totals,
    VideoCost,
    budget_usage,
    cost_report,
    daily_cost,
    effective_user_id,
    export_csv,
    filter_options,
    iter_csv,
    job_type_costs,
    model_usage,
    scoped_usage,
    totals,
    usage_scope,
    video_costs,
)

__all__ = [
    "NO_JOB", "BudgetUsage", "ComputeReport", "CostEstimate", "CostReport", "DailySeries",
    "FilterOptions", "Filters", "JobTypeCost", "ModelUsage", "StageEstimate", "Totals", "VideoCompute",
    "VideoCost", "budget_usage", "cost_report", "daily_cost",
    "effective_user_id", "export_csv", "filter_options", "iter_csv", "job_type_costs", "model_usage",
    "scoped_usage", "totals", "usage_scope", "video_costs",
]
