"""Monthly AI budgets: a paid call that would exceed the user's or the global budget is
stopped before any request is sent, and the UI can show what is left.

Spend is the sum of recorded `llm_calls` costs since the start of the current UTC month.
A limit of None means no limit; a limit of 0 means no paid calls at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from framepilot.logs import get_logger
from framepilot.models import User
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo
from framepilot.usage import BudgetExceeded, CallContext


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


def _would_exceed(spent: float, estimate: float, limit: float) -> bool:
    return spent >= limit or spent + estimate > limit


def check_budget(ctx: CallContext, settings: Settings, estimated_usd: float) -> None:
    """Raise BudgetExceeded, before the call, when it would take a monthly spend over its limit.

    Calls without a store (`ctx.db` None: dry runs) have no recorded spend to check.
    """
    if ctx.db is None:
        return
    estimate = max(estimated_usd, 0.0)
    start = month_start()
    user_limit = settings.user_monthly_budget_usd
    if user_limit is not None and ctx.user_id is not None:
        spent = repo.month_spend_usd(ctx.db, ctx.user_id, start)
        if _would_exceed(spent, estimate, user_limit):
            get_logger().warning("budget.exceeded", scope="user", user_id=ctx.user_id)
            raise BudgetExceeded(
                f"This AI step would take your spend this month to ${spent + estimate:.4f}, over your "
                f"monthly budget of ${user_limit:.2f} (spent so far: ${spent:.4f}). Nothing was sent. "
                "Raise FRAMEPILOT_USER_MONTHLY_BUDGET_USD, use the local provider, or wait for next month."
            )
    global_limit = settings.global_monthly_budget_usd
    if global_limit is not None:
        spent = repo.month_spend_usd(ctx.db, None, start)
        if _would_exceed(spent, estimate, global_limit):
            get_logger().warning("budget.exceeded", scope="global")
            raise BudgetExceeded(
                f"This AI step would take this installation's spend this month over its global budget "
                f"of ${global_limit:.2f} (spent so far: ${spent:.4f}). Nothing was sent. Ask an admin to "
                "raise FRAMEPILOT_GLOBAL_MONTHLY_BUDGET_USD, or use the local provider."
            )
