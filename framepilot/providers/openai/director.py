"""The openai director: the three modes as structured-output chat calls, with one repair
call when a reply does not validate, mapped into the same DirectorResult as the local one."""

from __future__ import annotations

import difflib
from types import ModuleType

from pydantic import BaseModel

from framepilot.models import (
    DirectorInputs,
    DirectorMode,
    DirectorNote,
    DirectorResult,
    Operation,
    ShotListItem,
)
from framepilot.prompts import full_rewrite, scene_director, script_rewrite
from framepilot.providers.base import ProviderError
from framepilot.providers.openai.client import PROVIDER, OpenAIClient, StructuredReply
from framepilot.providers.openai.retry import RetryPolicy
from framepilot.settings import Settings
from framepilot.usage.metering import CallContext

# The repair request below is a prompt too: its version is appended to the mode's prompt
# version on the repair call, which is accounted under the same operation as the first call.
REPAIR_VERSION = "repair-1"

PROMPTS: dict[DirectorMode, ModuleType] = {
    DirectorMode.SCENE_DIRECTOR: scene_director,
    DirectorMode.SCRIPT_REWRITE: script_rewrite,
    DirectorMode.FULL_REWRITE: full_rewrite,
}


def repair_messages(messages: list[dict], bad: StructuredReply) -> list[dict]:
    """The conversation plus the unreadable reply and what was wrong with it."""
    return [
        *messages,
        {"role": "assistant", "content": bad.content or ""},
        {"role": "user", "content": (
            f"Your reply could not be read: {bad.problem}. Reply again with only the complete "
            "JSON object that the response format describes, shorter if it was cut off."
        )},
    ]


class OpenAIDirector:
    provider = PROVIDER

    def __init__(self, settings: Settings, policy: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.client = OpenAIClient(settings, policy)

    def direct(self, mode: DirectorMode, inputs: DirectorInputs, ctx: CallContext) -> DirectorResult:
        prompt = PROMPTS[mode]
        model = self.settings.openai_chat_model
        messages = prompt.build_messages(inputs)

        def ask(conversation: list[dict], prompt_version: str) -> StructuredReply:
            reply = self.client.structured_chat(
                ctx, operation=Operation.direct(mode), model=model, prompt_version=prompt_version,
                messages=conversation, reply_model=prompt.REPLY_MODEL,
                max_completion_tokens=prompt.MAX_COMPLETION_TOKENS,
            )
            if reply.refusal or reply.finish_reason == "content_filter":
                reason = f" It said: {reply.refusal.strip()[:300]}" if reply.refusal else ""
                raise ProviderError(
                    f"The model ({model}) refused to write {mode.value.replace('_', ' ')} notes for "
                    f"this video.{reason} Try again, another model, or the local provider."
                )
            return reply

        reply = ask(messages, prompt.VERSION)
        if reply.parsed is None:
            reply = ask(repair_messages(messages, reply), f"{prompt.VERSION}+{REPAIR_VERSION}")
        if reply.parsed is None:
            raise ProviderError(
                f"The model's reply could not be read, even after asking it once to repair it "
                f"({reply.problem}). Try again, or choose a model that supports structured outputs "
                "(FRAMEPILOT_OPENAI_CHAT_MODEL)."
            )
        return to_director_result(mode, reply.parsed, inputs, model=model, prompt_version=prompt.VERSION)


def to_director_result(mode: DirectorMode, reply: BaseModel, inputs: DirectorInputs, *,
                       model: str, prompt_version: str) -> DirectorResult:
    """The model's reply in the provider-independent shape (times clamped to the video)."""
    duration = inputs.probe.duration_s
    notes = []
    for n in reply.notes:
        start = min(max(n.start_s, 0.0), duration)
        end = min(max(n.end_s, start), duration)
        notes.append(DirectorNote(start_s=start, end_s=end, category=n.category.strip().lower() or "general",
                                  severity=n.severity, note=n.note.strip(), evidence=n.evidence.strip()))
    script = [line.strip() for line in getattr(reply, "script", []) if line.strip()]
    original = [s.text.strip() for s in inputs.transcript.segments if s.text.strip()]
    shot_list = [
        ShotListItem(number=i, scale=item.scale, framing=item.framing.strip(),
                     duration_s=max(item.duration_s, 0.0), line=item.line.strip())
        for i, item in enumerate(getattr(reply, "shot_list", []), start=1)
    ]
    return DirectorResult(
        mode=mode,
        provider=PROVIDER,
        model=model,
        prompt_version=prompt_version,
        language=inputs.transcript.language,
        summary=reply.summary.strip(),
        notes=notes,
        original_script=inputs.transcript.text.strip() if script else None,
        script=script,
        diff=list(difflib.unified_diff(original, script, "original", "rewrite", lineterm="")) if script else [],
        shot_list=shot_list,
    )
