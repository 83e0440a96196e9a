"""Every route of every service, in one list for the app."""

from __future__ import annotations

from . import block_storage, compute, control, identity, image, network, object_storage
from .app import Route


def all_routes() -> list[Route]:
    return [*identity.ROUTES, *compute.ROUTES, *block_storage.ROUTES, *image.ROUTES,
            *network.ROUTES, *object_storage.ROUTES, *control.ROUTES]
