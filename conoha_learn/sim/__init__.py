"""A local, stateful, ConoHa-compatible OpenStack API for learning without an account.

    from conoha_learn.sim import Simulator
    with Simulator(delay=0) as sim:
        print(sim.auth_url)
"""

from .server import DEFAULT_PORT, Simulator

__all__ = ["Simulator", "DEFAULT_PORT"]
