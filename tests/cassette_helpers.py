"""Helpers shared by the cassette, magic and audit tests."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator, Mapping


class NetworkUsed(AssertionError):
    """Raised instead of opening a connection while the network is blocked."""


@contextlib.contextmanager
def no_network() -> Iterator[list]:
    """No socket may connect anywhere, loopback included: replay must not need any.

    Yields the list of addresses something tried to reach (empty if all is well).
    """
    tried: list = []

    def refuse(self: socket.socket, address: object) -> None:
        tried.append(address)
        raise NetworkUsed(f"replay tried to connect to {address!r}")

    with contextlib.ExitStack() as stack:
        for name in ("connect", "connect_ex"):
            original = getattr(socket.socket, name)
            setattr(socket.socket, name, refuse)
            stack.callback(setattr, socket.socket, name, original)
        yield tried


def sdk_connect(creds: Mapping[str, str]):
    """openstacksdk, from OS_* style settings only (no clouds.yaml, no environment)."""
    import openstack

    return openstack.connect(
        auth_url=creds["OS_AUTH_URL"], username=creds["OS_USERNAME"], password=creds["OS_PASSWORD"],
        project_id=creds.get("OS_PROJECT_ID"), project_name=creds.get("OS_PROJECT_NAME"),
        user_domain_name=creds.get("OS_USER_DOMAIN_NAME", "gnc"),
        project_domain_name=creds.get("OS_PROJECT_DOMAIN_NAME", "gnc"),
        region_name="c3j1", interface="public", identity_api_version="3",
        load_yaml_config=False, load_envvars=False)
