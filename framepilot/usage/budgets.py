"""Monthly AI budgets: a paid call that would exceed the user's or the global budget is
stopped before any request is sent, and the UI can show what is left.

Spend is the sum of recorded `llm_calls` costs since the start of the current UTC month.
A limit of None means no limit; a limit of 0 means no paid calls at all.

Check and spend are atomic across workers: a paid call first reserves its estimated cost
(refused if spend plus the reservations of calls in flight plus it would pass a limit), and
its `llm_calls` row replaces the reservation when it ends (`usage.metered` settles it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from framepilot.core.logs import get_logger
from framepilot.models import User
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo
from framepilot.usage.metering import BudgetExceeded, CallContext

# A reservation left by a process that died holds its budget this long (longer than any
# call with all its retries), then lapses.
RESERVATION_TTL_S = 3600.0


@dataclass(frozen=True)
class BudgetStatus:
    """Spend so far this month against a limit (None: unlimited, so nothing "remains")."""

    spent: float
    limit: float | None
    remaining: float | None

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


def month_start(now: datetime | None = None) -> datetime:
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return datetime(now.year, now.month, 1, tzinfo=timezone.utc)


def _status(spent: float, limit: float | None) -> BudgetStatus:
    remaining = None if limit is None else max(limit - spent, 0.0)
    return BudgetStatus(spent=round(spent, 6), limit=limit, remaining=remaining)


def budget_status(db: Database, settings: Settings, user: User) -> BudgetStatus:
    """The user's spend this month against FRAMEPILOT_USER_MONTHLY_BUDGET_USD."""
    spent = repo.month_spend_usd(db, user.id, month_start())
    return _status(spent, settings.user_monthly_budget_usd)


def global_budget_status(db: Database, settings: Settings) -> BudgetStatus:
    """Everyone's spend this month against FRAMEPILOT_GLOBAL_MONTHLY_BUDGET_USD."""
    spent = repo.month_spend_usd(db, None, month_start())
    return _status(spent, settings.global_monthly_budget_usd)


def reserve_budget(ctx: CallContext, settings: Settings, estimated_usd: float) -> str | None:
    """Set a paid call's estimated cost aside before it is sent, or raise BudgetExceeded.

    Returns the reservation that the call's `llm_calls` row settles, or None when there is
    nothing to reserve: no limit is set, or no store (`ctx.db` None: dry runs).
    """
    user_limit = settings.user_monthly_budget_usd if ctx.user_id is not None else None
    global_limit = settings.global_monthly_budget_usd
    if ctx.db is None or (user_limit is None and global_limit is None):
        return None
    estimate = max(estimated_usd, 0.0)
    outcome = repo.reserve_budget(ctx.db, user_id=ctx.user_id, amount_usd=estimate, month_start=month_start(),
                                  user_limit=user_limit, global_limit=global_limit, ttl_s=RESERVATION_TTL_S)
    if outcome.id is not None:
        return outcome.id
    spent, in_flight = outcome.spent_usd, outcome.reserved_usd
    so_far = f"spent so far: ${spent:.4f}" + (f", ${in_flight:.4f} more in calls under way" if in_flight else "")
    get_logger().warning("budget.exceeded", scope=outcome.refused_scope, user_id=ctx.user_id)
    if outcome.refused_scope == "user":
        raise BudgetExceeded(
            f"This AI step would take your spend this month to ${spent + in_flight + estimate:.4f}, over your "
            f"monthly budget of ${user_limit:.2f} ({so_far}). Nothing was sent. "
            "Raise FRAMEPILOT_USER_MONTHLY_BUDGET_USD, use the local provider, or wait for next month."
        )
    raise BudgetExceeded(
        f"This AI step would take this installation's spend this month over its global budget "
        f"of ${global_limit:.2f} ({so_far}). Nothing was sent. Ask an admin to "
        "raise FRAMEPILOT_GLOBAL_MONTHLY_BUDGET_USD, or use the local provider."
    )
