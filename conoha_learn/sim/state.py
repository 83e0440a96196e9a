"""Everything one simulator instance knows: its settings, clock, ids, fault rules and stored
resources.

What a fresh simulator *contains* is not decided here: a `Seeding` (populate.py) is handed in
when the simulator is assembled (server.py), so this module depends on no service module and
every service module may depend on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from .clock import Clock, Ids
from .faults import Faults
from .store import Store
from .tokens import Tokens
from .views import Views


@dataclass
class SimConfig:
    seed: int | None = None       # fixed seed: reproducible ids, timestamps and tokens
    delay: float = 3.0            # seconds a status change takes (BUILD -> ACTIVE, ...); 0 for tests
    token_lifetime: int = 24 * 3600  # ConoHa tokens live 24 hours
    state_file: str | None = None    # SQLite file to keep state across restarts; memory if None
    quota_servers: int = 10       # per project, as OpenStack quotas
    quota_volumes: int = 10       # Cinder's default (cinder/quota.py); ConoHa publishes none
    # Cinder's default is 1000 GB, but ConoHa sells 5 and 10 TB volumes (volume-create_vol-v3),
    # so its limit must be higher: 10 volumes of the largest size, ConoHa's figure being unknown.
    quota_gigabytes: int = 100_000
    quota_keypairs: int = 100
    quota_security_groups: int = 10        # Neutron's defaults; the 4 presets count
    quota_security_group_rules: int = 100
    object_max_bytes: int = 5 << 20        # object storage: one object at most 5 MiB here,
    object_account_bytes: int = 50 << 20   # an account at most 50 MiB (blobs live in SQLite),
    object_quota_gb: int = 100             # and 100 GB bought (ConoHa: 0 until you buy some)
    account_passwords: tuple[str, ...] = ()  # instead of the documented ones (private.py)


class Seeding(Protocol):
    """How an empty store is filled, and how an API user is added (populate.py implements it)."""

    def populate(self, sim: SimState) -> None: ...

    def add_account(self, sim: SimState, user_name: str, password: str, project_name: str | None,
                    user_id: str | None = None, project_id: str | None = None,
                    join: bool = False) -> dict: ...


class _Empty:
    """No seed data at all: a store with nothing in it (for code that needs a bare state)."""

    def populate(self, sim: SimState) -> None:
        pass

    def add_account(self, sim: SimState, user_name: str, password: str, project_name: str | None,
                    user_id: str | None = None, project_id: str | None = None,
                    join: bool = False) -> dict:
        raise NotImplementedError("this simulator state was built without a seeding step")


class SimState:
    def __init__(self, config: SimConfig | None = None, seeding: Seeding | None = None):
        self.config = config or SimConfig()
        self.seeding = seeding or _Empty()
        self.store = Store(self.config.state_file or ":memory:")
        saved_clock = self.store.get_meta("clock")
        self.clock = self._clock(json.loads(saved_clock) if saved_clock else None)
        self.ids = Ids(self.config.seed, restart=self._count_restart())
        self.base_url = "http://127.0.0.1"  # replaced by the server once it has a port
        self.faults = Faults(self.config.seed)  # consulted before every request (faults.py)
        self.before_request = None  # a check every request passes first, e.g. private.py's
        self._resets = 0
        self.tokens = self._tokens()
        self.views = Views()  # listings kept until the store changes (views.py)
        if self.store.get_meta("seeded") is None:
            self.load_seed()

    def _tokens(self) -> Tokens:
        """The token key is kept with the state (a state file's tokens survive a restart, as
        Keystone's Fernet keys on disk do); a reset makes a new one, so older tokens stop working."""
        key = self.store.get_meta("token_key")
        if key is None:
            key = Tokens.key_for(self.config.seed, self._resets).hex()
            self.store.set_meta("token_key", key)
        return Tokens(self.store, bytes.fromhex(key))

    def _clock(self, saved: dict | None = None) -> Clock:
        """With a state file, the clock is kept there too: a restarted simulator must not go
        back in time (queued status changes would wait for it to catch up, and tokens expired
        on purpose with /_sim/clock would come back to life)."""
        clock = Clock(self.config.seed, saved)
        if self.config.state_file:
            clock.on_change = lambda saved: self.store.set_meta("clock", json.dumps(saved))
        return clock

    def _count_restart(self) -> int:
        """0 for a new store; otherwise how many times it has been opened before (see Ids)."""
        if self.store.get_meta("seeded") is None:
            return 0
        restarts = int(self.store.get_meta("restarts") or "0") + 1
        self.store.set_meta("restarts", str(restarts))
        return restarts

    def load_seed(self) -> None:
        """Fill an empty store with what the seeding step puts in a fresh simulator."""
        with self.store.transaction():
            self.seeding.populate(self)
            self.store.set_meta("seeded", "1")

    def reset(self) -> None:
        """Back to a fresh simulator (same seed, so the same ids again)."""
        with self.store.transaction():
            self.store.clear()
            self.clock = self._clock()
            self.ids = Ids(self.config.seed)
            self._resets += 1
            self.tokens = self._tokens()
            self.faults.clear()
            self.load_seed()

    def add_account(self, user_name: str, password: str, project_name: str | None = None,
                    user_id: str | None = None, project_id: str | None = None,
                    join: bool = False) -> dict:
        """A new API user: in a new tenant, or (``join``) in an existing one named by name or id."""
        return self.seeding.add_account(self, user_name, password, project_name,
                                        user_id=user_id, project_id=project_id, join=join)

    def now(self) -> float:
        return self.clock.now()
