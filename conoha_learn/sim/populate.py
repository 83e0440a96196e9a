"""The seeding step: fills an empty simulator with seed.py's data, and adds API users.

It is the one place that knows which service seeds what (identity the accounts, network the
public network and each tenant's preset security groups, image the OS images). The simulator
is assembled with it (server.py), so the state itself depends on no service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import accounts, image, network, seed

if TYPE_CHECKING:
    from .state import SimState


class ConohaSeeding:
    """What a fresh ConoHa-like simulator contains (see seed.py for the data)."""

    def populate(self, sim: SimState) -> None:
        # Private mode (private.py) gives the seeded accounts random passwords instead.
        passwords = sim.config.account_passwords or [a["password"] for a in seed.ACCOUNTS]
        for account, password in zip(seed.ACCOUNTS, passwords):
            self.add_account(sim, **{**account, "password": password})
        network.seed_public_network(sim)
        image.seed_images(sim)

    def add_account(self, sim: SimState, user_name: str, password: str, project_name: str | None,
                    user_id: str | None = None, project_id: str | None = None,
                    join: bool = False) -> dict:
        """A new API user. A new tenant starts with ConoHa's preset security groups; a user
        added to an existing tenant shares what is already there."""
        account = accounts.create_account(sim, user_name, password, project_name,
                                          user_id=user_id, project_id=project_id, join=join)
        if account["new_project"]:
            network.seed_project(sim, account["project_id"])
        return {k: v for k, v in account.items() if k != "new_project"}
