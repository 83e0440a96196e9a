"""What every service object (conn.compute, conn.block_storage, ...) shares."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import NotFoundLocally
from .i18n import _

if TYPE_CHECKING:
    from .connection import Connection

# Metadata key we put on servers and volumes we create, so cleanup() can tell them apart.
TAG_KEY = "conoha_learn"
TAG_VALUE = "1"

_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)


class Service:
    """A service bound to a connection; ``service_type`` picks its endpoint from the catalog."""

    service_type = ""

    def __init__(self, conn: Connection):
        self.conn = conn

    def _get(self, path: str, **kwargs: Any) -> Any:
        return self.conn.get(self.service_type, path, **kwargs)

    def _post(self, path: str, **kwargs: Any) -> Any:
        return self.conn.post(self.service_type, path, **kwargs)

    def _delete(self, path: str, **kwargs: Any) -> Any:
        return self.conn.delete(self.service_type, path, **kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} service ({self.service_type}) of {self.conn!r}>"


def looks_like_id(value: str) -> bool:
    """OpenStack ids are UUIDs (with or without dashes); names rarely are.

    Lets us use an id as it is, without first listing everything to look up a name.
    """
    return bool(_UUID.match(value))


def tagged(resource: dict) -> bool:
    """Was this server or volume created by conoha_learn?"""
    return (resource.get("metadata") or {}).get(TAG_KEY) == TAG_VALUE


def tagged_image(image: dict) -> bool:
    """Was this image saved by conoha_learn (``conn.compute.create_image``)? Nova copies the
    createImage metadata into the image's properties, which Glance shows at the top level. Only
    the tenant's own (non-public) images count."""
    return image.get(TAG_KEY) == TAG_VALUE and image.get("visibility") != "public"


def choose(wanted: str, items: Iterable[dict], what: str, *, keys: tuple[str, ...] = ("name", "id"),
           label: str = "name") -> dict:
    """The one item whose id or name is ``wanted``; otherwise an error naming the choices.

    Used before any create request, so a typo costs nothing. ``what`` names the kind of item
    (a msgid marked with N_, such as "image"), translated here.
    """
    items = list(items)
    matches = [item for item in items if any(item.get(k) == wanted for k in keys)]
    if len(matches) == 1:
        return matches[0]
    names = sorted({str(item.get(label)) for item in items})
    if matches:
        ids = ", ".join(str(m.get("id")) for m in matches)
        raise NotFoundLocally(_("Several {what}s are called {wanted!r} ({ids}); give the id "
                                "instead.").format(what=_(what), wanted=wanted, ids=ids))
    close = difflib.get_close_matches(str(wanted), names, n=3, cutoff=0.5)
    suggestion = _(" Did you mean {names}?").format(names=", ".join(map(repr, close))) if close else ""
    raise NotFoundLocally(_("No {what} called {wanted!r}.{suggestion} Valid choices: {names}.").format(
        what=_(what), wanted=wanted, suggestion=suggestion, names=", ".join(names) or _("none")))
