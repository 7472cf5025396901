"""The queue's wire format: a small JSON object naming the task and one job id, never pickle.

Huey pickles its messages by default, and unpickling runs code: whoever can write to the
queue (a shared Redis, the queue file) would run code in the worker. Our messages only
ever carry a job id (the jobs table holds the rest), so anything else read from the queue
is refused and dropped, never executed.
"""

from __future__ import annotations

from typing import Literal

from huey.registry import Message
from huey.serializer import Serializer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from framepilot.errors import FramePilotError

JOB_ID_PATTERN = r"^[0-9a-f]{32}$"  # `repository.new_id()`


class RefusedMessage(FramePilotError, ValueError):
    """A queue message that is not a FramePilot job message; Huey logs it and moves on."""


class QueueMessage(BaseModel):
    """Everything a queued `run_job` needs: which task, which attempt, which job."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1
    task_id: str = Field(min_length=1, max_length=64)
    task: str = Field(pattern=r"^[A-Za-z_][\w.]{0,99}$")
    job_id: str = Field(pattern=JOB_ID_PATTERN)
    retries: int = Field(0, ge=0, le=100)
    retry_delay: float = Field(0, ge=0)


class JobMessageSerializer(Serializer):
    """Huey serializer for messages that carry one job id, as JSON.

    Refuses to write anything richer (results, pipelines, schedules): the queue is a list
    of job ids, and the jobs table is the truth.
    """

    def _serialize(self, data: object) -> bytes:
        if not _is_job_message(data):
            raise TypeError("the FramePilot queue carries only run_job(<job id>) messages")
        message = QueueMessage(task_id=data.id, task=data.name, job_id=data.args[0],
                               retries=data.retries or 0, retry_delay=data.retry_delay or 0)
        return message.model_dump_json().encode()

    def _deserialize(self, data: bytes) -> Message:
        try:
            message = QueueMessage.model_validate_json(data)
        except ValidationError:
            # The payload is not echoed: it is whatever someone planted in the queue.
            raise RefusedMessage(f"refused a queue message that is not a job id ({len(data)} bytes)") from None
        return Message(message.task_id, message.task, None, message.retries, message.retry_delay,
                       None, (message.job_id,), {})


def _is_job_message(data: object) -> bool:
    return (
        isinstance(data, Message)
        and isinstance(data.args, tuple) and len(data.args) == 1 and isinstance(data.args[0], str)
        and not data.kwargs
        and all(getattr(data, f) is None for f in ("eta", "on_complete", "on_error", "expires",
                                                   "timeout", "chord_config"))
    )
