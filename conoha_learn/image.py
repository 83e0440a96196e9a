"""Glance (``conn.image``): the OS images a boot volume is made from.

Glance pages long lists: each page carries a ``next`` link (``/v2/images?marker=...``) until the
last one. `images()` follows it for you.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .i18n import N_
from .service import Service, choose
from .tables import table

if TYPE_CHECKING:
    import pandas as pd

IMAGE_COLUMNS = ["name", "id", "status", "os_type", "min_disk", "size", "visibility"]
PAGE_SIZE = 100
MAX_PAGES = 100  # a bound, so a server that always answers "next" cannot loop us forever


class Image(Service):
    service_type = "image"

    def list(self) -> list[dict]:
        """Every image, following Glance's ``next`` links."""
        found: list[dict] = []
        path = f"/v2/images?limit={PAGE_SIZE}"
        for _ in range(MAX_PAGES):
            page = self._get(path)
            found += page.get("images", [])
            path = page.get("next")
            if not path:
                break
        return found

    def images(self) -> pd.DataFrame:
        """The images as a table: name, id, status, os_type, min_disk (GB), size (bytes)."""
        return table(self.list(), IMAGE_COLUMNS)

    def delete_image(self, image: str | dict) -> None:
        """Delete an image of your tenant (a saved image); ConoHa's public ones answer 403."""
        image_id = image["id"] if isinstance(image, dict) else image
        self._delete(f"/v2/images/{image_id}")

    def find(self, image: str | dict) -> dict:
        """One image by name or id; an unknown one raises an error listing the names."""
        if isinstance(image, dict):
            return image
        return choose(image, self.list(), N_("image"))
