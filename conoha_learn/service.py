"""What every service object (conn.compute, conn.block_storage, ...) shares."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, NotFoundLocally
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


def edits(a: str, b: str) -> int:
    """How many letters to add, remove or change to turn ``a`` into ``b`` (Levenshtein)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def closest(wanted: str, names: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` names that look like ``wanted`` (difflib), the fewest typos away first:
    ``g2l-t-c2m2`` suggests ``g2l-t-c2m1`` before ``g2l-t-c12m32``."""
    alike = difflib.get_close_matches(wanted, names, n=max(1, len(names)), cutoff=0.5)
    def shared_start(name: str) -> int:  # ties: the one that agrees longest from the left
        return len(os.path.commonprefix([wanted, name]))
    return sorted(alike, key=lambda name: (edits(wanted, name), -shared_start(name),
                                           alike.index(name)))[:n]


def choose(wanted: str, items: Iterable[dict], what: str, *, keys: tuple[str, ...] = ("name", "id"),
           label: str = "name") -> dict:
    """The one item whose id or name is ``wanted``; otherwise an error naming the choices.

    Used before any create request, so a typo costs nothing. ``what`` names the kind of item
    (a msgid marked with N_, such as "image"), translated here.
    """
    if not isinstance(wanted, str):
        raise ConfigError(_("Expected a {what} name or id, as text in quotes, not {wanted!r} "
                            "({type}).").format(what=_(what), wanted=wanted,
                                                type=type(wanted).__name__))
    items = list(items)
    matches = [item for item in items if any(item.get(k) == wanted for k in keys)]
    if len(matches) == 1:
        return matches[0]
    names = sorted({str(item.get(label)) for item in items})
    if matches:
        ids = ", ".join(str(m.get("id")) for m in matches)
        raise NotFoundLocally(_("Several {what}s are called {wanted!r} ({ids}); give the id "
                                "instead.").format(what=_(what), wanted=wanted, ids=ids))
    close = closest(wanted, names)
    suggestion = _(" Did you mean {names}?").format(names=", ".join(map(repr, close))) if close else ""
    raise NotFoundLocally(_("No {what} called {wanted!r}.{suggestion} Valid choices: {names}.").format(
        what=_(what), wanted=wanted, suggestion=suggestion, names=", ".join(names) or _("none")))
