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


@dataclass(slots=True)
class _Failures:
    count: int
    last: float
    locked_until: float


class FailureBackoff:
    """Failed attempts per key (an account name): after ``free`` failures in a row each further
    one locks the key for ``base`` seconds, doubling up to ``cap``; a success or ``forget_after``
    quiet seconds start afresh. Pure and thread-safe; the clock is injectable."""

    def __init__(
        self,
        *,
        free: int = 5,
        base: float = 30.0,
        cap: float = 900.0,
        forget_after: float = 86_400.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if free < 1 or base <= 0 or cap < base or max_keys < 1:
            raise ValueError("free and max_keys must be >= 1 and 0 < base <= cap")
        self.free, self.base, self.cap, self.forget_after = free, base, cap, forget_after
        self.max_keys, self.clock = max_keys, clock
        self._keys: OrderedDict[str, _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def locked_for(self, key: str) -> float:
        """Seconds the key stays locked (0 when it is not)."""
        with self._lock:
            entry = self._keys.get(key)
            return 0.0 if entry is None else max(0.0, entry.locked_until - self.clock())

    def failed(self, key: str) -> float:
        """Count a failure; the seconds of the lock it starts (0 while still free)."""
        with self._lock:
            now = self.clock()
            entry = self._keys.pop(key, None)
            if entry is None or now - entry.last > self.forget_after:
                entry = _Failures(0, now, now)
            entry.count += 1
            entry.last = now
            over = entry.count - self.free
            lock = 0.0 if over <= 0 else min(self.cap, self.base * 2 ** min(over - 1, 32))
            entry.locked_until = now + lock
            self._keys[key] = entry
            while len(self._keys) > self.max_keys:
                self._keys.popitem(last=False)
            return lock

    def succeeded(self, key: str) -> None:
        """Forget the key's failures."""
        with self._lock:
            self._keys.pop(key, None)
