"""What one 60 s talking video with 8 shots costs with the default openai configuration,
against a naive approach, both priced by the same table (framepilot/usage/pricing.py).

Ours: the real providers (whisper-1; one 512 px keyframe per shot at low detail to
gpt-4o-mini, batched 8 per call; the three director modes on gpt-4o-mini with the data
sent as a compact JSON document) run against the fake OpenAI server, accounted by the app's
own `metered` rows. The fake's usage blocks are realistic: prompt tokens from a
word-and-punctuation tokenizer approximation, image tokens by the published rule, and
replies of realistic length.

Naive: the same transcription; a frame every 2 s (30 frames) at high detail to gpt-4o; the
full transcript sent again to gpt-4o for each of the 3 modes (the same prompts and replies
as ours, no cached input). Voice-over is excluded from both (the same script either way).
"""

from __future__ import annotations

import tempfile
import wave
from collections import defaultdict
from pathlib import Path

import numpy as np

from framepilot.models import (
    DirectorInputs,
    DirectorMode,
    LLMCall,
    Operation,
    Shot,
    ShotDetection,
    ShotScale,
    ShotSpan,
)
from framepilot.providers.openai.director import OpenAIDirector
from framepilot.providers.openai.shot_analyser import OpenAIShotAnalyser
from framepilot.providers.openai.transcriber import OpenAITranscriber
from framepilot.services import accounts
from framepilot.store import open_database
from framepilot.usage.metering import CallContext
from framepilot.usage.pricing import apply_cost, image_tokens
from testkit import openai_samples as samples
from testkit.fake_openai import FakeOpenAI, fake_settings

CLIP_S = 60.0
SHOTS = 8
NAIVE_FRAMES = 30  # one every 2 s
NAIVE_MODEL = "gpt-4o"
TARGET_RATIO = 0.20

SCRIPT = (
    "Hi, I'm Sam, and today I'll show you how to light a talking video with one window and a lamp. "
    "Most people put the camera in front of the window, which turns them into a silhouette. "
    "Instead, turn ninety degrees so the window lights one side of your face. "
    "That soft side light gives shape and looks expensive, and it costs nothing. "
    "Now the other side is dark, so grab a white sheet or a piece of foam board and bounce some light back. "
    "Next, separate yourself from the wall. A small lamp behind you, pointed at your hair or the wall, "
    "adds depth. Keep it warm, and dim it until it barely shows. "
    "Finally, switch off the ceiling light. It comes from above and puts shadows under your eyes. "
    "That's it: window to the side, bounce, a lamp behind, ceiling off. Try it today and tell me how it looks."
).split()


def _note(i: int) -> dict:
    return {
        "start_s": 7.5 * i, "end_s": 7.5 * i + 5.0, "category": ["hook", "pacing", "framing", "exposure"][i % 4],
        "severity": "suggestion",
        "note": "Open on the result instead of the greeting: show the finished lit frame first, then say "
                "how you got there, so the first three seconds give viewers a reason to stay.",
        "evidence": "The first 3.2 s are a greeting; highlights are clipped on 3.1% of the frame.",
    }


def _script_lines() -> list[str]:
    text = " ".join(SCRIPT)
    return [s.strip() + "." for s in text.split(".") if s.strip()]


def _install_replies(fake: FakeOpenAI) -> None:
    fake.transcript_words = SCRIPT
    fake.reply_with("ShotReadingReply", lambda body: {"shots": [
        {"index": i, "scale": "MCU", "lighting": "soft window key from camera left, warm practical behind",
         "setting": "small home office with a bookshelf", "wardrobe": "dark green crew-neck sweater",
         "props": ["bookshelf", "desk lamp", "plant"],
         "issues": ["lamp appears to grow out of the head", "window highlights clipped"]}
        for i in range(SHOTS)
        if f"Keyframe of shot {i}:" in str(body["messages"])
    ]})
    notes = [_note(i) for i in range(8)]
    fake.reply_with("SceneDirectorReply", {"summary": "Clear, useful advice delivered warmly. Cut the greeting "
                                           "and open on the lit result to hold viewers.", "notes": notes})
    fake.reply_with("ScriptRewriteReply", {"summary": "Same advice, tighter, with a hook first.",
                                           "script": _script_lines(), "notes": notes[:5]})
    fake.reply_with("FullRewriteReply", {
        "summary": "A reshoot in eight shots that shows each step as it is said.",
        "script": _script_lines(), "notes": notes[:5],
        "shot_list": [{"number": i + 1, "scale": ["CU", "MCU", "MS", "WS"][i % 4],
                       "framing": "Speaker slightly left of centre, window light from frame left, lamp "
                                  "visible behind the right shoulder.",
                       "duration_s": 7.5, "line": _script_lines()[i % len(_script_lines())]}
                      for i in range(SHOTS)],
    })


def _speech_audio(path: Path) -> Path:
    """60 s of continuous "speech" with a short pause every 8 s (~140 words at the fake's pace)."""
    rate = 16_000
    t = np.arange(int(CLIP_S * rate)) / rate
    samples_ = 0.3 * np.sin(2 * np.pi * 180 * t) * ((t % 8.0) < 7.6)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples_ * 32767).astype("<i2").tobytes())
    return path


class _Measured:
    """The local measurements the openai shot analyser starts from (fixed realistic values)."""

    provider = "local"

    def analyse(self, probe, detection, transcript, audio_path, ctx):  # noqa: ANN001, ANN201
        measured = samples.shots(SHOTS, CLIP_S)
        return [Shot(**{**m.model_dump(), **span.model_dump()}) for m, span in zip(measured, detection.spans)]


def run_ours(work: Path) -> list[LLMCall]:
    with FakeOpenAI() as fake:
        _install_replies(fake)
        settings = fake_settings(fake, data_dir=work / "data", llm_cache=False)
        settings.ensure_dirs()
        db = open_database(settings)
        user = accounts.add_user(db, "bench@example.com", "a long bench password")
        ctx = CallContext(db=db, user_id=user.id)
        probe = samples.probe(CLIP_S)
        length = CLIP_S / SHOTS
        spans = [ShotSpan(index=i, start_s=i * length, end_s=(i + 1) * length, start_frame=int(i * length * 30),
                          end_frame=int((i + 1) * length * 30) - 1,
                          keyframe_path=str(samples.write_keyframe(work / f"key{i}.jpg", 30 + 10 * i)))
                 for i in range(SHOTS)]
        detection = ShotDetection(fps=30.0, frame_count=int(CLIP_S * 30), spans=spans)

        transcript = OpenAITranscriber(settings).transcribe(_speech_audio(work / "audio.wav"), ctx)
        shots = OpenAIShotAnalyser(settings, base=_Measured()).analyse(probe, detection, transcript, None, ctx)
        assert all(s.scale == ShotScale.MCU and s.lighting for s in shots)
        inputs = DirectorInputs(probe=probe, shots=shots, transcript=transcript)
        for mode in DirectorMode:
            OpenAIDirector(settings).direct(mode, inputs, ctx)
        print(f"transcript: {len(transcript.words)} words in {CLIP_S:.0f} s; {len(shots)} shots")
        return list(ctx.calls)


def naive_calls(ours: list[LLMCall]) -> list[LLMCall]:
    """The naive approach's calls, built from our measured prompts and replies."""
    calls = [c.model_copy(update={"cost_usd": None}) for c in ours if c.operation == Operation.TRANSCRIBE]
    vision = [c for c in ours if c.operation == Operation.ANALYSE_SHOTS]
    prompt_text = sum(c.input_tokens - c.image_tokens for c in vision)
    per_frame_out = sum(c.output_tokens for c in vision) / SHOTS
    frame_tokens = image_tokens(NAIVE_MODEL, 1280, 720, "high")
    calls.append(LLMCall(provider="openai", model=NAIVE_MODEL, operation=Operation.ANALYSE_SHOTS,
                         input_tokens=prompt_text + NAIVE_FRAMES * frame_tokens,
                         image_tokens=NAIVE_FRAMES * frame_tokens,
                         output_tokens=round(per_frame_out * NAIVE_FRAMES)))
    for c in ours:
        if c.operation in {Operation.direct(m) for m in DirectorMode}:
            calls.append(LLMCall(provider="openai", model=NAIVE_MODEL, operation=c.operation,
                                 input_tokens=c.input_tokens, output_tokens=c.output_tokens))
    return [apply_cost(c) for c in calls]


def _table(title: str, calls: list[LLMCall]) -> float:
    rows: dict[str, list[LLMCall]] = defaultdict(list)
    for c in calls:
        rows[c.operation.split(".")[0]].append(c)
    print(f"\n{title}")
    print(f"  {'step':<14}{'calls':>6}{'model':>14}{'input':>9}{'cached':>8}{'image':>8}{'output':>8}"
          f"{'audio s':>9}{'cost $':>11}")
    total = 0.0
    for op, group in rows.items():
        cost = sum(c.cost_usd or 0.0 for c in group)
        total += cost
        print(f"  {op:<14}{len(group):>6}{group[0].model:>14}{sum(c.input_tokens for c in group):>9}"
              f"{sum(c.cached_tokens for c in group):>8}{sum(c.image_tokens for c in group):>8}"
              f"{sum(c.output_tokens for c in group):>8}{sum(c.audio_seconds for c in group):>9.1f}{cost:>11.5f}")
    print(f"  {'total':<14}{'':>75}{total:>11.5f}")
    return total


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ours = run_ours(Path(tmp))
    ours_total = _table("ours (default openai configuration, accounted by the app)", ours)
    naive_total = _table(f"naive ({NAIVE_FRAMES} frames at high detail + transcript x3, {NAIVE_MODEL})",
                         naive_calls(ours))
    ratio = ours_total / naive_total
    print(f"\nours ${ours_total:.5f} vs naive ${naive_total:.5f}: {ratio:.1%} of naive "
          f"(target <= {TARGET_RATIO:.0%})")
    if ratio > TARGET_RATIO:
        raise AssertionError(f"ours costs {ratio:.1%} of naive, over the {TARGET_RATIO:.0%} target")


if __name__ == "__main__":
    main()
