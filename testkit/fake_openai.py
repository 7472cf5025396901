"""A small OpenAI-compatible HTTP server for tests and benchmarks (threaded, 127.0.0.1, port 0).

It answers the three endpoints FramePilot uses with the real wire format, so the real
`openai` client is exercised end to end:

- POST /v1/chat/completions: text and image parts; the reply is JSON valid for the requested
  json_schema (a registered canned reply, or an example built from the schema) with a
  realistic usage block: prompt tokens from a simple tokenizer approximation plus image
  tokens by the published rule, cached tokens for a repeated prefix of 1024+ tokens.
- POST /v1/audio/transcriptions: multipart; verbose_json whose words sit in the loud parts
  of the uploaded audio and whose `duration` is the audio's real duration.
- POST /v1/audio/speech: a real WAV, MP3 or PCM of about 150 words per minute.

`fail_next(kind, times=1, **options)` queues faults; `requests` records what was received.
"""

from __future__ import annotations

import base64
import email.parser
import io
import json
import math
import re
import threading
import time
import wave
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import av
import cv2
import numpy as np
import pytest

from framepilot.settings import Settings, load_settings

FAULT_KINDS = {
    "rate_limit": "any", "429": "any",
    "server_error": "any", "500": "any",
    "timeout": "any", "slow": "any",
    "malformed_body": "any",
    "unauthorized": "any", "401": "any",
    "forbidden": "any", "403": "any",
    "content_policy": "any",
    "insufficient_quota": "any",
    "malformed_json": "chat", "truncated_json": "chat", "refusal": "chat",
}
DEFAULT_WORDS = (
    "so today I want to show you how I plan a short video from the first idea to the "
    "final cut and why the first three seconds matter more than anything else"
).split()
_TOKEN = re.compile(r"\w+|[^\w\s]")
# The published image token rule (low: flat; high: per 512-px tile), per model family.
_IMAGE_RULES = {"gpt-4o-mini": (2833, 5667)}
_DEFAULT_IMAGE_RULE = (85, 170)


def count_tokens(text: str) -> int:
    """Approximate BPE tokens: words and punctuation marks (for the fake's usage only)."""
    return len(_TOKEN.findall(text))


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def fake_image_tokens(model: str, width: int, height: int, detail: str) -> int:
    base, tile = next((v for k, v in _IMAGE_RULES.items() if model.startswith(k)), _DEFAULT_IMAGE_RULE)
    if detail == "auto":
        detail = "high" if max(width, height) > 512 else "low"
    if detail == "low":
        return base
    scale = min(1.0, 2048 / max(width, height))
    w, h = width * scale, height * scale
    scale = min(1.0, 768 / min(w, h))
    w, h = w * scale, h * scale
    return base + tile * math.ceil(w / 512) * math.ceil(h / 512)


def example_from_schema(schema: dict, defs: dict | None = None, name: str = "value", items: int = 2) -> Any:
    """A value valid for a (strict) JSON schema: required fields, first enum values."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return example_from_schema(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, name, items)
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"] or schema["anyOf"]
        return example_from_schema(options[0], defs, name, items)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: example_from_schema(props[k], defs, k, items) for k in schema.get("required", list(props))}
    if kind == "array":
        return [example_from_schema(schema.get("items", {}), defs, name, items) for _ in range(items)]
    if kind == "string":
        return f"Example {name.replace('_', ' ')}."
    if kind == "number":
        return 1.5
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    return None


@dataclass
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    json: dict | None = None
    form: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    received_at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict]:
        return (self.json or {}).get("messages", [])

    def image_parts(self) -> list[dict]:
        """The image_url objects of every message, in order."""
        return [p["image_url"] for m in self.messages if isinstance(m.get("content"), list)
                for p in m["content"] if p.get("type") == "image_url"]

    def text_of(self, role: str) -> list[str]:
        """The text of each message with this role (text parts joined)."""
        out = []
        for m in self.messages:
            if m.get("role") != role:
                continue
            content = m.get("content")
            if isinstance(content, list):
                content = "\n".join(p.get("text", "") for p in content if p.get("type") == "text")
            out.append(content or "")
        return out


@dataclass
class _Fault:
    kind: str
    times: int
    endpoint: str
    options: dict


class FakeOpenAI:
    """The server. Use as a context manager, or through the `fake_openai` fixture."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.transcript_words: list[str] = list(DEFAULT_WORDS)
        self.report_duration = True
        self._faults: deque[_Fault] = deque()
        self._usage_overrides: deque[dict] = deque()
        self._canned: dict[str, dict | str | Callable[[dict], dict | str]] = {}
        self._seen_prompts: deque[list[str]] = deque(maxlen=64)
        self._word_cursor = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05})
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    # --- test controls ------------------------------------------------------------------

    def fail_next(self, kind: str, times: int = 1, **options: Any) -> None:
        """Queue a fault for the next `times` matching requests.

        Kinds: rate_limit/429 (options: retry_after="0.2", retry_after_ms), server_error/500
        (status=503), timeout/slow (delay=0.6 s before a normal reply), malformed_body (200 with
        a body that is not JSON), unauthorized/401, forbidden/403, content_policy (400),
        insufficient_quota (429), and for chat only: malformed_json (content is not JSON),
        truncated_json (content cut in half, finish_reason "length"), refusal.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {sorted(FAULT_KINDS)}")
        with self._lock:
            self._faults.append(_Fault(kind, times, FAULT_KINDS[kind], options))

    def reply_with(self, schema_name: str, reply: dict | str | Callable[[dict], dict | str]) -> None:
        """The chat reply for requests whose json_schema has this name (a dict, raw text, or a
        function of the request body)."""
        self._canned[schema_name] = reply

    def usage_next(self, usage: dict) -> None:
        """Replace the usage block of the next chat reply (for exact accounting tests)."""
        self._usage_overrides.append(usage)

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith(endpoint)]

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return self.requests_to("/chat/completions")

    def _take_fault(self, endpoint: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.endpoint in ("any", endpoint):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # --- chat ---------------------------------------------------------------------------

    def _prompt_tokens(self, body: dict) -> tuple[list[str], int]:
        """The prompt as a token list (images as placeholder runs) and its image tokens."""
        model = body.get("model", "")
        tokens: list[str] = []
        schema = (body.get("response_format") or {}).get("json_schema")
        if schema:
            tokens += _tokens(json.dumps(schema))
        images = 0
        for message in body.get("messages", []):
            tokens += ["<|im_start|>", message.get("role", "user")]
            content = message.get("content")
            parts = [{"type": "text", "text": content}] if isinstance(content, str) else (content or [])
            for part in parts:
                if part.get("type") == "text":
                    tokens += _tokens(part.get("text", ""))
                elif part.get("type") == "image_url":
                    url = part["image_url"]["url"]
                    width, height = _image_size(url)
                    n = fake_image_tokens(model, width, height, part["image_url"].get("detail", "auto"))
                    images += n
                    tokens += [f"<img:{hash(url)}>"] * n
            tokens.append("<|im_end|>")
        tokens += ["<|im_start|>", "assistant"]
        return tokens, images

    def _cached_prefix(self, tokens: list[str]) -> int:
        """Like the API: a shared prefix of 1024+ tokens is cached in 128-token steps."""
        best = 0
        for seen in self._seen_prompts:
            n = 0
            for a, b in zip(seen, tokens):
                if a != b:
                    break
                n += 1
            best = max(best, n)
        self._seen_prompts.append(tokens)
        return (best // 128) * 128 if best >= 1024 else 0

    def _reply_content(self, body: dict) -> str:
        fmt = body.get("response_format") or {}
        if fmt.get("type") != "json_schema":
            return "This is a reply from the fake OpenAI server."
        spec = fmt["json_schema"]
        canned = self._canned.get(spec.get("name", ""))
        if callable(canned):
            canned = canned(body)
        if canned is None:
            canned = example_from_schema(spec["schema"])
        return canned if isinstance(canned, str) else json.dumps(canned)

    def chat_completion(self, body: dict, fault: _Fault | None) -> dict:
        with self._lock:
            tokens, _images = self._prompt_tokens(body)
            cached = self._cached_prefix(tokens)
            override = self._usage_overrides.popleft() if self._usage_overrides else None
        content: str | None = self._reply_content(body)
        refusal, finish = None, "stop"
        kind = fault.kind if fault else None
        if kind == "malformed_json":
            content = "Sure! Here are my notes: " + content[: max(len(content) // 3, 1)]
        elif kind == "truncated_json":
            content, finish = content[: len(content) // 2], "length"
        elif kind == "refusal":
            content, refusal = None, fault.options.get("text", "I'm sorry, but I can't help with that request.")
        completion_tokens = count_tokens(content or refusal or "")
        usage = override or {
            "prompt_tokens": len(tokens),
            "completion_tokens": completion_tokens,
            "total_tokens": len(tokens) + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
        }
        return {
            "id": f"chatcmpl-fake{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "unknown"),
            "system_fingerprint": "fp_fake",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "logprobs": None,
                "finish_reason": finish,
            }],
            "usage": usage,
        }

    # --- audio --------------------------------------------------------------------------

    def transcription(self, audio: bytes, response_format: str) -> dict:
        samples, rate = _decode_mono(audio)
        duration = len(samples) / rate if rate else 0.0
        window = int(0.4 * rate)
        words, segments, current = [], [], []
        for i in range(0, max(len(samples) - window + 1, 0), window):
            loud = float(np.sqrt(np.mean(samples[i:i + window] ** 2))) > 0.01
            if loud:
                with self._lock:
                    text = self.transcript_words[self._word_cursor % len(self.transcript_words)]
                    self._word_cursor += 1
                start = round(i / rate, 3)
                word = {"word": text, "start": start, "end": round(start + 0.35, 3)}
                words.append(word)
                current.append(word)
            if current and (not loud or len(current) >= 12):
                segments.append(current)
                current = []
        if current:
            segments.append(current)
        text = " ".join(w["word"] for w in words)
        if response_format != "verbose_json":
            return {"text": text}
        result = {
            "task": "transcribe",
            "language": "english",
            "text": text,
            "segments": [
                {"id": n, "seek": 0, "start": seg[0]["start"], "end": seg[-1]["end"],
                 "text": " " + " ".join(w["word"] for w in seg), "tokens": [], "temperature": 0.0,
                 "avg_logprob": -0.2, "compression_ratio": 1.3, "no_speech_prob": 0.01}
                for n, seg in enumerate(segments)
            ],
            "words": words,
        }
        if self.report_duration:
            result["duration"] = round(duration, 3)
        return result

    @staticmethod
    def speech(body: dict) -> tuple[bytes, str]:
        words = max(len(str(body.get("input", "")).split()), 1)
        duration = max(0.5, words / 2.5)
        rate = 24_000
        t = np.arange(int(duration * rate)) / rate
        samples = (0.3 * np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)
        fmt = body.get("response_format", "mp3")
        if fmt == "pcm":
            return (samples * 32767).astype("<i2").tobytes(), "audio/pcm"
        if fmt == "wav":
            buffer = io.BytesIO()
            with wave.open(buffer, "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes((samples * 32767).astype("<i2").tobytes())
            return buffer.getvalue(), "audio/wav"
        buffer = io.BytesIO()
        with av.open(buffer, "w", format="mp3") as container:
            stream = container.add_stream("libmp3lame", rate=rate, layout="mono")
            frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="fltp", layout="mono")
            frame.rate = rate
            for packet in [*stream.encode(frame), *stream.encode(None)]:
                container.mux(packet)
        return buffer.getvalue(), "audio/mpeg"


def _image_size(url: str) -> tuple[int, int]:
    if url.startswith("data:"):
        data = base64.b64decode(url.split(",", 1)[1])
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        if image is not None:
            return image.shape[1], image.shape[0]
    return 512, 512


def _decode_mono(data: bytes) -> tuple[np.ndarray, int]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        rate = stream.rate
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        parts = []
        for frame in container.decode(stream):
            parts.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
        parts.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    return (np.concatenate(parts) if parts else np.zeros(0, np.float32)), rate


def _error(status: int, message: str, kind: str, code: str | None) -> tuple[int, dict]:
    return status, {"error": {"message": message, "type": kind, "param": None, "code": code}}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        record = RecordedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()})
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            record.json = json.loads(raw or b"{}")
        elif content_type.startswith("multipart/form-data"):
            record.form, record.files = _parse_multipart(content_type, raw)
        with self.fake._lock:
            self.fake.requests.append(record)
        endpoint = {"/v1/chat/completions": "chat", "/v1/audio/transcriptions": "transcriptions",
                    "/v1/audio/speech": "speech"}.get(self.path.split("?")[0])
        if endpoint is None:
            self._json(*_error(404, f"Unknown path {self.path}", "invalid_request_error", "unknown_url"))
            return
        fault = self.fake._take_fault(endpoint)
        if fault is not None and self._apply_transport_fault(fault):
            return
        if endpoint == "chat":
            self._json(200, self.fake.chat_completion(record.json or {}, fault))
        elif endpoint == "transcriptions":
            _name, audio = record.files.get("file", ("", b""))
            fmt = (record.form.get("response_format") or ["json"])[0]
            self._json(200, self.fake.transcription(audio, fmt))
        else:
            audio, mime = self.fake.speech(record.json or {})
            self._send(200, audio, mime)

    def _apply_transport_fault(self, fault: _Fault) -> bool:
        """Answer with the fault; False for faults that shape the reply content instead."""
        kind, opts = fault.kind, fault.options
        if kind in ("rate_limit", "429"):
            headers = {}
            if "retry_after_ms" in opts:
                headers["retry-after-ms"] = str(opts["retry_after_ms"])
            headers["Retry-After"] = str(opts.get("retry_after", "0.2"))
            self._json(*_error(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded"), headers)
        elif kind == "insufficient_quota":
            self._json(*_error(429, "You exceeded your current quota.", "insufficient_quota", "insufficient_quota"))
        elif kind in ("server_error", "500"):
            status = int(opts.get("status", 500))
            self._json(*_error(status, "The server had an error while processing your request.", "server_error", None))
        elif kind in ("unauthorized", "401"):
            self._json(*_error(401, "Incorrect API key provided: te**.", "invalid_request_error", "invalid_api_key"))
        elif kind in ("forbidden", "403"):
            self._json(*_error(403, "You are not allowed to sample from this model", "invalid_request_error", None))
        elif kind == "content_policy":
            self._json(*_error(400, "Your request was rejected as a result of our safety system.",
                               "invalid_request_error", "content_policy_violation"))
        elif kind == "malformed_body":
            self._send(200, b'{"id": "chatcmpl-broken", "choices": [{"message": ', "application/json")
        elif kind in ("timeout", "slow"):
            time.sleep(float(opts.get("delay", 0.6)))
            return False
        else:
            return False
        return True


def _parse_multipart(content_type: str, raw: bytes) -> tuple[dict[str, list[str]], dict[str, tuple[str, bytes]]]:
    message = email.parser.BytesParser().parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + raw
    )
    form: dict[str, list[str]] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.get_payload():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            files[name] = (part.get_filename(), payload)
        else:
            form.setdefault(name, []).append(payload.decode())
    return form, files


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A running fake OpenAI server for one test."""
    with FakeOpenAI() as server:
        yield server


def fake_settings(server: FakeOpenAI, **overrides: Any) -> Settings:
    """Settings pointing the openai provider at `server` (OPENAI_API_KEY=test)."""
    values: dict[str, Any] = {
        "OPENAI_API_KEY": "test",
        "OPENAI_BASE_URL": server.base_url,
        "provider": "openai",
        "openai_timeout_s": 5.0,
        "openai_max_retries": 3,
    }
    values.update(overrides)
    return load_settings(**values)
