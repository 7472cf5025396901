"""Costs & usage: what the AI calls cost, per day, model, operation, video and job type."""

from datetime import date, datetime, timedelta, timezone

import plotly.graph_objects as go
import streamlit as st

from framepilot import analytics
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from framepilot.ui.safe_text import chart_text
from pages.common import database, require_user

user = require_user()
db = database()
st.title(":material/payments: Costs & usage")

with st.spinner("Reading the usage history…"):  # seconds only the first time, at a million calls
    options = analytics.filter_options(db, user)
if options.calls == 0:
    st.info(
        "No AI calls yet. Every transcription, shot analysis, director note and voice-over is "
        "metered here as it runs: analyse a video from the Library to see what it costs.",
        icon=":material/receipt_long:",
    )
    st.stop()


def usd(value: float) -> str:
    return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"


def count(value: float) -> str:
    """Short enough for a metric tile: 806.6M, 12.3k, 950."""
    for threshold, size, suffix in ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= threshold:
            return f"{value / size:,.1f}{suffix}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def stacked_cost(daily: analytics.DailyCost) -> go.Figure:
    fig = go.Figure([go.Bar(name=name, x=daily.days, y=costs) for name, costs in daily.series.items()])
    fig.update_layout(barmode="stack", yaxis_title="USD", xaxis_title="day (UTC)", legend_title=None,
                      margin=dict(t=10, b=10), height=340)
    return fig


# --- filters ---------------------------------------------------------------------------
today = datetime.now(timezone.utc).date()
first_day = options.first_day or today
default_range = (max(first_day, today - timedelta(days=29)), max(today, options.last_day or today))
columns = st.columns(4 if user.is_admin else 3)
picked = columns[0].date_input("Days (UTC)", value=default_range, key="costs_days")
picked = picked if isinstance(picked, tuple) else (picked,)
start: date | None = picked[0] if picked else None
end: date | None = picked[1] if len(picked) > 1 else start
providers = columns[1].multiselect("Provider", options.providers, key="costs_providers",
                                   placeholder="All providers")
models = columns[2].multiselect("Model", options.models, key="costs_models", placeholder="All models")
viewed_user = None
if user.is_admin:
    emails = {u.id: u.email for u in repo.list_users(db, user)}
    viewed_user = columns[3].selectbox("User", [None, *emails], key="costs_user",
                                       format_func=lambda uid: "Everyone" if uid is None else emails[uid])
filters = analytics.Filters(start=start, end=end, user_id=viewed_user,
                            providers=tuple(providers), models=tuple(models))
report = analytics.cost_report(db, get_settings(), user, filters)
totals = report.totals

# --- totals ------------------------------------------------------------------------------
row = st.columns(6)
row[0].metric("Calls", count(totals.calls), help=f"{totals.calls:,} calls, {totals.error_calls:,} failed, "
                                                 f"{totals.cache_hits:,} served from the cache")
row[1].metric("Cost", usd(totals.cost_usd))
row[2].metric("Tokens in", count(totals.input_tokens), help=f"{totals.input_tokens:,}")
row[3].metric("Tokens out", count(totals.output_tokens), help=f"{totals.output_tokens:,}")
row[4].metric("Audio minutes", count(round(totals.audio_minutes, 1)), help=f"{totals.audio_minutes:,.1f}")
row[5].metric("TTS characters", count(totals.tts_characters), help=f"{totals.tts_characters:,}")
if totals.unknown_cost_calls:
    st.warning(
        f"{totals.unknown_cost_calls:,} call{'s' if totals.unknown_cost_calls != 1 else ''} used a model "
        "that has no price in the price table; not included in the cost above.",
        icon=":material/price_change:",
    )

# --- budgets -----------------------------------------------------------------------------
for budget in report.budgets:
    who = "Everyone's" if budget.scope == "global" else ("Your" if budget.user_id == user.id else "This user's")
    label = f"{who} spend since {budget.month_start:%d %b} (UTC): {usd(budget.spent_usd)}"
    if budget.budget_usd is None:
        st.caption(f":material/savings: {label}; no monthly {budget.scope} budget is set.")
    else:
        st.progress(min(budget.fraction or 0.0, 1.0),
                    text=f":material/savings: {label} of {usd(budget.budget_usd)} "
                         f"({budget.fraction:.0%} of the monthly {budget.scope} budget)")

if totals.calls == 0:
    st.info("No calls match these filters.", icon=":material/filter_alt_off:")
    st.stop()

# --- charts ------------------------------------------------------------------------------
st.subheader(":material/bar_chart: Cost per day")
by_model, by_operation = st.tabs(["By model", "By operation"])
by_model.plotly_chart(stacked_cost(report.cost_by_model), key="costs_chart_model")
by_operation.plotly_chart(stacked_cost(report.cost_by_operation), key="costs_chart_operation")

left, right = st.columns(2)
with left:
    st.subheader(":material/timer: Latency per model")
    names = [m.model for m in report.models]
    latency = go.Figure([
        go.Bar(name="p50", x=names, y=[m.latency_p50_ms for m in report.models]),
        go.Bar(name="p95", x=names, y=[m.latency_p95_ms for m in report.models]),
    ])
    latency.update_layout(barmode="group", yaxis_title="ms", margin=dict(t=10, b=10), height=320)
    st.plotly_chart(latency, key="costs_chart_latency")
with right:
    st.subheader(":material/work: Cost per job type")
    jobs = go.Figure(go.Bar(x=[j.job_type for j in report.job_types], y=[j.cost_usd for j in report.job_types]))
    jobs.update_layout(yaxis_title="USD", margin=dict(t=10, b=10), height=320)
    st.plotly_chart(jobs, key="costs_chart_jobs")

if report.videos:
    st.subheader(":material/movie: Most expensive videos")
    filenames = repo.video_filenames(db, user, [v.video_id for v in report.videos])
    labels = [chart_text(filenames.get(v.video_id, v.video_id[:8])) for v in report.videos]
    videos = go.Figure(go.Bar(x=[v.cost_usd for v in report.videos], y=labels, orientation="h",
                              customdata=[v.calls for v in report.videos],
                              hovertemplate="%{y}: $%{x:.4f} over %{customdata} calls<extra></extra>"))
    videos.update_layout(xaxis_title="USD", yaxis=dict(autorange="reversed"), margin=dict(t=10, b=10),
                         height=max(220, 28 * len(labels)))
    st.plotly_chart(videos, key="costs_chart_videos")

st.subheader(":material/table: Usage per model")
st.dataframe(
    [m.model_dump() for m in report.models],
    hide_index=True,
    column_config={
        "cost_usd": st.column_config.NumberColumn("cost (USD)", format="$%.4f"),
        "unknown_cost_calls": st.column_config.NumberColumn("unpriced calls"),
        "input_tokens": st.column_config.NumberColumn("tokens in"),
        "output_tokens": st.column_config.NumberColumn("tokens out"),
        "tts_characters": st.column_config.NumberColumn("TTS chars"),
        "audio_minutes": st.column_config.NumberColumn("audio min", format="%.1f"),
        "latency_p50_ms": st.column_config.NumberColumn("p50 ms", format="%.0f"),
        "latency_p95_ms": st.column_config.NumberColumn("p95 ms", format="%.0f"),
    },
    key="costs_models_table",
)
st.download_button(
    "Download these calls (CSV)",
    data=lambda: analytics.export_csv(db, user, filters),
    file_name=f"framepilot-calls-{start}-{end}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="costs_csv",
    on_click="ignore",
)
