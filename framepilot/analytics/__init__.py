"""Cost and usage analytics: DuckDB over an incremental Arrow snapshot of `llm_calls`.

SQLite stays the system of record; a DuckDB *file* cannot be shared by the web and worker
processes (FIELD-NOTES, "Storage across processes"). So the reading process keeps its own
columnar copy (`snapshot.py`): every user's calls as an in-memory, dictionary-encoded Arrow
table, caught up by id on each query and persisted as Arrow IPC segment files under
`<data_dir>/analytics/`, so that a restart reads those files, not the whole SQLite table.
`queries.py` cuts that table to the rows the acting user may see (row-level security, in
pyarrow, before DuckDB sees anything) and runs fixed DuckDB SQL over the result, returning
pydantic models. `compute.py` sums the machine time of the same rows (what the local
provider costs), and `estimate.py` prices local work on the configured openai models.

Measured on this 2-core machine with 1,000,000 synthetic calls (5 users, 90 days), every
query of the Costs page together (totals, daily cost by model and by operation, per-model
usage with latency p50/p95, top videos, job types, filter options), warm:

| where the data sits                                  | one user | admin, all rows |
|------------------------------------------------------|----------|-----------------|
| Arrow in memory, pre-filtered in pyarrow (chosen)    | 60 ms    | 120-160 ms      |
| Arrow in memory, filtered by DuckDB in a view        | 77 ms    | 225 ms          |
| DuckDB in-memory table                               | 95 ms    | 257 ms          |
| `read_parquet` over one zstd Parquet file per query  | 158 ms   | 283 ms          |

The in-memory table costs about 145 MB per million calls (230 MB without dictionary
encoding). Building it from SQLite the first time costs 10-15 s per million calls (the
sqlite3 module's row fetch and the conversion to Arrow; the ADBC SQLite driver did it in
2.6 s but would be one more dependency for a one-time cost); every later start loads the
segment files (0.05-0.1 s) and fetches only newer rows. `bench/bench_analytics.py`
measures the whole path, the page included; its last output is in
bench/results/bench_analytics.txt.

Assumptions: `llm_calls` is append-only (no UPDATE or DELETE anywhere in the repository; a
migration that rewrites stored rows bumps `snapshot.FORMAT_VERSION`, as 0004 did),
users are never deleted (a deleted user's calls keep their old user_id in the snapshot, and
SQLite may hand that id to a new user: delete `<data_dir>/analytics/` if that ever changes),
and a job's type is read when its calls are first snapshotted.
"""

from framepilot.analytics.compute import ComputeReport, VideoCompute
from framepilot.analytics.duck import DailySeries
from framepilot.analytics.estimate import CostEstimate, StageEstimate
from framepilot.analytics.queries import (
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
    job_type_costs,
    model_usage,
    scoped_calls,
    totals,
    video_costs,
)
from framepilot.analytics.snapshot import CallSnapshot, snapshot_for

__all__ = [
    "NO_JOB", "BudgetUsage", "CallSnapshot", "ComputeReport", "CostEstimate", "CostReport", "DailySeries",
    "FilterOptions", "Filters", "JobTypeCost", "ModelUsage", "StageEstimate", "Totals", "VideoCompute",
    "VideoCost", "budget_usage", "cost_report", "daily_cost",
    "effective_user_id", "export_csv", "filter_options", "job_type_costs", "model_usage",
    "scoped_calls", "snapshot_for", "totals", "video_costs",
]
