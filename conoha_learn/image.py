"""Glance (``conn.image``): the OS images a boot volume is made from.

Glance pages long lists: each page carries a ``next`` link (``/v2/images?marker=...``) until the
last one. `images()` follows it for you.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import NotFound
from .i18n import N_, _
from .service import Service, choose
from .tables import table
from .waiting import wait_for

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

    def get_image(self, image: str | dict) -> dict:
        """One image by id (Glance answers it without a wrapper object)."""
        return self._get(f"/v2/images/{image['id'] if isinstance(image, dict) else image}")

    def wait(self, image: str | dict, status: str = "active", *, timeout: float = 600,
             interval: float = 2, progress: bool = True) -> dict | None:
        """Poll until the image has ``status`` (a saved image: queued, saving, then active)."""
        image_id = image["id"] if isinstance(image, dict) else image

        def fetch() -> dict | None:
            try:
                return self.get_image(image_id)
            except NotFound:
                return None

        what = _("image {name}").format(name=image_id[:8])  # the progress bar's label
        return wait_for(fetch, status, what=what, timeout=timeout, interval=interval,
                        progress=progress)

    def find(self, image: str | dict) -> dict:
        """One image by name or id; an unknown one raises an error listing the names."""
        if isinstance(image, dict):
            return image
        return choose(image, self.list(), N_("image"))
