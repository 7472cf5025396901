"""Costs & usage: what the AI calls cost in money and in machine time, per day, model, stage,
video and job type, and what local work would have cost on OpenAI (an estimate).

With no spend (the local provider), the page leads with compute."""

from datetime import date, datetime, timedelta, timezone

import streamlit as st

from framepilot.core.wording import plural
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from framepilot.ui import cost_charts as charts
from framepilot.ui.cost_charts import count, duration, usd
from framepilot.ui.safe_text import chart_text
from framepilot.usage import analytics
from pages.common import database, require_user

user = require_user()
db = database()
st.title(":material/payments: Costs & usage")

options = analytics.filter_options(db, user)
if options.calls == 0:
    st.info(
        "No AI calls yet. Every transcription, shot analysis, director note and voice-over is "
        "metered here as it runs: analyse a video from the Library to see what it costs.",
        icon=":material/receipt_long:",
    )
    st.stop()


def chart(figure, key: str, empty: str) -> None:  # noqa: ANN001 - a Plotly figure or None
    """The figure, or a line saying what will appear there and why it is not there yet."""
    if figure is None:
        st.caption(f":material/bar_chart_off: {empty}")
    else:
        st.plotly_chart(figure, key=key)


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
totals, compute, estimate = report.totals, report.compute, report.estimate

# --- budgets (this month, whatever the filters) ------------------------------------------
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
labels = {video_id: chart_text(name) for video_id, name in repo.video_filenames(
    db, user, [v.video_id for v in report.videos] + [v.video_id for v in compute.top_videos]).items()}


def show_spend() -> None:
    st.subheader(":material/payments: Spend")
    row = st.columns(6)
    row[0].metric("Calls", count(totals.calls), help=f"{totals.calls:,} calls, {totals.error_calls:,} failed, "
                                                     f"{totals.cache_hits:,} served from the cache")
    row[1].metric("Cost", usd(totals.cost_usd))
    row[2].metric("Tokens in", count(totals.input_tokens), help=f"{totals.input_tokens:,}")
    row[3].metric("Tokens out", count(totals.output_tokens), help=f"{totals.output_tokens:,}")
    row[4].metric("Audio minutes", count(round(totals.audio_minutes, 1)), help=f"{totals.audio_minutes:,.1f}")
    row[5].metric("Characters", count(totals.tts_characters),
                  help=f"{totals.tts_characters:,} characters voiced, or read by the local director")
    if totals.unknown_cost_calls:
        st.warning(f"{plural(totals.unknown_cost_calls, 'call', thousands=True)} used a model that has no "
                   "price in the price table; not included in the cost above.", icon=":material/price_change:")
    if totals.cost_usd <= 0:
        st.info("Cost per day, per job type and per video appear here once a priced call runs (the openai "
                "provider). Local calls cost nothing: their price is the compute above.", icon=":material/money_off:")
        st.markdown("**Latency per model** (approximate p50/p95)")
        chart(charts.latency(report.models), "costs_chart_latency", "No calls to time.")
        return
    st.markdown("**Cost per day**")
    by_model, by_operation = st.tabs(["By model", "By operation"])
    with by_model:
        chart(charts.stacked_per_day(report.cost_by_model, "USD"), "costs_chart_model", "No cost by model.")
    with by_operation:
        chart(charts.stacked_per_day(report.cost_by_operation, "USD"), "costs_chart_operation",
              "No cost by operation.")
    left, right = st.columns(2)
    with left:
        st.markdown("**Latency per model** (approximate p50/p95)")
        chart(charts.latency(report.models), "costs_chart_latency", "No calls to time.")
    with right:
        st.markdown("**Cost per job type**")
        chart(charts.cost_per_job_type(report.job_types), "costs_chart_jobs", "No job made a priced call.")
    costly = [v for v in report.videos if v.cost_usd > 0]
    if costly:
        st.markdown("**Most expensive videos**")
        chart(charts.top_videos([labels.get(v.video_id, v.video_id[:8]) for v in costly],
                                [v.cost_usd for v in costly], [v.calls for v in costly], "USD", ".4f"),
              "costs_chart_videos", "")


def show_compute() -> None:
    st.subheader(":material/memory: Compute")
    if compute.empty:
        st.info("Compute time appears here when the local provider runs an AI step (transcription, shot "
                "analysis, director notes, voice-over); these calls ran on a remote service.",
                icon=":material/memory:")
        return
    row = st.columns(4)
    row[0].metric("Compute", duration(compute.compute_seconds),
                  help="CPU seconds used by the AI steps; whisper's two threads count twice, so this can "
                       "exceed the wall time.")
    row[1].metric("Wall time", duration(compute.wall_seconds))
    row[2].metric("Audio processed", f"{compute.audio_minutes:,.1f} min")
    row[3].metric("Videos", count(compute.videos))
    st.markdown("**CPU seconds per day, by stage**")
    chart(charts.stacked_per_day(compute.per_day, "CPU seconds"), "costs_chart_compute_day", "No compute yet.")
    left, right = st.columns(2)
    with left:
        st.markdown("**Per stage**")
        chart(charts.bars(compute.by_stage, "CPU seconds"), "costs_chart_compute_stage", "No compute yet.")
    with right:
        st.markdown("**Per model**")
        chart(charts.bars(compute.by_model, "CPU seconds"), "costs_chart_compute_model", "No compute yet.")
    st.markdown("**Per video**")
    videos = compute.top_videos
    chart(charts.top_videos([labels.get(v.video_id, v.video_id[:8]) for v in videos],
                            [v.compute_seconds for v in videos], [v.calls for v in videos], "CPU s", ".1f"),
          "costs_chart_compute_videos", "Appears once an AI step runs on an uploaded video.")


def show_estimate() -> None:
    if estimate.empty:
        return
    st.subheader(":material/calculate: The same work on OpenAI (estimate)")
    st.metric("Estimated OpenAI cost", f"≈ {usd(estimate.cost_usd)}",
              help="What the local calls above would have cost on the configured openai models.")
    st.caption(
        f"An estimate, not a bill: the price table (prices of {estimate.price_date or 'unknown date'}) applied "
        "to the audio minutes, characters and shot counts the local calls recorded. Prompt and reply tokens "
        "are modelled on what the openai provider sends; models are those in the FRAMEPILOT_OPENAI_*_MODEL "
        "settings.")
    st.dataframe([s.model_dump(exclude={"price_date"}) for s in estimate.stages], hide_index=True,
                 column_config={"audio_minutes": st.column_config.NumberColumn("audio min", format="%.1f"),
                                "input_tokens": st.column_config.NumberColumn("tokens in"),
                                "output_tokens": st.column_config.NumberColumn("tokens out"),
                                "cost_usd": st.column_config.NumberColumn("≈ cost (USD)", format="$%.4f")},
                 key="costs_estimate_table")
    if estimate.unpriced_models:
        st.warning(f"No price in the table for {', '.join(estimate.unpriced_models)}; left out of the estimate.",
                   icon=":material/price_change:")


if totals.cost_usd > 0:
    show_spend()
    show_compute()
    show_estimate()
else:
    show_compute()
    show_estimate()
    show_spend()

LATENCY_HELP = "Approximate: read from latency buckets (1, 1.5, 2, 3, 5, 7 ms per decade), within a few percent."
st.subheader(":material/table: Usage per model")
st.dataframe(
    [m.model_dump() for m in report.models],
    hide_index=True,
    column_config={
        "cost_usd": st.column_config.NumberColumn("cost (USD)", format="$%.4f"),
        "unknown_cost_calls": st.column_config.NumberColumn("unpriced calls"),
        "input_tokens": st.column_config.NumberColumn("tokens in"),
        "output_tokens": st.column_config.NumberColumn("tokens out"),
        "tts_characters": st.column_config.NumberColumn("characters"),
        "audio_minutes": st.column_config.NumberColumn("audio min", format="%.1f"),
        "compute_seconds": st.column_config.NumberColumn("CPU s", format="%.1f"),
        "latency_p50_ms": st.column_config.NumberColumn("≈ p50 ms", format="%.0f", help=LATENCY_HELP),
        "latency_p95_ms": st.column_config.NumberColumn("≈ p95 ms", format="%.0f", help=LATENCY_HELP),
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
