"""The simulator's own control API, under ``/_sim`` (kept off every OpenStack path).

    GET  /_sim               what this simulator is: version, settings, services
    POST /_sim/reset         back to a fresh simulator (same seed: the same ids again);
                             {"seed": N} changes the seed
    GET  /_sim/accounts      the API users and their tenants (never passwords)
    POST /_sim/accounts      {"user_name", "password", "project_name"} -> a new account; naming
                             an existing tenant ("project_name" or "project_id") adds one more
                             API user to it, as ConoHa allows several per tenant
    POST /_sim/clock         {"advance": seconds} moves time forward (to expire a token)
    GET  /_sim/resources     how many of each resource every project has
    GET  /_sim/faults        the active fault rules (faults.py)
    POST /_sim/faults        add one: {"service", "method", "path", "status", "retry_after",
                             "latency", "probability", "count"}
    DELETE /_sim/faults      remove them all

No token is needed: the simulator listens on loopback, for one learner or one test.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from .._version import __version__
from . import accounts, faults, lifecycle, object_storage
from .call import Call, Reply, Route
from .errors import ApiError

ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
COUNTED = ("server", "volume", "keypair", "security_group", "port", "container", "object")
# Enough to expire any token, including the 20-year ones `conoha-learn record` uses.
MAX_ADVANCE = 100 * 365 * 86400
# Timestamps are written with datetime, which ends at the year 9999; stop well before.
CLOCK_LIMIT = datetime(9000, 1, 1, tzinfo=timezone.utc).timestamp()


def info(call: Call) -> Reply:
    cfg = call.sim.config
    return Reply({"simulator": {
        "name": "conoha-learn simulator", "version": __version__, "url": call.base_url,
        "seed": cfg.seed, "delay": cfg.delay, "token_lifetime": cfg.token_lifetime,
        "persistent": cfg.state_file is not None,
        "services": {"identity": "/identity", "compute": "/compute", "block-storage": "/block-storage",
                     "image": "/image-service", "network": "/networking",
                     "object-storage": "/object-storage", "control": "/_sim"},
        "object_storage": object_storage.limits(call.sim)}})


def reset(call: Call) -> Reply:
    """Optionally with ``{"seed": N}`` (or ``{"seed": null}`` for random ids) to change the seed."""
    body = call.body() if call.request.get_data(cache=True) else {}
    if "seed" in body:
        seed = body["seed"]
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ApiError(400, "'seed' must be a whole number, or null for random ids.")
        call.sim.config.seed = seed
    call.sim.reset()
    return Reply({"reset": True, "seed": call.sim.config.seed})


def list_accounts(call: Call) -> Reply:
    return Reply({"accounts": accounts.accounts(call.sim)})


def create_account(call: Call) -> Reply:
    body = call.body()
    fields = {}
    for key in ("user_name", "password", "project_name", "project_id"):
        value = body.get(key)
        if value is None and key in ("project_name", "project_id"):
            continue  # one of the two is enough (checked below)
        if not isinstance(value, str) or not ACCOUNT_NAME.fullmatch(value):
            raise ApiError(400, f"'{key}' is required: 1 to 64 letters, digits, '_', '.' or '-'.")
        fields[key] = value
    if "project_name" not in fields and "project_id" not in fields:
        raise ApiError(400, "'project_name' is required: a new tenant's name, or an existing "
                            "tenant's name (or 'project_id') to add this user to it.")
    with call.sim.store.transaction():
        account = call.sim.add_account(**fields, join=True)
    return Reply({"account": account}, 201)


def move_clock(call: Call) -> Reply:
    seconds = call.body().get("advance")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds <= MAX_ADVANCE:
        raise ApiError(400, "'advance' must be a number of seconds from 0 to a hundred years.")
    if call.sim.now() + seconds > CLOCK_LIMIT:
        raise ApiError(400, "The simulator's clock cannot go past the year 9000; "
                            "POST /_sim/reset starts it again.")
    call.sim.clock.advance(seconds)
    return Reply({"now": call.sim.now()})


def resources(call: Call) -> Reply:
    projects = {a["project_id"]: a["project_name"] for a in accounts.accounts(call.sim)}
    # Settle first (lifecycle.py): a volume whose deletion is due must not be counted as there.
    counts = {name: {kind: len(lifecycle.load_all(call.sim, kind, pid)) for kind in COUNTED}
              for pid, name in projects.items()}
    return Reply({"resources": counts})


def list_faults(call: Call) -> Reply:
    return Reply({"faults": call.sim.faults.listing()})


def add_fault(call: Call) -> Reply:
    rule = faults.parse_rule(call.body(), rule_id=f"fault-{call.sim.ids.hex()[:8]}")
    call.sim.faults.add(rule)
    return Reply({"fault": faults.asdict(rule)}, 201)


def clear_faults(call: Call) -> Reply:
    call.sim.faults.clear()
    return Reply(None, 204)


ROUTES = [
    Route("GET", "/_sim", info, auth=False),
    Route("POST", "/_sim/reset", reset, auth=False),
    Route("GET", "/_sim/accounts", list_accounts, auth=False),
    Route("POST", "/_sim/accounts", create_account, auth=False),
    Route("POST", "/_sim/clock", move_clock, auth=False),
    Route("GET", "/_sim/resources", resources, auth=False),
    Route("GET", "/_sim/faults", list_faults, auth=False),
    Route("POST", "/_sim/faults", add_fault, auth=False),
    Route("DELETE", "/_sim/faults", clear_faults, auth=False),
]
