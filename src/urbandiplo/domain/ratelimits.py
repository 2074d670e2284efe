"""Budgets for the outside face: how many requests a caller may make in a window before it
is refused (429) until the window ends. Contributors' writes are counted per organisation,
anonymous feeds per client address; staff are not limited.

The counters live in the database, one row per bucket and window, so that every worker
process and every machine on the database shares one budget. A window is fixed (it starts
at a multiple of its length), which makes the count one upsert and the reset time exact."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from urbandiplo.domain.ports import UnitOfWorkFactory

# Rows of windows older than this are deleted as new windows start.
KEPT_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class Budget:
    """`requests` per `window_seconds`; 0 requests: not limited."""

    requests: int
    window_seconds: int = 60

    @property
    def limited(self) -> bool:
        return self.requests > 0


@dataclass(frozen=True, slots=True)
class Allowance:
    """What a counted request leaves of its budget."""

    limit: int
    used: int
    reset_seconds: int  # until the window ends, at least 1

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


class RateLimitService:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Callable[[], float] = time.time
    ) -> None:
        self._uow = uow_factory
        self._clock = clock

    def charge(self, bucket: str, budget: Budget) -> Allowance:
        """Count one request against `bucket`'s budget, in a transaction of its own (a
        refused or failing request counts too)."""
        now = self._clock()
        window = int(now // budget.window_seconds) * budget.window_seconds
        with self._uow(write=True) as uow:
            used = uow.rate_counters.hit(bucket, window)
            if used == 1:  # the first in a new window: forget the old ones
                uow.rate_counters.forget_before(window - KEPT_SECONDS)
            uow.commit()
        reset = max(math.ceil(window + budget.window_seconds - now), 1)
        return Allowance(limit=budget.requests, used=used, reset_seconds=reset)
