"""Where the simulator keeps its state: JSON documents in SQLite.

One code path for both modes: ``:memory:`` by default, a file with ``--state FILE``. Every change
is committed before the response is sent, so a crash (even ``kill -9``) loses nothing that was
answered with success. One lock serialises access: requests are short, and correctness under
many clients matters more here than parallel speed.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order, used for stable listing
    kind    TEXT NOT NULL,                      -- 'server', 'volume', 'token', ...
    id      TEXT NOT NULL,
    project TEXT,                               -- owning project, NULL for shared things
    body    TEXT NOT NULL,                      -- the resource as JSON
    UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS by_owner ON resources (kind, project);
-- A server's ports are found by device_id (network.server_addresses) once per server shown:
-- without this index, listing N servers in detail scans every port N times.
CREATE INDEX IF NOT EXISTS by_device ON resources (kind, json_extract(body, '$.device_id'));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Object storage contents (swift_objects.py): the bytes of each object, keyed like its document.
CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, data BLOB NOT NULL);
"""


class Store:
    def __init__(self, path: str = ":memory:"):
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            # WAL survives a killed process; NORMAL sync is durable against process crashes.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self.lock = threading.RLock()
        # Counts every change of a document or blob (not of meta: the clock writes there each
        # request): an answer built from the store stays right while this has not moved (views.py).
        self.generation = 0

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group several changes so they are all kept or none is."""
        with self.lock:
            if self._db.in_transaction:  # nested: the outer transaction decides
                yield self
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def put(self, kind: str, doc: dict, project: str | None = None) -> dict:
        with self.lock:
            self.generation += 1
            self._db.execute(
                "INSERT INTO resources (kind, id, project, body) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
                (kind, doc["id"], project, json.dumps(doc, sort_keys=True)),
            )
        return doc

    def get(self, kind: str, id: str) -> dict | None:
        with self.lock:
            row = self._db.execute(
                "SELECT body FROM resources WHERE kind = ? AND id = ?", (kind, id)).fetchone()
        return json.loads(row[0]) if row else None

    def list(self, kind: str, project: str | None = None) -> list[dict]:
        """All documents of a kind in creation order; only one project's when ``project`` is given."""
        sql, args = "SELECT body FROM resources WHERE kind = ?", [kind]
        if project is not None:
            sql += " AND project = ?"
            args.append(project)
        with self.lock:
            rows = self._db.execute(sql + " ORDER BY seq", args).fetchall()
        return [json.loads(r[0]) for r in rows]

    def find(self, kind: str, **equals: str) -> list[dict]:
        """Documents of a kind whose top-level fields equal the given values."""
        sql, args = "SELECT body FROM resources WHERE kind = ?", [kind]
        for field, value in equals.items():
            sql += f" AND json_extract(body, '$.{field}') = ?"  # field names come from our code
            args.append(value)
        with self.lock:
            rows = self._db.execute(sql + " ORDER BY seq", args).fetchall()
        return [json.loads(r[0]) for r in rows]

    def count(self, kind: str, project: str | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM resources WHERE kind = ?", [kind]
        if project is not None:
            sql += " AND project = ?"
            args.append(project)
        with self.lock:
            return self._db.execute(sql, args).fetchone()[0]

    def delete(self, kind: str, id: str) -> bool:
        with self.lock:
            self.generation += 1
            cur = self._db.execute("DELETE FROM resources WHERE kind = ? AND id = ?", (kind, id))
        return cur.rowcount > 0

    def put_blob(self, id: str, data: bytes) -> None:
        with self.lock:
            self.generation += 1
            self._db.execute("INSERT INTO blobs (id, data) VALUES (?, ?) ON CONFLICT (id) "
                             "DO UPDATE SET data = excluded.data", (id, data))

    def get_blob(self, id: str) -> bytes | None:
        with self.lock:
            row = self._db.execute("SELECT data FROM blobs WHERE id = ?", (id,)).fetchone()
        return bytes(row[0]) if row else None

    def delete_blob(self, id: str) -> None:
        with self.lock:
            self.generation += 1
            self._db.execute("DELETE FROM blobs WHERE id = ?", (id,))

    def clear(self) -> None:
        with self.lock:
            self.generation += 1
            self._db.execute("DELETE FROM resources")
            self._db.execute("DELETE FROM blobs")
            self._db.execute("DELETE FROM meta")

    def get_meta(self, key: str) -> str | None:
        with self.lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def close(self) -> None:
        with self.lock:
            self._db.close()
