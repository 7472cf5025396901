"""Stage-weighted progress: one rising 0-100 figure, and cancellation through the callback."""

import pytest

from framepilot.core.stage_progress import STAGE_WEIGHTS, Cancelled, ProgressTracker
from framepilot.models import Stage


def test_progress_rises_by_stage_weight_and_reaches_100_at_the_end():
    seen = []
    stages = [Stage.PROBE, Stage.SHOTS, Stage.TRANSCRIBE]
    tracker = ProgressTracker(stages, lambda stage, pct: seen.append((stage, pct)))
    tracker.finish(Stage.PROBE)
    tracker.update(Stage.SHOTS, 0.5)
    tracker.finish(Stage.SHOTS)
    tracker.update(Stage.TRANSCRIBE, 0.5)
    tracker.finish(Stage.TRANSCRIBE)
    total = sum(STAGE_WEIGHTS[s] for s in stages)
    assert seen[0] == ("probe", round(100 * STAGE_WEIGHTS[Stage.PROBE] / total))
    assert [p for _, p in seen] == sorted(p for _, p in seen)
    assert seen[-1] == ("transcribe", 100)
    assert all(p < 100 for _, p in seen[:-1])


def test_progress_never_goes_backwards_within_a_stage():
    seen = []
    tracker = ProgressTracker([Stage.SHOTS], lambda s, p: seen.append(p))
    tracker.update(Stage.SHOTS, 0.6)
    tracker.update(Stage.SHOTS, 0.2)
    assert seen[-1] >= seen[0]


def test_a_callback_that_raises_cancelled_stops_the_caller():
    def cancel(stage, pct):
        raise Cancelled()

    tracker = ProgressTracker([Stage.PROBE], cancel)
    with pytest.raises(Cancelled):
        tracker.start(Stage.PROBE)


def test_two_stages_running_at_once_report_the_earlier_one_until_it_ends():
    seen = []
    tracker = ProgressTracker([Stage.SHOTS, Stage.TRANSCRIBE], lambda stage, pct: seen.append(stage))
    tracker.start(Stage.SHOTS)
    tracker.start(Stage.TRANSCRIBE)
    tracker.update(Stage.TRANSCRIBE, 0.5)
    tracker.update(Stage.SHOTS, 0.5)
    tracker.finish(Stage.SHOTS)
    tracker.update(Stage.TRANSCRIBE, 0.8)
    assert seen == ["shots", "shots", "shots", "shots", "transcribe", "transcribe"]


def test_after_an_abort_the_other_pass_stops_at_its_next_report():
    tracker = ProgressTracker([Stage.SHOTS, Stage.TRANSCRIBE], None)
    tracker.start(Stage.TRANSCRIBE)
    tracker.abort()
    with pytest.raises(Cancelled):
        tracker.update(Stage.TRANSCRIBE, 0.5)
