"""Temporary URLs (一時的Web公開, TempURL): a link to one object that works without a token
until a time, signed with a key the account owner set.

ConoHa's VPS Ver.3.0 reference documents it (doc.conoha.jp/api-vps3/object-temporary_url-v3): the
owner POSTs ``X-Account-Meta-Temp-URL-Key`` to ``/v1/AUTH_<tenant>`` (204; removed with
``X-Remove-Account-Meta-Temp-URL-Key``), then builds the link itself: the object's URL plus
``?temp_url_sig=<sig>&temp_url_expires=<unix time>``, ``sig`` being the hex HMAC-SHA1 of
``"GET\\n<expires>\\n/v1/AUTH_<tenant>/<container>/<object>"`` with that key (its sample script).

The rest is upstream Swift's tempurl middleware (swift/common/middleware/tempurl.py): also
``-Key-2``; SHA-256 and SHA-512, in hex or as ``sha256:<base64>``; the methods GET, HEAD, PUT,
POST, DELETE, a HEAD accepting a signature made for GET, HEAD or PUT; a bad or expired link is
401 ``Temp URL invalid``. The simulator also accepts a signature over its own full path
(``/object-storage/v1/...``). Container keys and ``temp_url_prefix`` links are not simulated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import TYPE_CHECKING

from .errors import ApiError

if TYPE_CHECKING:
    from .call import Call

KEY_NAMES = ("temp-url-key", "temp-url-key-2")  # account metadata, as meta_changes stores it
# hex signature length -> digest; SHA-1 because ConoHa's own sample signs with it
DIGESTS = {40: hashlib.sha1, 64: hashlib.sha256, 128: hashlib.sha512}
METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE"}  # tempurl's default "methods"


def offered(call: Call) -> bool:
    """Does the request carry a temporary URL's query (then tempurl alone decides)?"""
    args = call.request.args
    return "temp_url_sig" in args or "temp_url_expires" in args


def invalid() -> ApiError:
    return ApiError(401, "401 Unauthorized: Temp URL invalid", plain=True,
                    headers={"Content-Type": "text/plain; charset=UTF-8"})


def _signature_and_digest(sig: str) -> tuple[bytes, object] | None:
    """The signature's bytes and its digest, from hex or ``<algo>:<base64>``."""
    if ":" in sig:
        algo, _, encoded = sig.partition(":")
        digest = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}.get(algo)
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            return None
        return (raw, digest) if digest else None
    if not re.fullmatch(r"[0-9a-f]+", sig) or len(sig) not in DIGESTS:
        return None
    return bytes.fromhex(sig), DIGESTS[len(sig)]


def _signed_methods(method: str) -> tuple[str, ...]:
    return ("GET", "HEAD", "PUT") if method == "HEAD" else (method,)


def check(call: Call, account_meta: dict[str, str]) -> None:
    """Accept the temporary URL, or answer 401 as tempurl does."""
    args, method = call.request.args, call.request.method
    expires = args.get("temp_url_expires", "")
    parsed = _signature_and_digest(args.get("temp_url_sig", ""))
    keys = [account_meta[k] for k in KEY_NAMES if account_meta.get(k)]
    if (parsed is None or not keys or method not in METHODS or not expires.isdigit()
            or int(expires) < call.sim.now()):
        raise invalid()
    signature, digest = parsed
    full_path = call.request.path
    swift_path = full_path.removeprefix("/object-storage")  # the path real Swift sees
    for key in keys:
        for signed_method in _signed_methods(method):
            for path in (swift_path, full_path):
                message = f"{signed_method}\n{expires}\n{path}".encode()
                expected = hmac.new(key.encode(), message, digest).digest()
                if hmac.compare_digest(expected, signature):
                    return
    raise invalid()
