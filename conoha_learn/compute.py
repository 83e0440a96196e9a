"""Nova (``conn.compute``): plans (flavors), servers, their power actions, plan change, image
save, additional volumes, and SSH key pairs.

    conn.compute.flavors()                                   # the plans, as a table
    server = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1",
                                        image="vmi-ubuntu-24.04-amd64", key_name="my-key")
    conn.compute.wait(server, "ACTIVE")                      # polls, with a progress bar
    conn.compute.stop(server); conn.compute.wait(server, "SHUTOFF")
    conn.compute.delete(server)

A server can be given as its id, its name (ConoHa's ``instance_name_tag``) or the dict that
`create_server` returned.
"""

from __future__ import annotations

import os
import re
import secrets
import string
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .config import write_private
from .errors import ConfigError, NotFound
from .i18n import N_, _
from .redact import SafeDict
from .service import TAG_KEY, TAG_VALUE, Service, choose, looks_like_id, tagged
from .tables import table
from .times import with_jst
from .waiting import wait_for

if TYPE_CHECKING:
    import pandas as pd

FLAVOR_COLUMNS = ["name", "id", "vcpus", "ram", "disk"]
SERVER_COLUMNS = ["name", "id", "status", "flavor", "ipv4", "key_name", "created", "tagged"]
KEYPAIR_COLUMNS = ["name", "fingerprint"]

# ConoHa's label rule (its official MCP server checks the same pattern).
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
# ConoHa's root password rule (API reference, compute-create_vm-v2; the Ver.3.0 page states none):
# 9-70 characters of letters, digits and these symbols, with upper case, lower case, and a digit
# or a symbol. ConoHa's own MCP server checks more strictly (a digit AND a symbol); our random
# passwords have both, so they pass either rule.
PASSWORD_SYMBOLS = "\\^$+-*/|()[]{}.,?!_=&@~%#:;'\""
PASSWORD_RULE = N_("9 to 70 characters, with at least one upper-case letter, one lower-case "
                   "letter, and a digit or one of {symbols}")

# The boot volume ConoHa VPS Ver.3.0 needs: 30 GB on the 512 MB plan, 100 GB on every other.
SMALL_PLAN_RAM_MB = 512
BOOT_VOLUME_SMALL = (30, "c3j1-as01-boot")
BOOT_VOLUME_DEFAULT = (100, "c3j1-ds02-boot")


def boot_volume_for(flavor: dict) -> tuple[int, str]:
    """(size in GB, volume type) of the boot volume for a plan."""
    return BOOT_VOLUME_SMALL if flavor.get("ram", 0) <= SMALL_PLAN_RAM_MB else BOOT_VOLUME_DEFAULT


def check_admin_pass(password: str) -> None:
    """Raise before any request if the root password breaks ConoHa's rule (never echo it)."""
    allowed = set(string.ascii_letters + string.digits + PASSWORD_SYMBOLS)
    ok = (isinstance(password, str) and 9 <= len(password) <= 70 and set(password) <= allowed
          and any(c.isupper() for c in password) and any(c.islower() for c in password)
          and any(c.isdigit() or c in PASSWORD_SYMBOLS for c in password))
    if not ok:
        raise ConfigError(_("admin_pass does not follow ConoHa's rule: {rule}.").format(
                              rule=_(PASSWORD_RULE).format(symbols=PASSWORD_SYMBOLS)),
                          hint=_("Leave admin_pass out to get a random one (in the result's "
                                 "'adminPass')."))


def random_admin_pass() -> str:
    """A random password that meets the rule (one of each kind, then random, shuffled)."""
    kinds = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "-_.!#%+=@"]
    chars = [secrets.choice(k) for k in kinds]
    chars += [secrets.choice("".join(kinds)) for _ in range(12)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def display_name(server: dict) -> str:
    """The name a learner gave (ConoHa's instance_name_tag), else Nova's name."""
    return (server.get("metadata") or {}).get("instance_name_tag") or server.get("name", "")


def ipv4(server: dict) -> str | None:
    for addresses in (server.get("addresses") or {}).values():
        for a in addresses:
            if a.get("version") == 4:
                return a.get("addr")
    return None


class Compute(Service):
    service_type = "compute"

    def __init__(self, conn):
        super().__init__(conn)
        self._flavor_cache: list[dict] | None = None  # plans do not change during a session

    # --- flavors ------------------------------------------------------------------------------

    def flavor_list(self) -> list[dict]:
        if self._flavor_cache is None:
            self._flavor_cache = self._get("/flavors/detail").get("flavors", [])
        return self._flavor_cache

    def flavors(self, *unexpected: object) -> pd.DataFrame:
        """ConoHa's plans: name, id, vcpus, ram (MB), disk (GB; 0 when the disk is a volume)."""
        if unexpected:  # flavors("g2l"): a filter the learner expected; say how to filter
            raise ConfigError(_("flavors() takes nothing: it lists every plan. To keep some, filter "
                                "the table: plans = conn.compute.flavors(); "
                                "plans[plans.name.str.startswith({text!r})]").format(
                                    text=str(unexpected[0])))
        self._flavor_cache = None  # asked explicitly: always fresh
        return table(self.flavor_list(), FLAVOR_COLUMNS)

    # --- servers ------------------------------------------------------------------------------

    def server_list(self) -> list[dict]:
        return self._get("/servers/detail").get("servers", [])

    def servers(self) -> pd.DataFrame:
        """The project's servers: name, id, status, flavor (plan), ipv4, key_name, created, tagged
        (True for servers this library created)."""
        flavor_names = {f["id"]: f["name"] for f in self.flavor_list()}
        rows = [{**s, "name": display_name(s), "ipv4": ipv4(s), "tagged": tagged(s),
                 "flavor": flavor_names.get((s.get("flavor") or {}).get("id")),
                 "created": with_jst(s.get("created"))}
                for s in self.server_list()]
        return table(rows, SERVER_COLUMNS)

    def server_id(self, server: str | dict) -> str:
        """The id of a server given as id, name (instance_name_tag) or dict."""
        if isinstance(server, dict):
            return server["id"]
        if not isinstance(server, str) or not server:
            raise ConfigError(_("Give a server as its id, name or dict, not {server!r}.").format(server=server))
        if looks_like_id(server):
            return server
        named = [{"id": s["id"], "name": display_name(s), "server_name": s.get("name")}
                 for s in self.server_list()]
        return choose(server, named, N_("server"), keys=("id", "name", "server_name"))["id"]

    def get_server(self, server: str | dict) -> SafeDict:
        """The server's full detail (``GET /servers/{id}``)."""
        return self._get(f"/servers/{self.server_id(server)}")["server"]

    def create_server(self, name: str, flavor: str, image: str, *, key_name: str | None = None,
                      admin_pass: str | None = None,
                      security_groups: Iterable[str] = ("default",),
                      progress: bool = True) -> SafeDict:
        """Create a server the ConoHa VPS Ver.3.0 way, tagged so that `conn.cleanup()` finds it.

        Checks every name first (plan, image, key pair, security groups), so a typo fails
        before anything is created. Then: creates the boot volume from the image (30 GB on the
        512 MB plan, 100 GB otherwise), waits until it is available, and creates the server on
        it. Returns Nova's answer (id, links, adminPass); the server is still BUILD:

        >>> server = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1",
        ...                                     image="vmi-ubuntu-24.04-amd64")
        >>> conn.compute.wait(server, "ACTIVE")
        """
        groups = self._check_create_arguments(name, admin_pass, security_groups)
        plan = choose(flavor, self.flavor_list(), N_("flavor (plan)"))
        image_id = self.conn.image.find(image)["id"]
        if key_name is not None:
            choose(key_name, self._keypair_list(), N_("key pair"), keys=("name",))
        self.conn.network.check_security_groups(groups)

        size, volume_type = boot_volume_for(plan)
        storage = self.conn.block_storage
        volume = storage.create_volume(size, name=f"{name}-boot", image=image_id,
                                       volume_type=volume_type)
        try:
            storage.wait(volume, "available", progress=progress)
            body = {"flavorRef": plan["id"], "adminPass": admin_pass or random_admin_pass(),
                    "block_device_mapping_v2": [{"uuid": volume["id"]}],
                    "metadata": {"instance_name_tag": name, TAG_KEY: TAG_VALUE},
                    "security_groups": [{"name": g} for g in groups]}
            if key_name is not None:
                body["key_name"] = key_name
            return self._post("/servers", json={"server": body})["server"]
        except Exception:
            # No server will use this volume: remove it now rather than leave it billed.
            storage.delete_volume(volume)
            raise

    @staticmethod
    def _check_create_arguments(name: str, admin_pass: str | None,
                                security_groups: Iterable[str]) -> list[str]:
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise ConfigError(_("Server name {name!r}: use 1-255 letters, digits, '-' or '_' "
                                "(ConoHa's rule for instance_name_tag).").format(name=name))
        if admin_pass is not None:
            check_admin_pass(admin_pass)
        if isinstance(security_groups, str):
            security_groups = [security_groups]  # one name is fine too
        groups = list(security_groups)
        if not all(isinstance(g, str) and g for g in groups):
            raise ConfigError(_("security_groups is a list of names such as ['default', "
                                "'IPv4v6-SSH'], not {groups!r}.").format(groups=groups))
        return groups

    def wait(self, server: str | dict, status: str = "ACTIVE", *, timeout: float = 600,
             interval: float = 2, progress: bool = True) -> dict | None:
        """Poll until the server has ``status`` ("ACTIVE", "SHUTOFF", or "DELETED" for gone).

        Stops at once with `ResourceFailed` if the server goes to ERROR, and with `WaitTimeout`
        after ``timeout`` seconds. Returns the server's detail (None for "DELETED").
        """
        server_id = self.server_id(server)

        def fetch() -> dict | None:
            try:
                return self._get(f"/servers/{server_id}")["server"]
            except NotFound:
                return None

        label = display_name(server) if isinstance(server, dict) else None
        what = _("server {name}").format(name=label or server_id[:8])  # the progress bar's label
        return wait_for(fetch, status, what=what, timeout=timeout,
                        interval=interval, progress=progress)

    # --- power actions: POST /servers/{id}/action, 202 and no body --------------------------------

    def _action(self, server: str | dict, body: dict) -> None:
        self._post(f"/servers/{self.server_id(server)}/action", json=body)

    def start(self, server: str | dict) -> None:
        """Power on a SHUTOFF server: ``{"os-start": null}``."""
        self._action(server, {"os-start": None})

    def stop(self, server: str | dict, force: bool = False) -> None:
        """Shut down: ``{"os-stop": null}``; ``force=True`` pulls the plug (ConoHa's
        ``{"os-stop": {"force_shutdown": true}}``)."""
        self._action(server, {"os-stop": {"force_shutdown": True} if force else None})

    def reboot(self, server: str | dict, hard: bool = False) -> None:
        """Restart: ``{"reboot": {"type": "SOFT"}}``, or HARD (a power cycle)."""
        self._action(server, {"reboot": {"type": "HARD" if hard else "SOFT"}})

    # --- plan change, image save, additional volumes ------------------------------------------

    def resize(self, server: str | dict, flavor: str) -> None:
        """Change the plan: ``{"resize": {"flavorRef": ...}}``. The server goes RESIZE, then
        VERIFY_RESIZE; then `confirm_resize` (keep the new plan) or `revert_resize`."""
        plan = choose(flavor, self.flavor_list(), N_("flavor (plan)"))
        self._action(server, {"resize": {"flavorRef": plan["id"]}})

    def confirm_resize(self, server: str | dict) -> None:
        """Keep the new plan of a VERIFY_RESIZE server: ``{"confirmResize": null}`` (204)."""
        self._action(server, {"confirmResize": None})

    def revert_resize(self, server: str | dict) -> None:
        """Go back to the old plan of a VERIFY_RESIZE server: ``{"revertResize": null}``."""
        self._action(server, {"revertResize": None})

    def create_image(self, server: str | dict, name: str) -> str:
        """Save a (stopped) server as a private image, tagged so that `conn.cleanup()` finds it.
        Nova answers 202 with no body: the new image's id is the end of the ``Location`` header.
        Returns that id; the image is ``queued`` until Glance shows it ``active``."""
        body = {"createImage": {"name": name, "metadata": {TAG_KEY: TAG_VALUE}}}
        response = self.conn.post(self.service_type, f"/servers/{self.server_id(server)}/action",
                                  json=body, raw=True)
        return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]

    def attach_volume(self, server: str | dict, volume: str | dict) -> SafeDict:
        """Attach an additional volume (追加ストレージ): ``POST /servers/{id}/os-volume_attachments``.
        Returns the attachment (``device`` is where the server sees it, e.g. /dev/vdb)."""
        body = {"volumeAttachment": {"volumeId": self.conn.block_storage.volume_id(volume)}}
        path = f"/servers/{self.server_id(server)}/os-volume_attachments"
        return self._post(path, json=body)["volumeAttachment"]

    def detach_volume(self, server: str | dict, volume: str | dict) -> None:
        """Detach an additional volume (202); it goes ``detaching``, then ``available``."""
        volume_id = self.conn.block_storage.volume_id(volume)
        self._delete(f"/servers/{self.server_id(server)}/os-volume_attachments/{volume_id}")

    def delete(self, server: str | dict) -> None:
        """Delete the server (204). Its boot volume stays, ``available``: delete it too, or
        let `conn.cleanup()` do it."""
        self._delete(f"/servers/{self.server_id(server)}")

    # --- key pairs ----------------------------------------------------------------------------------

    def _keypair_list(self) -> list[dict]:
        return [k["keypair"] for k in self._get("/os-keypairs").get("keypairs", [])]

    def keypairs(self) -> pd.DataFrame:
        """The project's SSH key pairs: name, fingerprint."""
        return table(self._keypair_list(), KEYPAIR_COLUMNS)

    def create_keypair(self, name: str, *, save_to: str | os.PathLike | None = None) -> SafeDict:
        """Let Nova generate a key pair. The private key is returned ONCE (``["private_key"]``;
        printing the result hides it). With ``save_to``, it is also written there, readable by
        you only (mode 0600), e.g. ``save_to="~/.ssh/conoha-key"``."""
        path = Path(save_to).expanduser() if save_to is not None else None
        if path is not None and path.exists():
            raise ConfigError(_("{path} already exists; choose another file (we never overwrite a "
                                "key).").format(path=path))
        keypair = self._post("/os-keypairs", json={"keypair": {"name": name}})["keypair"]
        self.conn.created_keypairs.add(name)
        if path is not None:
            write_private(path, keypair["private_key"])
        return keypair

    def import_keypair(self, name: str, public_key: str | os.PathLike) -> SafeDict:
        """Register your own public key (its text, or a Path to e.g. ``~/.ssh/id_ed25519.pub``)."""
        if isinstance(public_key, os.PathLike):
            public_key = Path(public_key).expanduser().read_text()
        public_key = public_key.strip()
        if not public_key.startswith(("ssh-", "ecdsa-")):
            raise ConfigError(_("public_key should be one line starting with ssh-ed25519, ssh-rsa or "
                                "ecdsa-... (the .pub file, never the private key)."))
        body = {"keypair": {"name": name, "public_key": public_key}}
        keypair = self._post("/os-keypairs", json=body)["keypair"]
        self.conn.created_keypairs.add(name)
        return keypair

    def delete_keypair(self, name: str) -> None:
        self._delete(f"/os-keypairs/{quote(name, safe='')}")
        self.conn.created_keypairs.discard(name)

