"""Tokens that carry themselves: sealed with the simulator's key, checked without a lookup.

Keystone's Fernet tokens store nothing per token: the token holds its user, project, auth methods,
expiry and audit id, encrypted and signed with a key only Keystone has, and a revocation list
(revocation *events*: "this audit id", "this user's tokens issued before T") covers the tokens that
must stop working early. This module does the same, so a client that logs in often (a load test,
Ansible, a loop in a notebook) never has a still valid token refused, and memory does not grow with
the number of tokens issued.

The layout follows Fernet's (version byte 0x80, timestamp, 16-byte nonce, ciphertext, 32-byte
HMAC-SHA256), urlsafe base64 without padding: ``gAAAAAB...``, about 180 characters, like ConoHa's
and Keystone's own. The cipher is a SHAKE-256 keystream (standard library only); the payload is a
few fixed fields (`_pack`). What a token holds is the simulator's business: learners see an opaque
string, as with the real service.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
import threading
from dataclasses import dataclass

from .store import Store

VERSION = b"\x80"
MAC_BYTES = 32
NONCE_BYTES = 16
METHODS = ("password", "token")  # the bit of each, in order; Keystone also packs them as bits
_HEAD = struct.Struct(">BBdd")   # flags, methods, issued_at, expires_at
_SCOPED = 1                      # flags: the token is scoped to a project
_HEX32 = re.compile(r"[0-9a-f]{32}")
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")  # b64decode would skip other characters silently


@dataclass
class Revocations:
    """Keystone's revocation events, in memory for speed and in the store for restarts:
    ``audits`` {audit id: when its token expires}, ``users`` {user id: [revoked before, until]}."""

    audits: dict[str, float]
    users: dict[str, list[float]]


def _pack_id(value: str) -> bytes:
    # Keystone's ids are 32 hex digits: 16 bytes. Anything else (none today) keeps its text.
    if _HEX32.fullmatch(value):
        return b"\x00" + bytes.fromhex(value)
    raw = value.encode()
    if not 0 < len(raw) < 256:
        raise ValueError(f"an id of {len(raw)} bytes cannot go into a token")
    return bytes([len(raw)]) + raw


def _unpack_id(data: bytes, at: int) -> tuple[str, int]:
    size = data[at]
    if size == 0:
        return data[at + 1:at + 17].hex(), at + 17
    return data[at + 1:at + 1 + size].decode(), at + 1 + size


def _pack(doc: dict) -> bytes:
    mask = sum(1 << i for i, m in enumerate(METHODS) if m in doc["methods"])
    flags = _SCOPED if doc["project_id"] else 0
    out = _HEAD.pack(flags, mask, doc["issued_at"], doc["expires_at"])
    out += base64.urlsafe_b64decode(doc["audit_id"] + "==") + _pack_id(doc["user_id"])
    if doc["project_id"]:
        out += _pack_id(doc["project_id"])
    pad = 16 - len(out) % 16  # PKCS#7 to whole blocks, as Fernet's AES-CBC: the same length class
    return out + bytes([pad]) * pad


def _unpack(data: bytes) -> dict:
    data = data[:-data[-1]]
    flags, mask, issued_at, expires_at = _HEAD.unpack_from(data)
    at = _HEAD.size
    audit = base64.urlsafe_b64encode(data[at:at + 16]).decode().rstrip("=")
    user_id, at = _unpack_id(data, at + 16)
    project_id = _unpack_id(data, at)[0] if flags & _SCOPED else None
    return {"user_id": user_id, "project_id": project_id, "audit_id": audit,
            "methods": [m for i, m in enumerate(METHODS) if mask >> i & 1],
            "issued_at": issued_at, "expires_at": expires_at}


class Tokens:
    """Seals and opens tokens with one key; keeps the revocation events."""

    def __init__(self, store: Store, key: bytes):
        self._store = store
        self._mac_key = hashlib.sha256(b"mac:" + key).digest()
        self._enc_key = hashlib.sha256(b"enc:" + key).digest()
        self._lock = threading.Lock()
        self.issued = 0  # how many tokens were sealed with this key: a count, not a list of them
        self.revoked = Revocations({}, {})
        for event in store.list("revocation"):
            if "audit_id" in event:
                self.revoked.audits[event["audit_id"]] = event["until"]
            else:
                self.revoked.users[event["user_id"]] = [event["issued_before"], event["until"]]

    @staticmethod
    def key_for(seed: int | None, generation: int = 0) -> bytes:
        """A seeded simulator's key comes from its seed (the same tokens again, as its other ids);
        otherwise it is random. ``generation`` changes it on reset, so older tokens stop working."""
        if seed is None:
            return secrets.token_bytes(32)
        return hashlib.sha256(f"conoha-learn sim token key:{seed}:{generation}".encode()).digest()

    def _keystream(self, nonce: bytes, size: int) -> int:
        return int.from_bytes(hashlib.shake_256(self._enc_key + nonce).digest(size), "big")

    def seal(self, doc: dict, nonce: bytes) -> str:
        """The token for ``doc`` (user_id, project_id, methods, audit_id, issued_at, expires_at)."""
        plain = _pack(doc)
        cipher = (int.from_bytes(plain, "big") ^ self._keystream(nonce, len(plain))).to_bytes(len(plain), "big")
        body = VERSION + struct.pack(">Q", int(doc["issued_at"])) + nonce + cipher
        mac = hmac.digest(self._mac_key, body, "sha256")
        with self._lock:
            self.issued += 1
        return base64.urlsafe_b64encode(body + mac).decode().rstrip("=")

    def open(self, token: str, now: float) -> dict | None:
        """What the token says, or None when it is not ours, was changed, expired or was revoked."""
        if not _ALPHABET.fullmatch(token):
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except ValueError:  # a length no base64 text has
            return None
        body, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
        if len(body) < 1 + 8 + NONCE_BYTES + 16 or body[:1] != VERSION:
            return None
        if not hmac.compare_digest(mac, hmac.digest(self._mac_key, body, "sha256")):
            return None
        nonce, cipher = body[9:9 + NONCE_BYTES], body[9 + NONCE_BYTES:]
        plain = (int.from_bytes(cipher, "big") ^ self._keystream(nonce, len(cipher))).to_bytes(len(cipher), "big")
        doc = _unpack(plain)
        if doc["expires_at"] <= now or self.is_revoked(doc):
            return None
        return doc

    def is_revoked(self, doc: dict) -> bool:
        if doc["audit_id"] in self.revoked.audits:
            return True
        user = self.revoked.users.get(doc["user_id"])
        return user is not None and doc["issued_at"] <= user[0]

    # --- revocation events --------------------------------------------------------------------

    def revoke(self, doc: dict, now: float) -> None:
        """This one token (by its audit id), as DELETE /v3/auth/tokens does."""
        event = {"id": "audit:" + doc["audit_id"], "audit_id": doc["audit_id"], "until": doc["expires_at"]}
        with self._lock:
            self.revoked.audits[doc["audit_id"]] = doc["expires_at"]
            self._keep(event, now)

    def revoke_user(self, user_id: str, now: float, lifetime: float) -> None:
        """Every token of this user issued until now (password changed, user deleted)."""
        event = {"id": "user:" + user_id, "user_id": user_id, "issued_before": now, "until": now + lifetime}
        with self._lock:
            self.revoked.users[user_id] = [now, now + lifetime]
            self._keep(event, now)

    def _keep(self, event: dict, now: float) -> None:
        """Store the event and drop those whose tokens have all expired: the list stays as small
        as the tokens it still has to stop."""
        with self._store.transaction():
            self._store.put("revocation", event)
            for audit, until in list(self.revoked.audits.items()):
                if until <= now:
                    del self.revoked.audits[audit]
                    self._store.delete("revocation", "audit:" + audit)
            for user, (_, until) in list(self.revoked.users.items()):
                if until <= now:
                    del self.revoked.users[user]
                    self._store.delete("revocation", "user:" + user)
