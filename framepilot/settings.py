"""The one settings object, read from the environment and `.env`.

Every limit has exactly one source here. Precedence: process environment, then `.env`,
then the defaults below.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet
from limits import parse_many
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from framepilot.core.private_files import private_dir
from framepilot.errors import FramePilotError

ENV_PREFIX = "FRAMEPILOT_"


class SettingsError(FramePilotError, RuntimeError):
    """A setting is missing or invalid; the message names it in one line."""

    user_facing = True


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(Path("./data"), description="Where the store, uploads and models live.")
    models_cache_dir: Path | None = Field(
        None, description="Where the joined local models are cached; default DATA_DIR/models."
    )
    max_upload_mb: int = Field(100, gt=0, le=10_000, description="Largest accepted upload, in MB.")
    max_duration_s: float = Field(900.0, gt=0, description="Longest accepted video, in seconds.")
    provider: Literal["local", "openai"] = Field("local", description="Default AI provider.")
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "FRAMEPILOT_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_BASE_URL", "FRAMEPILOT_OPENAI_BASE_URL")
    )
    openai_chat_model: str = "gpt-4o-mini"
    openai_vision_model: str = "gpt-4o-mini"
    openai_transcribe_model: str = "whisper-1"
    openai_tts_model: str = "tts-1"
    openai_tts_voice: str = "alloy"
    openai_timeout_s: float = Field(60.0, gt=0)
    openai_max_retries: int = Field(4, ge=0, le=10)
    llm_cache: bool = True
    secret_key: SecretStr | None = Field(
        None, description="Fernet key(s), comma-separated: the first encrypts, all decrypt (rotation)."
    )
    secret_key_file: Path | None = Field(
        None, description="File holding the key(s), one a line; default DATA_DIR/secret.key."
    )
    workers: int = Field(2, ge=1, le=64, description="Worker threads/processes for the job queue.")
    redis_url: str | None = None
    job_max_attempts: int = Field(3, ge=1, le=20)
    job_stale_after_s: float = Field(60.0, gt=0)
    job_time_limit_base_s: float = Field(
        600.0, gt=0, description="Every job's wall-clock limit: this, plus the next setting times the video's length.",
    )
    job_time_limit_per_media_s: float = Field(
        10.0, ge=0, description="Seconds of work a job may take per second of its video.")
    job_stall_s: float = Field(
        300.0, gt=0, description="A running job that reports no progress for this long is failed.")
    user_monthly_budget_usd: float | None = Field(None, ge=0)
    global_monthly_budget_usd: float | None = Field(None, ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    database_url: SecretStr | None = Field(
        None, description="sqlite:///path (default: DATA_DIR/framepilot.sqlite3) or postgresql://..."
    )
    database_pool_size: int = Field(4, ge=1, le=100, description="PostgreSQL connections per process.")
    log_format: Literal["auto", "json"] = Field(
        "auto", description="auto: short human lines and a progress bar when a command runs at a "
                            "terminal, JSON lines otherwise; json: always JSON lines.",
    )
    port: int = Field(8501, ge=1, le=65535)
    storage_url: str | None = Field(
        None, description="Where media lives: a folder (default DATA_DIR) or s3://bucket/prefix."
    )
    s3_endpoint_url: str | None = Field(
        None,
        validation_alias=AliasChoices("FRAMEPILOT_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"),
        description="An S3-compatible endpoint (MinIO, R2, ...); unset for AWS itself.",
    )
    s3_read_timeout_s: float = Field(
        30.0, gt=0, description="An S3 request that sends no byte for this long is dropped (and retried).")
    s3_retry_timeout_s: float = Field(
        180.0, gt=0, description="How long S3 requests are retried (5xx, timeouts) before the work fails.")
    aws_access_key_id: str | None = Field(None, validation_alias="AWS_ACCESS_KEY_ID")
    aws_secret_access_key: SecretStr | None = Field(None, validation_alias="AWS_SECRET_ACCESS_KEY")
    aws_session_token: SecretStr | None = Field(None, validation_alias="AWS_SESSION_TOKEN")
    aws_region: str | None = Field(None, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    scratch_mb: int = Field(
        2048, ge=16, le=10_000_000, description="Bound of a worker's local cache of stored media, in MB."
    )
    node_name: str | None = Field(
        None, pattern=r"^[A-Za-z0-9._-]{1,64}$",
        description="This machine's name in the jobs table's worker column; default the host name.",
    )

    @field_validator("storage_url")
    @classmethod
    def _folder_or_s3(cls, v: str | None) -> str | None:
        if not v or "://" not in v:
            return v or None
        if not re.fullmatch(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?", v):
            raise ValueError("must be a folder path or s3://bucket/prefix (bucket: 3-63 of a-z 0-9 . -)")
        return v

    @property
    def scratch_dir(self) -> Path:
        return self.data_dir / "scratch"

    @property
    def work_dir(self) -> Path:
        """Where a running job writes its artifacts before they go into media storage."""
        return self.data_dir / "work"

    @property
    def scratch_bytes(self) -> int:
        return self.scratch_mb * 1024 * 1024

    api_port: int = Field(8502, ge=1, le=65535, description="Port of the HTTP API (`framepilot api`).")
    api_rate_limit: str = Field(
        "120/minute", description="Requests each API token may make, e.g. '120/minute' or '10/second'."
    )

    # --- sign-in, sessions and uploads before sign-in (issue 9) ---
    host: str = Field("127.0.0.1", min_length=1, description="Address the web server listens on.")
    session_idle_minutes: int = Field(60, ge=1, le=60 * 24 * 30)
    session_max_days: int = Field(7, ge=1, le=365)
    signin_account_limits: str = Field("5 per 5 minutes; 20 per hour; 50 per day")
    signin_client_limits: str = Field("30 per 5 minutes; 200 per hour")
    upload_session_mb: int | None = Field(None, gt=0, description="default 3 x MAX_UPLOAD_MB")
    upload_total_mb: int | None = Field(None, gt=0, description="default 10 x MAX_UPLOAD_MB")
    upload_concurrency: int = Field(4, ge=1, le=256)
    # --- per-user quotas, defaults an admin overrides per account (`framepilot users quota`) ---
    quota_stored_mb: int = Field(20_000, ge=0, description="Uploaded video bytes one account may keep")
    quota_videos: int = Field(500, ge=0, description="Videos one account may keep")
    quota_queued_jobs: int = Field(20, ge=0, description="Jobs one account may have queued or running")
    quota_tokens: int = Field(20, ge=0, description="Live API tokens one account may hold")
    # --- operators' metrics (Prometheus) ---
    metrics_token: SecretStr | None = Field(None, description="Bearer token GET /metrics asks for, when set")
    worker_metrics_port: int = Field(0, ge=0, le=65535, description="Port of a worker's /metrics (0: none)")
    # --- live job streams (issue 19) ---
    api_streams_per_user: int = Field(5, ge=1, le=1000, description="Job event streams one account may hold open")
    api_stream_max_minutes: float = Field(30, gt=0, le=24 * 60, description="A stream then ends; clients reconnect")
    api_stream_recheck_s: float = Field(30, gt=0, le=3600, description="How often a stream's token is checked again")
    # --- one account cannot hold the upload pool (issue 19) ---
    upload_per_user: int = Field(2, ge=1, le=64, description="Uploads one account may send at once")
    upload_min_kbps: int = Field(32, ge=1, description="Average rate an upload must keep up after its grace")
    upload_grace_s: float = Field(30, gt=0, le=3600, description="Seconds before the minimum rate applies")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        return v.upper() if isinstance(v, str) else v

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value() and not v.get_secret_value().startswith(
            ("sqlite:///", "postgresql://", "postgres://")
        ):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return v
    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, v: object) -> object:
        return v.lower() if isinstance(v, str) else v

    @field_validator("api_rate_limit")
    @classmethod
    def _valid_rate_limit(cls, v: str) -> str:
        from limits import parse

        try:
            parse(v)
        except ValueError:
            raise ValueError("must read like '120/minute' (N per second, minute, hour or day)") from None
        return v

    @field_validator("secret_key")
    @classmethod
    def _valid_fernet_key(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value():
            try:
                for key in v.get_secret_value().split(","):
                    Fernet(key.strip().encode())
            except (ValueError, TypeError):
                raise ValueError(
                    "must be a Fernet key, or comma-separated keys (generate one with `framepilot keygen`)"
                ) from None
        return v

    @field_validator("secret_key_file")
    @classmethod
    def _one_key_source(cls, v: Path | None, info: ValidationInfo) -> Path | None:
        key = info.data.get("secret_key")
        if v is not None and key is not None and key.get_secret_value():
            raise ValueError("set FRAMEPILOT_SECRET_KEY or FRAMEPILOT_SECRET_KEY_FILE, not both")
        return v

    @field_validator("signin_account_limits", "signin_client_limits")
    @classmethod
    def _rate_limits(cls, v: str) -> str:
        try:
            parse_many(v)
        except ValueError:
            raise ValueError("must be rate limits like '5 per 5 minutes; 20 per hour'") from None
        return v

    @field_validator("upload_session_mb", "upload_total_mb")
    @classmethod
    def _upload_caps_fit(cls, v: int | None, info: ValidationInfo) -> int | None:
        floor = info.data.get("max_upload_mb", 0)
        if info.field_name == "upload_total_mb":
            floor = info.data.get("upload_session_mb") or 3 * floor
        if v is not None and v < floor:
            raise ValueError(f"must be at least {floor} (MB)")
        return v

    @model_validator(mode="after")
    def _openai_needs_endpoint(self) -> "Settings":
        if self.provider == "openai" and not self.openai_configured:
            raise ValueError("provider 'openai' needs OPENAI_API_KEY or OPENAI_BASE_URL")
        return self

    @property
    def openai_configured(self) -> bool:
        key = self.openai_api_key.get_secret_value() if self.openai_api_key else ""
        return bool(key or self.openai_base_url)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def database_url_resolved(self) -> str:
        """The store's URL; it may hold a password, so never log or show it."""
        if self.database_url is not None and self.database_url.get_secret_value():
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.data_dir / 'framepilot.sqlite3'}"

    @property
    def store_key(self) -> str:
        """Which store this is, without secrets: processes sharing it share one job queue."""
        url = self.database_url_resolved
        if url.startswith("sqlite:///"):
            return f"sqlite:{self.db_path.resolve()}"
        from framepilot.core.database_urls import postgres_key

        return postgres_key(url)

    @property
    def upload_session_bytes(self) -> int:
        """What one browser session may hold in uploads not yet stored."""
        return (self.upload_session_mb or 3 * self.max_upload_mb) * 1024 * 1024

    @property
    def upload_total_bytes(self) -> int:
        """What all sessions together may hold in uploads, including those still arriving."""
        return (self.upload_total_mb or 10 * self.max_upload_mb) * 1024 * 1024

    @property
    def db_path(self) -> Path:
        """The SQLite file (the default store)."""
        url = self.database_url_resolved
        if url.startswith("sqlite:///"):
            return Path(url.removeprefix("sqlite:///"))
        return self.data_dir / "framepilot.sqlite3"

    @property
    def queue_path(self) -> Path:
        return self.data_dir / "queue.sqlite3"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "artifacts"

    @property
    def models_dir(self) -> Path:
        return self.models_cache_dir or self.data_dir / "models"

    @property
    def key_path(self) -> Path:
        return self.secret_key_file or self.data_dir / "secret.key"

    def ensure_dirs(self) -> None:
        """The data folders, owner-only (0700)."""
        for d in (self.data_dir, self.uploads_dir, self.artifacts_dir, self.models_dir):
            private_dir(d)


def _env_name(loc: tuple) -> str:
    field = str(loc[0]) if loc else "settings"
    if field == "openai_api_key":
        return "OPENAI_API_KEY"
    if field == "openai_base_url":
        return "OPENAI_BASE_URL"
    return ENV_PREFIX + field.upper()


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning validation errors into one line that names the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err.get("loc") or ()
        name = _env_name(loc) if loc else "FRAMEPILOT_PROVIDER"
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        raise SettingsError(f"invalid setting {name}: {msg}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
