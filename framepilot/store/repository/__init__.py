"""Typed repository functions: the only place that holds SQL, one module per aggregate.

Every function that reads or changes user data takes the acting `User` and touches only
that user's rows (the seed's row-level security, enforced here once). Another user's id
gives `NotFound`, exactly as an id that does not exist, so ids reveal nothing.

Callers use `from framepilot.store import repository as repo` and `repo.<function>`; this
package re-exports every aggregate's public functions.
"""

from framepilot.store.repository._common import (
    AlreadyExists,
    NotFound,
    UnreadableRow,
    new_id,
)
from framepilot.store.repository.api_tokens import *  # noqa: F403
from framepilot.store.repository.cache import *  # noqa: F403
from framepilot.store.repository.edits import *  # noqa: F403
from framepilot.store.repository.encrypted import *  # noqa: F403
from framepilot.store.repository.jobs import *  # noqa: F403
from framepilot.store.repository.llm_calls import *  # noqa: F403
from framepilot.store.repository.llm_calls import _CALL_COLUMNS  # noqa: F401 - benchmarks and tests build rows
from framepilot.store.repository.llm_usage import *  # noqa: F403
from framepilot.store.repository.rate_limits import *  # noqa: F403
from framepilot.store.repository.sessions import *  # noqa: F403
from framepilot.store.repository.users import *  # noqa: F403
from framepilot.store.repository.videos import *  # noqa: F403

__all__ = ["AlreadyExists", "NotFound", "UnreadableRow", "new_id"]  # plus each module's public names (star-imported above)
