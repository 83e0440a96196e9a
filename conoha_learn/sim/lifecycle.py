"""Status changes that take time (BUILD -> ACTIVE, creating -> available, ...), applied lazily.

A real cloud changes a server's status in the background; a learner polls until it is ``ACTIVE``.
The simulator has no background threads. Instead, a change is written into the document as a
queue of *stages*, each due at some instant of the simulator's clock:

    {"status": "BUILD", ..., "_pending": [{"at": 1767225603.0, "set": {"status": "ACTIVE", ...}}]}

and every read first applies the stages that are due (``load``), then saves the result. So polling
sees the same sequence of states a real cloud shows, and a test can skip the wait by moving the
clock (``sim.clock.advance``). With ``delay=0`` the final state shows on the very next read.

Both Nova (compute/) and Cinder (block_storage.py) use this module; documents must carry their
owner in ``project_id``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import SimState

# A last stage that removes the resource (a deleted server answers 404 once it is due).
GONE = {"_gone": True}


def begin(sim: SimState, doc: dict, *stages: dict) -> dict:
    """Apply ``stages[0]`` now and queue the others, spread evenly over ``sim.config.delay``.

    The last stage lands exactly ``delay`` seconds from now. Any change already queued is
    replaced: the new operation decides where the resource ends up.
    """
    now, delay = sim.now(), sim.config.delay
    first, rest = stages[0], stages[1:]
    doc.update(first)
    doc["updated"] = now
    doc["_pending"] = [{"at": now + delay * (i + 1) / len(rest), "set": dict(stage)}
                       for i, stage in enumerate(rest)]
    return doc


def busy(doc: dict) -> bool:
    """Is a change still under way?"""
    return bool(doc.get("_pending"))


def _settle(doc: dict, now: float) -> bool:
    """Apply the due stages in order. True if anything changed."""
    pending = doc.get("_pending") or []
    due = [stage for stage in pending if stage["at"] <= now]
    for stage in due:
        doc.update(stage["set"])
        doc["updated"] = stage["at"]
    doc["_pending"] = pending[len(due):]
    return bool(due)


def refresh(sim: SimState, kind: str, doc: dict) -> dict | None:
    """Bring one document up to date and save it. None when its last stage removed it."""
    with sim.store.lock:  # no other request may write this document between our read and write
        if not _settle(doc, sim.now()):
            return doc
        if doc.get("_gone"):
            sim.store.delete(kind, doc["id"])
            return None
        sim.store.put(kind, doc, doc["project_id"])
        return doc


def load(sim: SimState, kind: str, id: str, project_id: str) -> dict | None:
    """One document, up to date, or None if it does not exist *in this project*.

    Scoping by project here means a handler cannot forget it: another tenant's resource looks
    exactly like a missing one (404, never 403, so ids of others' resources leak nothing).
    """
    with sim.store.lock:
        doc = sim.store.get(kind, id) if isinstance(id, str) else None
        if doc is None or doc.get("project_id") != project_id:
            return None
        return refresh(sim, kind, doc)


def load_all(sim: SimState, kind: str, project_id: str) -> list[dict]:
    """Every document of a kind in one project, in creation order, up to date."""
    with sim.store.lock:
        docs = [refresh(sim, kind, doc) for doc in sim.store.list(kind, project_id)]
    return [doc for doc in docs if doc is not None]
