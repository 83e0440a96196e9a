"""Time and identifiers: real by default, reproducible when a seed is given.

With a seed, the clock starts at a fixed instant and moves one second per request, and ids come
from a seeded generator, so the same script gets byte-identical responses (what cassettes need).
"""

from __future__ import annotations

import base64
import functools
import random
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

SEEDED_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()


class Clock:
    """Seconds since the epoch; `tick()` is called once at the start of every request.

    ``saved`` (from `saved()`) resumes a clock where a previous run left it; `on_change`, when
    set, is told every change, so that a state file can keep up with it.
    """

    def __init__(self, seed: int | None = None, saved: dict | None = None):
        self.seeded = seed is not None
        self._virtual = SEEDED_EPOCH
        self._offset = 0.0  # moved by /_sim/clock to fast-forward (e.g. to expire a token)
        if saved:
            self._virtual, self._offset = saved["virtual"], saved["offset"]
        self._lock = threading.Lock()
        self.on_change: Callable[[dict], None] | None = None

    def tick(self) -> None:
        if self.seeded:
            with self._lock:
                self._virtual += 1
                self._changed()

    def now(self) -> float:
        base = self._virtual if self.seeded else time.time()
        return base + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds
            self._changed()

    def saved(self) -> dict:
        return {"virtual": self._virtual, "offset": self._offset}

    def _changed(self) -> None:
        # Called under the lock, so a state file never sees the clock move backwards.
        if self.on_change is not None:
            self.on_change(self.saved())


class Ids:
    """Makes the ids and secrets the services hand out."""

    def __init__(self, seed: int | None = None, restart: int = 0):
        # SystemRandom for real use: tokens must not be guessable.
        if seed is None:
            self._rng = random.SystemRandom()
        elif restart == 0:
            self._rng = random.Random(seed)
        else:
            # A seeded simulator restarted on its state file would otherwise draw its previous
            # run's ids again, and those are stored: a new volume would overwrite an old one, a
            # new token could be someone else's. Each restart gets its own (still reproducible)
            # sequence; the first run keeps the plain seed, which cassettes were recorded with.
            self._rng = random.Random(f"{seed}:restart:{restart}")
        self._lock = threading.Lock()

    def _bits(self, n: int) -> int:
        with self._lock:
            return self._rng.getrandbits(n)

    def uuid(self) -> str:
        """A resource id as Nova, Cinder, Glance and Neutron write it (UUID4 with dashes)."""
        return str(uuid.UUID(int=self._bits(128), version=4))

    def hex(self) -> str:
        """A Keystone-style id: 32 hex digits, no dashes."""
        return f"{self._bits(128):032x}"

    def nonce(self) -> bytes:
        """16 random bytes for a token (tokens.py). It draws 128 bytes, as the stored random
        tokens before it did, so a seeded simulator still makes the ids its cassettes hold."""
        return self._bits(8 * 128).to_bytes(128, "big")[:16]

    def audit_id(self) -> str:
        return base64.urlsafe_b64encode(self._bits(128).to_bytes(16, "big")).decode().rstrip("=")

    def request_id(self) -> str:
        return "req-" + self.uuid()

    def mac(self) -> str:
        b = self._bits(24)
        return f"fa:16:3e:{b >> 16 & 0xff:02x}:{b >> 8 & 0xff:02x}:{b & 0xff:02x}"

    def choice(self, options: list):
        with self._lock:
            return self._rng.choice(options)


@functools.lru_cache(maxsize=4096)  # listings show the same few instants again and again
def isoformat(ts: float, *, micro: bool = False, z: bool = True) -> str:
    """Timestamps as OpenStack writes them: Nova ``2026-01-01T00:00:00Z``, Keystone with
    microseconds (``.000000Z``), Cinder without the ``Z``."""
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S.%f" if micro else "%Y-%m-%dT%H:%M:%S")
    return text + ("Z" if z else "")
