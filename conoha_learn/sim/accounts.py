"""API users and their tenants: adding one (in a new tenant or an existing one) and listing them.

A ConoHa tenant (テナント) can have several API users (APIユーザー), each with its own password;
all of them see the tenant's resources, because everything is owned by the project, not the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ApiError
from .identity import digest

if TYPE_CHECKING:
    from .state import SimState


def create_account(sim: SimState, user_name: str, password: str, project_name: str | None, *,
                   user_id: str | None = None, project_id: str | None = None,
                   join: bool = False) -> dict:
    """A ConoHa API user and its tenant (project). Returns the ids (never the password) and
    ``new_project``: whether the tenant was made for this user.

    With ``join``, a tenant that already exists (named by ``project_id`` or ``project_name``)
    gets one more API user, as ConoHa's control panel allows several per tenant; without it, an
    existing name is a conflict.
    """
    for user in sim.store.list("user"):
        if user["name"] == user_name:
            raise ApiError(409, f"Conflict: a user named {user_name} already exists.")
    existing = find_project(sim, project_id, project_name)
    if existing is None and join and project_id is not None:
        raise ApiError(404, f"No tenant with id {project_id} to add the user to: see GET "
                            "/_sim/accounts, or give a new 'project_name' instead.")
    if existing is not None and not join:
        raise ApiError(409, f"Conflict: a project named {existing['name']} already exists.")
    if existing is not None and project_name not in (None, existing["name"]):
        raise ApiError(409, f"Conflict: tenant {existing['id']} is named {existing['name']}, "
                            f"not {project_name}; give one of the two, or both matching.")
    if existing is None:
        project_id = project_id or sim.ids.hex()
        sim.store.put("project", {"id": project_id, "name": project_name, "domain_id": "gnc"})
    else:
        project_id, project_name = existing["id"], existing["name"]
    user_id = user_id or sim.ids.hex()
    sim.store.put("user", {"id": user_id, "name": user_name, "project_id": project_id,
                           "password_sha256": digest(password), "domain_id": "gnc"})
    return {"user_id": user_id, "user_name": user_name, "project_id": project_id,
            "project_name": project_name, "new_project": existing is None}


def find_project(sim: SimState, project_id: str | None, project_name: str | None) -> dict | None:
    """The tenant with this id, or else with this name; None if neither is known."""
    if project_id is not None:
        return sim.store.get("project", project_id)
    return next((p for p in sim.store.list("project") if p["name"] == project_name), None)


def accounts(sim: SimState) -> list[dict]:
    projects = {p["id"]: p for p in sim.store.list("project")}
    return [{"user_id": u["id"], "user_name": u["name"], "project_id": u["project_id"],
             "project_name": projects[u["project_id"]]["name"]} for u in sim.store.list("user")]


def set_password(sim: SimState, user_id: str, password: str) -> None:
    """A new password; every token the user holds stops working, as on Keystone."""
    user = _user(sim, user_id)
    with sim.store.transaction():
        sim.store.put("user", {**user, "password_sha256": digest(password)})
        sim.tokens.revoke_user(user_id, sim.now(), sim.config.token_lifetime)


def delete_user(sim: SimState, user_id: str) -> None:
    """The API user is gone, and so are its tokens (its tenant and resources stay)."""
    _user(sim, user_id)
    with sim.store.transaction():
        sim.store.delete("user", user_id)
        sim.tokens.revoke_user(user_id, sim.now(), sim.config.token_lifetime)


def _user(sim: SimState, user_id: str) -> dict:
    user = sim.store.get("user", user_id)
    if user is None:
        raise ApiError(404, f"Could not find user: {user_id}.")
    return user
