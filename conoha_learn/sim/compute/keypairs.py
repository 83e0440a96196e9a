"""Key pairs (/os-keypairs): import a public key or have one generated, list, show, delete."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import fields
from ..call import Call, Reply
from ..clock import isoformat
from ..errors import ApiError
from .ssh_keys import fingerprint, generate_keypair
from .versions import at_least

if TYPE_CHECKING:
    from ..state import SimState


def _keypair_doc_id(user_id: str, name: str) -> str:
    # Key pairs belong to an API *user* in Nova, not to the tenant: names are unique per user,
    # and a second API user of the same tenant sees none of the first one's key pairs.
    return f"{user_id}/{name}"


def find_keypair(sim: SimState, user_id: str, name: str) -> dict | None:
    """This user's key pair of that name, or None."""
    return sim.store.get("keypair", _keypair_doc_id(user_id, name))


def _mine(call: Call) -> list[dict]:
    return [k for k in call.sim.store.list("keypair", call.project_id)
            if k["user_id"] == call.token["user_id"]]


def _keypair_view(call: Call, keypair: dict, *, full: bool = False) -> dict:
    """A key pair as Nova shows it. Follows nova doc/api_samples/os-keypairs/: list and create
    (keypairs-list-resp.json, keypairs-import-post-resp.json) carry the key itself; show
    (keypairs-get-resp.json) adds the database fields, Nova's numeric "id" among them; from
    microversion 2.2 (v2.2/*.json) every view carries "type"."""
    view = {"name": keypair["name"], "public_key": keypair["public_key"],
            "fingerprint": keypair["fingerprint"]}
    if at_least(call, 2):
        view["type"] = keypair.get("type", "ssh")
    if full:
        view.update({"user_id": keypair["user_id"], "deleted": False, "deleted_at": None,
                     "updated_at": None, "id": keypair.get("number", 0),
                     "created_at": isoformat(keypair["created"], micro=True, z=False)})
    return view


def _load_keypair(call: Call) -> dict:
    name = call.args["name"]
    keypair = find_keypair(call.sim, call.token["user_id"], name)
    if keypair is None:
        raise ApiError(404, f"Keypair {fields.clip(name)} not found for user {call.token['user_id']}")
    return keypair


def list_keypairs(call: Call) -> Reply:
    return Reply({"keypairs": [{"keypair": _keypair_view(call, k)} for k in _mine(call)]})


def show_keypair(call: Call) -> Reply:
    return Reply({"keypair": _keypair_view(call, _load_keypair(call), full=True)})


def _key_type(call: Call, body: dict) -> str:
    """``type`` exists from microversion 2.2 ("ssh" or "x509"); at 2.1 Nova's schema refuses it."""
    if "type" not in body:
        return "ssh"
    if not at_least(call, 2):
        raise ApiError(400, "Invalid input for field/attribute keypair. Value: ... Additional "
                            "properties are not allowed ('type' was unexpected). The key type "
                            "exists from microversion 2.2.")
    key_type = body["type"]
    if key_type == "x509":
        raise ApiError(501, "x509 key pairs are not simulated; use \"ssh\".")
    if key_type != "ssh":
        raise fields.invalid("type", key_type, "It must be \"ssh\" or \"x509\".")
    return key_type


def _next_number(sim: SimState) -> int:
    """Nova's key pair "id" is its database row number: one counter for the whole cloud."""
    number = int(sim.store.get_meta("keypair_number") or "0") + 1
    sim.store.set_meta("keypair_number", str(number))
    return number


def create_keypair(call: Call) -> Reply:
    """POST /os-keypairs: import ``public_key``, or without it generate a pair and return the
    private key, once. The private key is never stored."""
    body = call.body("keypair")
    name = fields.text(body, "name", required=True, min_len=1)
    # Below microversion 2.92 (the simulator serves at most 2.3) Nova's schema allows
    # ^[_\- a-zA-Z0-9]+$ (keypair_name_special_chars, nova/api/validation/parameter_types.py);
    # '.' and '@' only from 2.92 on.
    if not re.fullmatch(r"[A-Za-z0-9 _-]+", name) or name.strip() != name:
        raise ApiError(400, "Keypair data is invalid: Keypair name contains unsafe characters. "
                            "Use 1 to 255 letters, digits, spaces, '_' or '-' (no leading "
                            "or trailing space; '.' and '@' only from microversion 2.92).")
    public_key = fields.text(body, "public_key", max_len=16384)
    key_type = _key_type(call, body)
    sim, user_id = call.sim, call.token["user_id"]
    with sim.store.transaction():
        if find_keypair(sim, user_id, name) is not None:
            raise ApiError(409, f"Key pair '{name}' already exists.")
        if len(_mine(call)) >= sim.config.quota_keypairs:  # Nova's key pair quota is per user
            raise ApiError(403, "Quota exceeded, too many key pairs.")
        private_key = None
        if public_key is None:
            public_key, private_key = generate_keypair(sim)
        keypair = {"id": _keypair_doc_id(user_id, name), "project_id": call.project_id,
                   "name": name, "public_key": public_key.strip(), "type": key_type,
                   "fingerprint": fingerprint(public_key), "user_id": user_id,
                   "number": _next_number(sim), "created": sim.now()}
        sim.store.put("keypair", keypair, call.project_id)
    view = {**_keypair_view(call, keypair), "user_id": keypair["user_id"]}
    if private_key is not None:
        view["private_key"] = private_key
    # 200 at microversion 2.1; 2.2 corrected it to 201 (rest_api_version_history.rst).
    return Reply({"keypair": view}, 201 if at_least(call, 2) else 200)


def delete_keypair(call: Call) -> Reply:
    with call.sim.store.transaction():
        keypair = _load_keypair(call)
        call.sim.store.delete("keypair", keypair["id"])
    # 202 at microversion 2.1; 2.2 corrected it to 204 (rest_api_version_history.rst).
    return Reply(None, 204 if at_least(call, 2) else 202)
