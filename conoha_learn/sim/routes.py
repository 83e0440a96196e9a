"""Every route of every service, in one list for the app."""

from __future__ import annotations

from . import (block_storage, control, identity, image, image_iso, network, object_storage,
               volume_actions)
from .call import Route
from .compute import routes as compute


def all_routes() -> list[Route]:
    return [*identity.ROUTES, *compute.ROUTES, *block_storage.ROUTES, *volume_actions.ROUTES,
            *image.ROUTES, *image_iso.ROUTES,
            *network.ROUTES, *object_storage.ROUTES, *control.ROUTES]
