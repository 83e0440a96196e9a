"""Everything one simulator instance knows: its settings, clock, ids and stored resources."""

from __future__ import annotations

from dataclasses import dataclass

from . import identity, image, network, seed
from .clock import Clock, Ids
from .faults import Faults
from .store import Store


@dataclass
class SimConfig:
    seed: int | None = None       # fixed seed: reproducible ids, timestamps and tokens
    delay: float = 3.0            # seconds a status change takes (BUILD -> ACTIVE, ...); 0 for tests
    token_lifetime: int = 24 * 3600  # ConoHa tokens live 24 hours
    state_file: str | None = None    # SQLite file to keep state across restarts; memory if None
    quota_servers: int = 10       # per project, as OpenStack quotas
    quota_volumes: int = 20
    quota_keypairs: int = 100


class SimState:
    def __init__(self, config: SimConfig | None = None):
        self.config = config or SimConfig()
        self.clock = Clock(self.config.seed)
        self.ids = Ids(self.config.seed)
        self.store = Store(self.config.state_file or ":memory:")
        self.base_url = "http://127.0.0.1"  # replaced by the server once it has a port
        self.faults = Faults(self.config.seed)
        self.before_request = self.faults   # consulted before every request (faults.py)
        if self.store.get_meta("seeded") is None:
            self.load_seed()

    def load_seed(self) -> None:
        """Fill an empty store with the shared catalogue and the default accounts."""
        with self.store.transaction():
            for account in seed.ACCOUNTS:
                self.add_account(**account)
            network.seed_public_network(self)
            image.seed_images(self)
            self.store.set_meta("seeded", "1")

    def reset(self) -> None:
        """Back to a fresh simulator (same seed, so the same ids again)."""
        with self.store.transaction():
            self.store.clear()
            self.clock = Clock(self.config.seed)
            self.ids = Ids(self.config.seed)
            self.faults.clear()
            self.load_seed()

    def add_account(self, user_name: str, password: str, project_name: str,
                    user_id: str | None = None, project_id: str | None = None) -> dict:
        account = identity.create_account(self, user_name, password, project_name,
                                          user_id=user_id, project_id=project_id)
        network.seed_project(self, account["project_id"])
        return account

    def authenticate(self, token: str | None) -> dict | None:
        return identity.lookup_token(self, token)

    def now(self) -> float:
        return self.clock.now()
