"""An in-process rate limiter: one token bucket per key (a client address, an account).

Pure and thread-safe; the clock is injectable so tests need not sleep.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets per key: ``capacity`` requests at once, refilled at ``rate`` per second."""

    def __init__(
        self,
        *,
        capacity: int,
        rate: float,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or rate <= 0 or max_keys < 1:
            raise ValueError("capacity and max_keys must be >= 1 and rate > 0")
        self.capacity, self.rate, self.max_keys, self.clock = capacity, rate, max_keys, clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, cost: float = 1.0) -> bool:
        """Take ``cost`` tokens from the key's bucket; False when it has too few."""
        with self._lock:
            now = self.clock()
            bucket = self._buckets.pop(key, None) or _Bucket(float(self.capacity), now)
            bucket.tokens = min(
                float(self.capacity), bucket.tokens + (now - bucket.updated) * self.rate
            )
            bucket.updated = now
            allowed = bucket.tokens >= cost
            if allowed:
                bucket.tokens -= cost
            self._buckets[key] = bucket  # most recently used last
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)  # forget the least recently used key
            return allowed

    def retry_after(self, key: str, cost: float = 1.0) -> float:
        """Seconds until the key's bucket holds ``cost`` tokens again (0 when it does now)."""
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                return 0.0
            tokens = min(
                float(self.capacity), bucket.tokens + (self.clock() - bucket.updated) * self.rate
            )
            return max(0.0, (cost - tokens) / self.rate)

    def reset(self, key: str) -> None:
        """Forget a key (its bucket is full again)."""
        with self._lock:
            self._buckets.pop(key, None)
