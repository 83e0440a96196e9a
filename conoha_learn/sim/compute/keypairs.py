"""Key pairs (/os-keypairs): import a public key or have one generated, list, show, delete."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import fields
from ..call import Call, Reply
from ..clock import isoformat
from ..errors import ApiError
from .ssh_keys import fingerprint, generate_keypair

if TYPE_CHECKING:
    from ..state import SimState


def _keypair_doc_id(project_id: str, name: str) -> str:
    # Names are unique per project, not globally: the stored id combines both.
    return f"{project_id}/{name}"


def find_keypair(sim: SimState, project_id: str, name: str) -> dict | None:
    """This project's key pair of that name, or None."""
    return sim.store.get("keypair", _keypair_doc_id(project_id, name))


def _keypair_view(keypair: dict, *, full: bool = False) -> dict:
    view = {"name": keypair["name"], "public_key": keypair["public_key"],
            "fingerprint": keypair["fingerprint"]}
    if full:  # GET /os-keypairs/{name} adds these (Nova's numeric "id" is left out)
        view.update({"user_id": keypair["user_id"], "deleted": False, "deleted_at": None,
                     "updated_at": None,
                     "created_at": isoformat(keypair["created"], micro=True, z=False)})
    return view


def _load_keypair(call: Call) -> dict:
    name = call.args["name"]
    keypair = find_keypair(call.sim, call.project_id, name)
    if keypair is None:
        raise ApiError(404, f"Keypair {fields.clip(name)} not found for user {call.token['user_id']}")
    return keypair


def list_keypairs(call: Call) -> Reply:
    keypairs = call.sim.store.list("keypair", call.project_id)
    return Reply({"keypairs": [{"keypair": _keypair_view(k)} for k in keypairs]})


def show_keypair(call: Call) -> Reply:
    return Reply({"keypair": _keypair_view(_load_keypair(call), full=True)})


def create_keypair(call: Call) -> Reply:
    """POST /os-keypairs: import ``public_key``, or without it generate a pair and return the
    private key, once. The private key is never stored."""
    body = call.body("keypair")
    name = fields.text(body, "name", required=True, min_len=1)
    if not re.fullmatch(r"[A-Za-z0-9 _.-]+", name) or name.strip() != name:
        raise ApiError(400, "Keypair data is invalid: Keypair name contains unsafe characters. "
                            "Use 1 to 255 letters, digits, spaces, '_', '.' or '-' (no leading "
                            "or trailing space).")
    public_key = fields.text(body, "public_key", max_len=16384)
    sim = call.sim
    with sim.store.transaction():
        if find_keypair(sim, call.project_id, name) is not None:
            raise ApiError(409, f"Key pair '{name}' already exists.")
        if sim.store.count("keypair", call.project_id) >= sim.config.quota_keypairs:
            raise ApiError(403, "Quota exceeded, too many key pairs.")
        private_key = None
        if public_key is None:
            public_key, private_key = generate_keypair(sim)
        keypair = {"id": _keypair_doc_id(call.project_id, name), "project_id": call.project_id,
                   "name": name, "public_key": public_key.strip(),
                   "fingerprint": fingerprint(public_key), "user_id": call.token["user_id"],
                   "created": sim.now()}
        sim.store.put("keypair", keypair, call.project_id)
    view = {**_keypair_view(keypair), "user_id": keypair["user_id"]}
    if private_key is not None:
        view["private_key"] = private_key
    return Reply({"keypair": view})


def delete_keypair(call: Call) -> Reply:
    with call.sim.store.transaction():
        keypair = _load_keypair(call)
        call.sim.store.delete("keypair", keypair["id"])
    return Reply(None, 202)  # 202 at microversion 2.1 (204 from 2.2)
