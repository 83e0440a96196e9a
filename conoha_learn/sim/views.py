"""Answers kept until the store changes: a listing asked again with nothing changed in between
is sent as it was, not built again.

Learners and their tools poll listings (``openstack server list`` every few seconds, a wait loop,
a room of 30 doing the same step): building ``servers/detail`` costs a query and a JSON parse per
server and per port, and encoding the answer as much again. An entry is good while the store's
`generation` (every change of any document) has not moved since it was built, and only answers
with no status change still queued are kept (one that falls due changes the answer without a
write first). Bounded in count and in bytes: the entries used least recently go first.

When many requests ask for the same listing at once and it is not kept (the first after a change),
one of them builds it and the others wait for that answer, instead of all building the same thing
on one interpreter (a cache stampede). At 50 connections that was the 99th percentile: 400 ms
instead of 50 (issue 20, benchmarks/README section 6).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from .call import Reply, encode_json

MAX_ENTRIES = 256
MAX_BYTES = 8 << 20  # a 100-server servers/detail is about 150 KB
WAIT_SECONDS = 10.0  # for another request's build of the same answer; then build it here


class Views:
    def __init__(self, size: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self._entries: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._size, self._max_bytes, self._bytes = size, max_bytes, 0
        self._building: dict[Hashable, tuple[int, threading.Event]] = {}
        self._lock = threading.Lock()

    def answer(self, key: Hashable, generation: int, build: Callable[[], tuple[Reply, bool]]) -> Reply:
        """The kept answer for ``key`` if the store is still at ``generation`` (read before
        anything the answer is built from); otherwise ``build()`` -> (reply, keepable)."""
        with self._lock:
            kept = self._kept(key, generation)
            underway = self._building.get(key) if kept is None else None
            mine = None
            if kept is None and (underway is None or underway[0] != generation):
                mine = self._building[key] = (generation, threading.Event())
        if kept is not None:
            return kept
        if mine is None:  # another request is building this very answer: wait for it
            underway[1].wait(WAIT_SECONDS)
            with self._lock:
                kept = self._kept(key, generation)
            # None: that answer could not be kept (a status change still queued), or took too
            # long; build one here, as every request did before
            return kept or self._built(key, generation, build, keep=False)
        try:
            return self._built(key, generation, build, keep=True)
        finally:
            with self._lock:
                if self._building.get(key) is mine:
                    del self._building[key]
            mine[1].set()

    def _kept(self, key: Hashable, generation: int) -> Reply | None:
        """The kept answer, if still good (call with the lock held)."""
        kept = self._entries.get(key)
        if kept is None or kept[0] != generation:
            return None
        self._entries.move_to_end(key)  # used: the last to go
        return Reply(kept[1], headers={"Content-Type": "application/json"})

    def _built(self, key: Hashable, generation: int, build: Callable[[], tuple[Reply, bool]], *,
               keep: bool) -> Reply:
        reply, keepable = build()
        if not keepable:
            return reply
        data = encode_json(reply.body)
        if keep:
            with self._lock:
                old = self._entries.pop(key, None)
                self._bytes += len(data) - (len(old[1]) if old else 0)
                self._entries[key] = (generation, data)
                while len(self._entries) > self._size or self._bytes > self._max_bytes:
                    self._bytes -= len(self._entries.popitem(last=False)[1][1])
        return Reply(data, reply.status, {**reply.headers, "Content-Type": "application/json"})
