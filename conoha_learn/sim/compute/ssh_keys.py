"""SSH keys as Nova handles them: a public key's fingerprint, and a generated key pair in
OpenSSH's own file format."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import TYPE_CHECKING

from ..errors import ApiError

if TYPE_CHECKING:
    from ..state import SimState

KEY_TYPES = ("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
             "ecdsa-sha2-nistp521")


def fingerprint(public_key: str) -> str:
    """The MD5 fingerprint Nova shows (``aa:bb:...``), of an OpenSSH public key line.

    Raises a 400 when the line is not a public key.
    """
    parts = public_key.split()
    problem = "Keypair data is invalid: failed to generate fingerprint. "
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        raise ApiError(400, problem + "A public key is one line like \"ssh-ed25519 AAAAC3... "
                                      f"comment\"; accepted types: {', '.join(KEY_TYPES)}.")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, problem + "The part after the key type is not valid base64.") from None
    # The decoded key starts with its own type name (RFC 4253 §6.6): a cheap sanity check.
    key_type = parts[0].encode()
    if not blob.startswith(len(key_type).to_bytes(4, "big") + key_type):
        raise ApiError(400, problem + "The key data does not match its type.")
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _ssh_string(data: bytes) -> bytes:
    """SSH's wire encoding of a byte string: its 4-byte length, then the bytes."""
    return len(data).to_bytes(4, "big") + data


def _openssh_private_key(private: bytes, public: bytes, comment: str) -> str:
    """An unencrypted Ed25519 private key in OpenSSH's file format (what ssh-keygen writes).

    Written out here rather than by the `cryptography` package because the format contains a
    "check" number that libraries pick at random, and a seeded simulator must answer the same
    bytes every run.
    """
    key_type = b"ssh-ed25519"
    check = private[:4]  # any value works; it is written twice so a decryption can be verified
    secret = (check + check + _ssh_string(key_type) + _ssh_string(public)
              + _ssh_string(private + public) + _ssh_string(comment.encode()))
    secret += bytes(range(1, (-len(secret) % 8) + 1))  # padded to the 8-byte "cipher" block
    blob = (b"openssh-key-v1\0" + _ssh_string(b"none") + _ssh_string(b"none") + _ssh_string(b"")
            + (1).to_bytes(4, "big") + _ssh_string(_ssh_string(key_type) + _ssh_string(public))
            + _ssh_string(secret))
    text = base64.b64encode(blob).decode()
    lines = [text[i:i + 70] for i in range(0, len(text), 70)]
    return "\n".join(["-----BEGIN OPENSSH PRIVATE KEY-----", *lines,
                      "-----END OPENSSH PRIVATE KEY-----", ""])


def generate_keypair(sim: SimState) -> tuple[str, str]:
    """A new (public key line, private key file). Nova makes RSA keys; Ed25519 is used here
    because it can be derived from the simulator's seeded random numbers (reproducible runs)."""
    private = bytes.fromhex(sim.ids.hex() + sim.ids.hex())  # 32 bytes
    comment = "Generated-by-Nova"
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    except ImportError:  # the key is only for show in the simulator: say so plainly
        public = hashlib.sha256(private).digest()
        key_line = base64.b64encode(_ssh_string(b"ssh-ed25519") + _ssh_string(public)).decode()
        return (f"ssh-ed25519 {key_line} {comment}",
                "-----BEGIN SIMULATOR FAKE PRIVATE KEY-----\nNot a usable key: install the "
                "'cryptography' package for real ones.\n-----END SIMULATOR FAKE PRIVATE KEY-----\n")
    public = Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)
    key_line = base64.b64encode(_ssh_string(b"ssh-ed25519") + _ssh_string(public)).decode()
    return f"ssh-ed25519 {key_line} {comment}", _openssh_private_key(private, public, comment)
