"""The OpenAI boundary shared by the four openai steps: the SDK client, our retries, the
response cache, the budget gate and the usage accounting of every HTTP call.

The SDK's own retries are off (`max_retries=0`): retrying here counts every attempt in the
call's `llm_calls` row and honours Retry-After the same way on every endpoint. Chat replies
come from `chat.completions.create` with a json_schema response format rather than
`.parse()`, because `.parse()` raises on an unreadable reply and its usage (which was paid
for) would be lost to the accounting.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import openai
from openai.lib import type_to_response_format_param
from pydantic import BaseModel, ValidationError

from framepilot.core.logs import get_logger
from framepilot.models import Operation
from framepilot.providers.base import ProviderError, language_tag
from framepilot.providers.openai.retry import RetryPolicy, classify_failure
from framepilot.settings import Settings
from framepilot.store import repository as repo
from framepilot.usage.budgets import reserve_budget
from framepilot.usage.metering import CallContext, Meter, metered
from framepilot.usage.pricing import image_tokens, price_for

PROVIDER = "openai"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
# A rough upper bound for the budget gate only (never for billing): ~4 characters a token.
CHARS_PER_TOKEN_ESTIMATE = 4

Reply = TypeVar("Reply", bound=BaseModel)
Result = TypeVar("Result")


def build_sdk_client(settings: Settings) -> openai.OpenAI:
    """The SDK client for these settings, with its own retries off (we retry)."""
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    # The HTTP library logs every request at INFO as plain text; our JSON events say more.
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    return openai.OpenAI(
        # Compatible local servers (Ollama, vLLM) accept any key; the SDK insists on one.
        api_key=key or "not-needed",
        base_url=settings.openai_base_url or DEFAULT_BASE_URL,
        timeout=settings.openai_timeout_s,
        max_retries=0,
    )


@dataclass(frozen=True)
class StructuredReply(Generic[Reply]):
    """A chat reply read against a pydantic model: `parsed` is None when it could not be."""

    parsed: Reply | None
    content: str | None
    refusal: str | None
    finish_reason: str | None
    problem: str | None
    from_cache: bool = False


def read_structured(content: str | None, refusal: str | None, finish_reason: str | None,
                    reply_model: type[Reply], from_cache: bool = False) -> StructuredReply[Reply]:
    """Validate a reply's content, naming the problem in words the model can act on."""
    def result(parsed: Reply | None = None, problem: str | None = None) -> StructuredReply[Reply]:
        return StructuredReply(parsed, content, refusal, finish_reason, problem, from_cache)

    if refusal:
        return result(problem="the model refused")
    if finish_reason == "content_filter":
        return result(problem="the reply was stopped by the content filter")
    if not content or not content.strip():
        return result(problem="the reply was empty")
    try:
        return result(parsed=reply_model.model_validate_json(content))
    except ValidationError as exc:
        errors = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in exc.errors()[:5]
        )
        cut = "the reply was cut off at the token limit; " if finish_reason == "length" else ""
        return result(problem=f"{cut}{errors}")


@dataclass(frozen=True)
class _Exchange(Generic[Result]):
    """One HTTP call described for `OpenAIClient._exchange`."""

    operation: Operation
    model: str
    prompt_version: str | None
    cache_material: str
    estimate_usd: float
    send: Callable[[openai.OpenAI], Any]
    account: Callable[[Meter, Any], None]
    to_result: Callable[[Any], Result]
    encode: Callable[[Result], str]
    decode: Callable[[str], Result]
    cacheable: Callable[[Result], bool]


class OpenAIClient:
    """Sends one request at a time with retries, caching, the budget gate and accounting."""

    def __init__(self, settings: Settings, policy: RetryPolicy | None = None,
                 sdk: openai.OpenAI | None = None) -> None:
        self.settings = settings
        self.policy = policy or RetryPolicy.from_settings(settings)
        self.sdk = sdk or build_sdk_client(settings)
        self.base_url = settings.openai_base_url or DEFAULT_BASE_URL
        self.log = get_logger(provider=PROVIDER)

    # --- the three kinds of request -------------------------------------------------------

    def structured_chat(
        self, ctx: CallContext, *, operation: Operation, model: str, prompt_version: str,
        messages: list[dict], reply_model: type[Reply], max_completion_tokens: int,
        image_sizes: Sequence[tuple[int, int]] = (), image_detail: str = "low",
    ) -> StructuredReply[Reply]:
        """A chat completion whose reply must validate against `reply_model` (json_schema).

        A reply that does not validate is returned with `problem` set (and not cached), so
        the caller can ask for a repair.
        """
        request = {
            "model": model,
            "messages": messages,
            "response_format": type_to_response_format_param(reply_model),
            "max_completion_tokens": max_completion_tokens,
        }
        images = sum(image_tokens(model, w, h, image_detail) for w, h in image_sizes)

        def account(meter: Meter, completion: Any) -> None:
            usage = completion.usage
            if usage is None:
                self.log.warning("openai.usage_missing", operation=operation, model=model)
                return
            details = usage.prompt_tokens_details
            meter.input_tokens = usage.prompt_tokens
            meter.output_tokens = usage.completion_tokens
            meter.cached_tokens = (details.cached_tokens if details else None) or 0
            # A breakdown only: image tokens are already inside prompt_tokens.
            reported = details.image_tokens if details else None
            meter.image_tokens = reported if reported is not None else min(images, usage.prompt_tokens)

        def to_result(completion: Any) -> StructuredReply[Reply]:
            if not completion.choices:
                return read_structured(None, None, None, reply_model)
            choice = completion.choices[0]
            message = choice.message
            return read_structured(message.content, getattr(message, "refusal", None),
                                   choice.finish_reason, reply_model)

        return self._exchange(ctx, _Exchange(
            operation=operation, model=model, prompt_version=prompt_version,
            cache_material=_canonical(request),
            estimate_usd=self._estimate_chat(model, messages, images, max_completion_tokens),
            send=lambda sdk: sdk.chat.completions.create(**request),
            account=account,
            to_result=to_result,
            encode=lambda r: json.dumps({"content": r.content, "finish_reason": r.finish_reason}),
            decode=lambda text: read_structured(**json.loads(text), refusal=None,
                                                reply_model=reply_model, from_cache=True),
            cacheable=lambda r: r.parsed is not None,
        ))

    def transcribe_chunk(self, ctx: CallContext, *, model: str, audio: bytes, filename: str,
                         duration_s: float, language: str | None = None) -> dict:
        """verbose_json with segment and word timestamps for one audio file under the upload cap.

        Billed seconds are the API's reported `duration`; the chunk's own duration stands in
        when a compatible server leaves it out.
        """
        params: dict = {"model": model, "response_format": "verbose_json",
                        "timestamp_granularities": ["segment", "word"]}
        if model.startswith("gpt-4o") and "transcribe" in model:
            # These models answer in plain json only: one segment per piece, no word times.
            params = {"model": model, "response_format": "json"}
        if language:  # part of the cache key too: a run in another language is its own call and cost
            params["language"] = language
        price = price_for(PROVIDER, model)

        def account(meter: Meter, response: dict) -> None:
            usage = response.get("usage") or {}
            reported = response.get("duration") or usage.get("seconds")
            meter.audio_seconds = float(reported) if reported else duration_s

        return self._exchange(ctx, _Exchange(
            operation=Operation.TRANSCRIBE, model=model, prompt_version=language_tag(language),
            cache_material=_canonical({**params, "audio_sha256": hashlib.sha256(audio).hexdigest()}),
            estimate_usd=(duration_s / 60 * price.audio_per_minute) if price else 0.0,
            send=lambda sdk: _as_dict(sdk.audio.transcriptions.create(
                file=(filename, audio, "audio/wav"), **params)),
            account=account,
            to_result=lambda response: response,
            encode=json.dumps,
            decode=json.loads,
            cacheable=lambda response: "text" in response,
        ))

    def speech(self, ctx: CallContext, *, model: str, voice: str, text: str,
               response_format: str) -> bytes:
        """Audio bytes for `text` (at most the API's 4096 characters)."""
        price = price_for(PROVIDER, model)

        def account(meter: Meter, _audio: bytes) -> None:
            meter.characters = len(text)

        return self._exchange(ctx, _Exchange(
            operation=Operation.SYNTHESISE, model=model, prompt_version=None,
            cache_material=_canonical({"model": model, "voice": voice, "input": text,
                                       "response_format": response_format}),
            estimate_usd=(len(text) * price.characters_per_m / 1e6) if price else 0.0,
            send=lambda sdk: sdk.audio.speech.create(
                model=model, voice=voice, input=text, response_format=response_format).content,
            account=account,
            to_result=lambda audio: audio,
            encode=lambda audio: base64.b64encode(audio).decode("ascii"),
            decode=base64.b64decode,
            cacheable=lambda audio: len(audio) > 0,
        ))

    # --- the engine -----------------------------------------------------------------------

    def _exchange(self, ctx: CallContext, call: _Exchange[Result]) -> Result:
        cached = self.settings.llm_cache and ctx.db is not None and ctx.user_id is not None
        key = self._cache_key(call) if cached else None
        if key is not None and (hit := self._cache_lookup(ctx, key, call)) is not None:
            return hit
        reservation = reserve_budget(ctx, self.settings, call.estimate_usd)
        with metered(ctx, provider=PROVIDER, model=call.model, operation=call.operation,
                     prompt_version=call.prompt_version, reservation=reservation) as meter:
            raw = self._send(meter, call)
            call.account(meter, raw)
        result = call.to_result(raw)
        if key is not None and call.cacheable(result):
            repo.cache_put(ctx.db, ctx.user_id, key, ctx.db.cipher.encrypt(call.encode(result)))
        return result

    def _cache_key(self, call: _Exchange) -> str:
        head = _canonical([self.base_url, call.operation, call.model, call.prompt_version])
        return hashlib.sha256(f"{head}\n{call.cache_material}".encode()).hexdigest()

    def _cache_lookup(self, ctx: CallContext, key: str, call: _Exchange[Result]) -> Result | None:
        stored = repo.cache_get(ctx.db, ctx.user_id, key)
        if stored is None:
            return None
        try:
            result = call.decode(ctx.db.cipher.decrypt(stored))
        except Exception:  # an unreadable entry (changed key, old format) is just a miss
            self.log.info("openai.cache_unreadable", operation=call.operation)
            return None
        with metered(ctx, provider=PROVIDER, model=call.model, operation=call.operation,
                     prompt_version=call.prompt_version) as meter:
            meter.cache_hit = True
        return result

    def _send(self, meter: Meter, call: _Exchange) -> Any:
        """The request, retried on transient failures; meter.retries counts the re-attempts."""
        retries = 0
        while True:
            try:
                return call.send(self.sdk)
            except Exception as exc:
                failure = classify_failure(exc, model=call.model, base_url=self.base_url,
                                           timeout_s=self.settings.openai_timeout_s)
                if failure is None:
                    raise
                too_long = (failure.retry_after_s or 0) > self.policy.max_retry_after_s
                if not failure.retryable or retries >= self.policy.max_retries or too_long:
                    self.log.warning("openai.failed", operation=call.operation, model=call.model,
                                     kind=failure.kind, status=failure.status, retries=retries)
                    message = failure.final_message(retries)
                    if too_long:
                        message = (f"The AI service asked us to wait {failure.retry_after_s:.0f} s before "
                                   "retrying (rate limit). Retry later.")
                    raise ProviderError(message) from exc
                wait = (failure.retry_after_s if failure.retry_after_s is not None
                        else self.policy.backoff_s(retries))
                retries += 1
                meter.retries = retries
                self.log.warning("openai.retry", operation=call.operation, model=call.model,
                                 kind=failure.kind, status=failure.status, retry=retries,
                                 wait_s=round(wait, 3))
                self.policy.sleep(wait)

    def _estimate_chat(self, model: str, messages: list[dict], images: int, max_output: int) -> float:
        """An upper-bound cost for the budget gate, before the call (billing uses real usage)."""
        price = price_for(PROVIDER, model)
        if price is None:
            return 0.0
        text_chars = sum(len(part) for part in _text_parts(messages))
        prompt_tokens = text_chars / CHARS_PER_TOKEN_ESTIMATE + images
        return prompt_tokens * price.input_per_m / 1e6 + max_output * price.output_per_m / 1e6


def _text_parts(messages: list[dict]) -> list[str]:
    parts: list[str] = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(p.get("text", "") for p in content if p.get("type") == "text")
    return parts


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _as_dict(response: Any) -> dict:
    if isinstance(response, dict):
        return response
    if isinstance(response, str):  # a compatible server that answered in plain text
        return {"text": response}
    return response.model_dump(mode="json", exclude_none=True)
