"""The base of every domain model: extra fields are refused."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(use_enum_values=False, extra="forbid")

