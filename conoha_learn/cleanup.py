"""conn.cleanup(): delete what this library created, and nothing else.

What counts as ours:
* servers carrying the metadata tag ``conoha_learn: "1"`` (create_server puts it there),
* volumes with the same tag (boot volumes made by create_server, additional volumes made by
  create_volume), plus the volumes of the servers we delete,
* key pairs created or imported through this connection,
* the tenant's images with the property ``conoha_learn: "1"`` (conn.compute.create_image saves
  them so),
* object storage containers carrying ``X-Container-Meta-Conoha-Learn: 1``
  (conn.object_store.create_container puts it there), with every object in them.

A server you made some other way (the CLI, the control panel, a raw ``conn.post``) has no tag
and is left alone. On real ConoHa a forgotten server or volume is billed, so cleanup waits (up to
``timeout`` seconds in all, with a progress bar) until every server and volume it deleted is
really gone (``DELETE`` only starts the work: a volume is ``deleting`` for a while), and the
report lists everything removed, anything that could not be, and says what is still billed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .compute import display_name
from .errors import ConohaLearnError, NotFound, NotFoundLocally, ResourceFailed, WaitTimeout
from .i18n import _
from .service import tagged, tagged_image

if TYPE_CHECKING:
    from .connection import Connection


@dataclass
class CleanupReport:
    servers: list[str] = field(default_factory=list)    # "name (id)" of each deleted server
    volumes: list[str] = field(default_factory=list)
    keypairs: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)  # "name (N objects)"
    images: list[str] = field(default_factory=list)      # saved images, "name (id)"
    left_alone: list[str] = field(default_factory=list)  # servers without our tag
    failed: list[str] = field(default_factory=list)      # what could not be removed, and why
    still_there: list[str] = field(default_factory=list)  # deleted, but not gone by the deadline
    waited: bool = True                                  # False: deletions asked for, not waited for

    @property
    def billed(self) -> list[str]:
        """What of ours may still be billed on a real account: not removed, or not gone yet."""
        return self.failed + self.still_there

    def __str__(self) -> str:
        lines = [_("Removed {servers} server(s), {volumes} volume(s), {keypairs} key pair(s).").format(
            servers=len(self.servers), volumes=len(self.volumes), keypairs=len(self.keypairs))]
        for kind, names in ((_("server"), self.servers), (_("volume"), self.volumes),
                            (_("key pair"), self.keypairs)):
            lines += [f"  - {kind} {n}" for n in names]
        if self.containers:
            lines.append(_("Removed {containers} container(s) and the objects in them.").format(
                containers=len(self.containers)))
            kind = _("container")  # outside the f-string, where pybabel finds it
            lines += [f"  - {kind} {n}" for n in self.containers]
        if self.images:
            lines.append(_("Removed {images} saved image(s).").format(images=len(self.images)))
            kind = _("image")
            lines += [f"  - {kind} {n}" for n in self.images]
        if self.left_alone:
            lines.append(_("Left alone (not created by conoha_learn): {names}").format(
                names=", ".join(self.left_alone)))
        if self.failed:
            lines.append(_("Could NOT remove (run conn.cleanup() again, or delete by hand):"))
            lines += [f"  ! {f}" for f in self.failed]
        if self.still_there:
            lines.append(_("Deleted, but still there when the wait ended (run conn.cleanup() "
                           "again in a minute):"))
            lines += [f"  ! {f}" for f in self.still_there]
        if self.billed:
            lines.append(_("On a real ConoHa account, {count} resource(s) listed with ! are still "
                           "billed until they are gone.").format(count=len(self.billed)))
        elif (self.servers or self.volumes) and not self.waited:
            lines.append(_("Deletions were requested but not waited for: look again with "
                           "conn.compute.servers() and conn.block_storage.volumes()."))
        elif self.servers or self.volumes:  # the billed kinds, whose deletion takes a while
            lines.append(_("Everything removed is gone: nothing this course created is billed "
                           "any more."))
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def _label(resource: dict, name: str | None = None) -> str:
    """"name (id)"; a resource created without a name (Cinder allows it) says so."""
    shown = name or resource.get("name") or _("(no name)")
    return f"{shown} ({resource['id']})"


class _Deadline:
    """One time budget shared by every wait of a clean-up (so it is bounded as a whole)."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(1.0, self.end - time.monotonic())  # a last look even when the time is up


def cleanup(conn: Connection, *, wait: bool = True, progress: bool = True,
            timeout: float = 600) -> CleanupReport:
    report = CleanupReport(waited=wait)
    deadline = _Deadline(timeout)
    deleted, their_volumes = _delete_servers(conn, report, wait=wait, progress=progress,
                                             deadline=deadline)
    _delete_volumes(conn, report, deleted, their_volumes, wait=wait, progress=progress,
                    deadline=deadline)
    _delete_keypairs(conn, report)
    _delete_containers(conn, report)
    _delete_images(conn, report)
    return report


def _wait_gone(wait: Any, resource: dict, label: str, report: CleanupReport, *, progress: bool,
               deadline: _Deadline) -> bool:
    """Wait until a deleted resource answers 404; what is not gone goes into the report."""
    try:
        wait(resource, "DELETED", timeout=deadline.left(), progress=progress)
        return True
    except WaitTimeout as exc:
        report.still_there.append(f"{label}: {exc.message}")
    except ConohaLearnError as exc:  # ResourceFailed: error_deleting and the like
        report.failed.append(f"{label}: {exc.message}")
    return False


def _delete_servers(conn: Connection, report: CleanupReport, *, wait: bool, progress: bool,
                    deadline: _Deadline) -> tuple[set[str], set[str]]:
    """Delete tagged servers; returns their ids and the ids of the volumes they used."""
    compute = conn.compute
    deleted: list[dict] = []
    volume_ids: set[str] = set()
    for server in compute.server_list():
        label = _label(server, display_name(server))
        if not tagged(server):
            report.left_alone.append(label)
            continue
        volume_ids |= {v["id"] for v in server.get("os-extended-volumes:volumes_attached") or []}
        try:
            compute.delete(server)
        except NotFound:
            pass  # already gone: fine
        except ConohaLearnError as exc:
            report.failed.append(_("server {name}: {error}").format(name=label, error=exc.message))
            continue
        report.servers.append(label)
        deleted.append(server)
    if wait:  # a volume is only released once its server is really gone
        for server in deleted:
            label = _label(server, display_name(server))
            kind = _("server")
            if not _wait_gone(compute.wait, server, f"{kind} {label}", report,
                              progress=progress, deadline=deadline):
                report.servers.remove(label)
    return {s["id"] for s in deleted}, volume_ids


def _delete_volumes(conn: Connection, report: CleanupReport, deleted_servers: set[str],
                    their_volumes: set[str], *, wait: bool, progress: bool,
                    deadline: _Deadline) -> None:
    storage = conn.block_storage
    deleting: list[dict] = []
    for volume in storage.volume_list():
        if not (tagged(volume) or volume["id"] in their_volumes):
            continue
        users = {a.get("server_id") for a in volume.get("attachments") or []}
        if users - deleted_servers:  # ours, but a server that stays still uses it
            report.left_alone.append(_("volume {name} (in use by a server that stays)").format(
                name=_label(volume)))
            continue
        try:
            if volume.get("status") != "deleting":  # a previous clean-up's: only wait for it
                # Wait for in-use (or still creating) volumes to be released; errored ones can go.
                if wait and volume.get("status") not in ("available", "error"):
                    try:
                        storage.wait(volume, "available", timeout=deadline.left(),
                                     progress=progress)
                    except ResourceFailed:  # it went to error (or vanished): delete it anyway
                        pass
                storage.delete_volume(volume)
        except NotFound:
            pass
        except ConohaLearnError as exc:
            report.failed.append(_("volume {name}: {error}").format(
                name=_label(volume), error=exc.message))
            continue
        report.volumes.append(_label(volume))
        deleting.append(volume)
    if wait:  # DELETE answers 202 at once; the volume stays "deleting" (and billed) a while
        for volume in deleting:
            label = _label(volume)
            kind = _("volume")
            if not _wait_gone(storage.wait, volume, f"{kind} {label}", report,
                              progress=progress, deadline=deadline):
                report.volumes.remove(label)


def _delete_keypairs(conn: Connection, report: CleanupReport) -> None:
    for name in sorted(conn.created_keypairs):
        try:
            conn.compute.delete_keypair(name)
        except NotFound:
            conn.created_keypairs.discard(name)
            continue
        except ConohaLearnError as exc:
            report.failed.append(_("key pair {name}: {error}").format(name=name, error=exc.message))
            continue
        report.keypairs.append(name)


def _delete_containers(conn: Connection, report: CleanupReport) -> None:
    """Tagged containers go, objects first (Swift refuses to delete a container that holds any)."""
    try:
        store = conn.object_store
        names = [c["name"] for c in store.container_list()]
    except NotFoundLocally:  # no object-store in this catalog: nothing of ours can be there
        return
    for name in names:
        try:
            if not store.is_ours(name):
                continue
            objects = store.object_list(name)
            for obj in objects:
                try:
                    store.delete_object(name, obj["name"])
                except NotFound:
                    pass
            store.delete_container(name)
        except NotFound:
            continue
        except ConohaLearnError as exc:
            report.failed.append(_("container {name}: {error}").format(name=name, error=exc.message))
            continue
        report.containers.append(_("{name} ({count} objects)").format(name=name, count=len(objects)))


def _delete_images(conn: Connection, report: CleanupReport) -> None:
    """Images this library saved (tagged, and the tenant's own): any status may be deleted."""
    for image in conn.image.list():
        if not tagged_image(image):
            continue
        try:
            conn.image.delete_image(image)
        except NotFound:
            continue
        except ConohaLearnError as exc:
            report.failed.append(_("image {name}: {error}").format(
                name=_label(image), error=exc.message))
            continue
        report.images.append(_label(image))
