"""The local director: the rules engine in `framepilot.director`, behind the Director protocol.

One `metered` record per call (model "rules", cost 0) so local runs show up in usage like
any other provider.
"""

from __future__ import annotations

from collections.abc import Callable

from framepilot.director import full_rewrite, scene_rules, script_rewrite
from framepilot.models import DirectorInputs, DirectorMode, DirectorResult, Operation
from framepilot.usage.metering import CallContext, metered

PROVIDER = "local"
MODEL = "rules"

MODES: dict[DirectorMode, tuple[Callable[[DirectorInputs], DirectorResult], str]] = {
    DirectorMode.SCENE_DIRECTOR: (scene_rules.scene_director, scene_rules.VERSION),
    DirectorMode.SCRIPT_REWRITE: (script_rewrite.script_rewrite, script_rewrite.VERSION),
    DirectorMode.FULL_REWRITE: (full_rewrite.full_rewrite, full_rewrite.VERSION),
}


class LocalDirector:
    provider = PROVIDER

    def direct(self, mode: DirectorMode, inputs: DirectorInputs, ctx: CallContext) -> DirectorResult:
        run, version = MODES[mode]
        with metered(ctx, provider=PROVIDER, model=MODEL, operation=Operation.direct(mode),
                     prompt_version=version) as meter:
            meter.characters = len(transcript_text(inputs))
            return within_video(run(inputs), inputs.probe.duration_s)


def transcript_text(inputs: DirectorInputs) -> str:
    transcript = inputs.transcript
    return transcript.text or " ".join(s.text.strip() for s in transcript.segments)


def within_video(result: DirectorResult, duration_s: float) -> DirectorResult:
    """Word timings can run a few milliseconds past the probed duration; notes never do."""
    if duration_s <= 0:
        return result
    notes = []
    for n in result.notes:
        start = min(max(n.start_s, 0.0), duration_s)
        notes.append(n.model_copy(update={"start_s": start, "end_s": min(max(n.end_s, start), duration_s)}))
    return result.model_copy(update={"notes": notes})
