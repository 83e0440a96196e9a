"""Swift (``conn.object_store``): containers and the objects (files) in them.

The API is plain HTTP on the account URL from the catalog (``.../v1/AUTH_<tenant id>``):

    PUT    /<container>            make a container
    PUT    /<container>/<object>   upload: the body is the file, the answer's ETag its MD5
    GET    /<container>/<object>   download
    GET    /<container>?format=json  list the objects

Containers made here carry the metadata ``X-Container-Meta-Conoha-Learn: 1``, so that
`conn.cleanup()` removes them (with what is in them) and leaves every other container alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .i18n import _
from .service import Service
from .tables import table

if TYPE_CHECKING:
    import pandas as pd

TAG_HEADER = "X-Container-Meta-Conoha-Learn"  # a header name cannot hold service.TAG_KEY's "_"
CONTAINER_COLUMNS = ["name", "count", "bytes", "last_modified"]
OBJECT_COLUMNS = ["name", "bytes", "content_type", "hash", "last_modified"]
PAGE_SIZE = 1000
MAX_PAGES = 100  # a bound, so a server that always answers a full page cannot loop us forever


def _path(container: str, name: str | None = None) -> str:
    """URL path of a container or object: names may hold spaces, '#', '?'... (not '/' for a
    container; an object's '/' stays, it is how pseudo-folders are written)."""
    if not container or "/" in container:
        raise ValueError(_("A container name is not empty and has no '/', not {name!r}")
                         .format(name=container))
    path = "/" + quote(container, safe="")
    return path if name is None else f"{path}/{quote(name, safe='/')}"


class ObjectStore(Service):
    service_type = "object-store"

    def _listing(self, path: str) -> list[dict]:
        """Every entry of a JSON listing, page by page (Swift pages with ``marker``)."""
        found: list[dict] = []
        for _page in range(MAX_PAGES):
            params = {"format": "json", "limit": PAGE_SIZE}
            if found:
                params["marker"] = found[-1].get("name") or found[-1].get("subdir")
            page = self._get(path, params=params) or []
            found += page
            if len(page) < PAGE_SIZE:
                break
        return found

    def container_list(self) -> list[dict]:
        return self._listing("/")

    def containers(self) -> pd.DataFrame:
        """The account's containers: name, count (objects), bytes, last_modified."""
        return table(self.container_list(), CONTAINER_COLUMNS)

    def object_list(self, container: str) -> list[dict]:
        return self._listing(_path(container))

    def objects(self, container: str) -> pd.DataFrame:
        """The objects in one container: name, bytes, content_type, hash (MD5), last_modified."""
        return table(self.object_list(container), OBJECT_COLUMNS)

    def create_container(self, container: str, *, public: bool = False) -> None:
        """Make a container, tagged as ours. ``public=True`` lets anyone read its objects by URL
        (``X-Container-Read: .r:*``), as a web site's images are served."""
        headers = {TAG_HEADER: "1"}
        if public:
            headers["X-Container-Read"] = ".r:*"
        self.conn.put(self.service_type, _path(container), headers=headers)

    def upload(self, container: str, name: str, data: bytes | str | Path, *,
               content_type: str | None = None) -> str:
        """Store ``data`` (bytes, text, or a file's path) as object ``name``; returns its ETag.

        >>> conn.object_store.upload("photos", "cat.jpg", Path("cat.jpg"))
        """
        if isinstance(data, Path):
            data = data.read_bytes()
        elif isinstance(data, str):
            data = data.encode()
        headers = {"Content-Type": content_type} if content_type else {}
        response = self.conn.request("PUT", self.service_type, _path(container, name), data=data,
                                     headers=headers, raw=True)
        return response.headers.get("ETag", "")

    def download(self, container: str, name: str) -> bytes:
        """The bytes of one object."""
        return self.conn.request("GET", self.service_type, _path(container, name), raw=True).content

    def url(self, container: str, name: str) -> str:
        """The object's URL: what a browser fetches when its container is public."""
        return self.conn.url_for(self.service_type, _path(container, name))

    def delete_object(self, container: str, name: str) -> None:
        self._delete(_path(container, name))

    def delete_container(self, container: str) -> None:
        """Delete an (empty) container; Swift answers 409 while objects remain."""
        self._delete(_path(container))

    def is_ours(self, container: str) -> bool:
        """Was this container made by `create_container` (does it carry our tag)?"""
        response = self.conn.request("HEAD", self.service_type, _path(container), raw=True)
        return response.headers.get(TAG_HEADER) == "1"
