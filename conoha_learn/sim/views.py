"""Answers kept until the store changes: a listing asked again with nothing changed in between
is sent as it was, not built again.

Learners and their tools poll listings (``openstack server list`` every few seconds, a wait loop,
a room of 30 doing the same step): building ``servers/detail`` costs a query and a JSON parse per
server and per port, and encoding the answer as much again. An entry is good while the store's
`generation` (every change of any document) has not moved since it was built, and only answers
with no status change still queued are kept (one that falls due changes the answer without a
write first). Bounded in count and in bytes: the oldest entries go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from .call import Reply, encode_json

MAX_ENTRIES = 256
MAX_BYTES = 8 << 20  # a 100-server servers/detail is about 150 KB


class Views:
    def __init__(self, size: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self._entries: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._size, self._max_bytes, self._bytes = size, max_bytes, 0
        self._lock = threading.Lock()

    def answer(self, key: Hashable, generation: int, build: Callable[[], tuple[Reply, bool]]) -> Reply:
        """The kept answer for ``key`` if the store is still at ``generation`` (read before
        anything the answer is built from); otherwise ``build()`` -> (reply, keepable)."""
        with self._lock:
            kept = self._entries.get(key)
        if kept is not None and kept[0] == generation:
            return Reply(kept[1], headers={"Content-Type": "application/json"})
        reply, keepable = build()
        if keepable:
            data = encode_json(reply.body)
            with self._lock:
                old = self._entries.pop(key, None)
                self._bytes += len(data) - (len(old[1]) if old else 0)
                self._entries[key] = (generation, data)
                while len(self._entries) > self._size or self._bytes > self._max_bytes:
                    self._bytes -= len(self._entries.popitem(last=False)[1][1])
            reply = Reply(data, reply.status, {**reply.headers, "Content-Type": "application/json"})
        return reply
