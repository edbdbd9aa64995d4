"""Remembered results of work computed only from published data (watchlists, series, maps).

Callers put everything the result depends on into the key, including the data stamps of the
tables it reads (apps.core.stamp), so an entry is never stale: new data means a new key.

Two layers:
- this process: the last `size` results, as objects (no copying, no unpickling); values are
  shared between requests, so callers must not change what they get back;
- shared: the `memo` cache (settings.CACHES; a table in the database by default), seen by
  every gunicorn process, every job worker and every machine on the same database, and kept
  across restarts. A result one process computed is read, not recomputed, by the others.

One computation per key at a time: threads of a process wait for the first; processes wait for
the one that holds the key's `computing` mark in the shared cache (up to `wait` seconds, after
which they compute it themselves rather than fail).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

CACHE_ALIAS = "memo"
_MISSING = object()
_registry: list[Memo] = []
_mode = threading.local()


class NotCached(LookupError):
    """Raised by Memo.get inside `cached_only()` for a result nobody has computed yet."""


@contextmanager
def cached_only() -> Iterator[None]:
    """Within this block (this thread), Memo.get takes results from the shared cache into this
    process but computes nothing: it raises NotCached instead. A new gunicorn worker uses it
    to load what others computed before it takes requests, never to compute at start."""
    before = getattr(_mode, "cached_only", False)
    _mode.cached_only = True
    try:
        yield
    finally:
        _mode.cached_only = before


def _shared_cache():
    from django.core.cache import caches

    return caches[CACHE_ALIAS]


class Memo:
    def __init__(
        self,
        name: str,
        size: int = 64,
        *,
        shared: bool = True,
        timeout: int = 7 * 24 * 3600,
        wait: float = 60.0,
    ) -> None:
        self.name = name
        self.size = size
        self.shared = shared
        self.timeout = timeout  # seconds a shared entry lives (new data makes new keys anyway)
        self.wait = wait
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._flights: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        _registry.append(self)

    def shared_key(self, key: Hashable) -> str:
        digest = hashlib.sha256(repr(key).encode()).hexdigest()[:40]
        return f"memo:{self.name}:{digest}"

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]  # type: ignore[return-value]
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:  # one thread of this process computes or fetches; the others wait for it
            with self._lock:
                if key in self._entries:
                    return self._entries[key]  # type: ignore[return-value]
            try:
                if getattr(_mode, "cached_only", False):
                    value = self._cached(key)
                else:
                    value = self._shared(key, compute) if self.shared else compute()
                with self._lock:
                    self._entries[key] = value
                    while len(self._entries) > self.size:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:
                    self._flights.pop(key, None)
        return value

    def _cached(self, key: Hashable) -> object:
        value = _shared_cache().get(self.shared_key(key), _MISSING) if self.shared else _MISSING
        if value is _MISSING:
            raise NotCached(f"{self.name}: not computed yet")
        return value

    def _shared(self, key: Hashable, compute: Callable[[], T]) -> T:
        cache = _shared_cache()
        name = self.shared_key(key)
        value = cache.get(name, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[return-value]
        mark = f"{name}:computing"
        owner = f"{os.getpid()}:{threading.get_ident()}"
        deadline = time.monotonic() + self.wait
        owned = cache.add(mark, owner, timeout=int(self.wait) + 1)
        pause = 0.05
        while not owned and time.monotonic() < deadline:
            time.sleep(pause)  # another process is computing it: wait for its result
            pause = min(pause * 1.5, 0.5)
            value = cache.get(name, _MISSING)
            if value is not _MISSING:
                return value  # type: ignore[return-value]
            owned = cache.add(mark, owner, timeout=int(self.wait) + 1)
        try:
            value = compute()
            cache.set(name, value, timeout=self.timeout)
        finally:
            if owned:
                cache.delete(mark)
        return value

    def peek(self, key: Hashable) -> bool:
        """Whether this process or the shared cache holds the result (nothing is computed)."""
        with self._lock:
            if key in self._entries:
                return True
        return self.shared and _shared_cache().get(self.shared_key(key), _MISSING) is not _MISSING

    def clear(self) -> None:
        """Forget this process's entries (the shared cache is left alone)."""
        with self._lock:
            self._entries.clear()


def clear_process_memos() -> None:
    """Forget every memo's entries in this process (tests; the shared cache stays)."""
    for memo in _registry:
        memo.clear()
