"""Exercises of notebook 05 (Nova: a server's life): a boot volume's shape and an action's body."""

from __future__ import annotations

from typing import Any

from ..compute import boot_volume_for
from ..i18n import N_, _
from . import exercise
from .answers import Unjudgeable, normalise


@exercise("05.boot-volume",
          N_("A server on the 512 MB plan (g2l-t-c1m512) needs a boot volume first. Which size "
             "(GB) and volume type? Answer (size, volume_type)."),
          N_("ConoHa VPS 3.0 has two boot volume types; the 512 MB plan has its own, and a smaller "
             "size. conn.block_storage.volume_types() lists them."))
def boot_volume(answer: Any, conn: Any) -> str | None:
    if isinstance(answer, dict):
        answer = (answer.get("size"), answer.get("volume_type"))
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Unjudgeable(_('answer with two values, e.g. (100, "c3j1-ds02-boot").'))
    size, volume_type = answer
    want_size, want_type = boot_volume_for({"ram": 512})
    problems = []
    if size != want_size:
        problems.append(_("100 GB is the boot volume of the other plans; this one's is smaller")
                        if size == 100 else
                        _("ConoHa has no {size!r} GB boot volume for this plan").format(size=size))
    if not isinstance(volume_type, str) or normalise(volume_type) != want_type:
        problems.append(_("the volume type {type!r} is not the 512 MB plan's").format(
            type=volume_type))
    return _("; ").join(problems) + _(".") if problems else None


@exercise("05.hard-reboot",
          N_("Write the JSON body (as a Python dict) that asks Nova for a HARD reboot through "
             "POST /servers/{id}/action."),
          N_('A soft reboot is {"reboot": {"type": "SOFT"}}. print(conn.last_exchange) after '
             "conn.compute.reboot(server, hard=True) shows the other one."))
def hard_reboot(answer: Any, conn: Any) -> str | None:
    if not isinstance(answer, dict):
        raise Unjudgeable(_('answer with a dict such as {"os-stop": None}.'))
    if list(answer) != ["reboot"]:
        return _('an action body has exactly one key, here "reboot"; yours has {keys}.').format(
            keys=list(answer))
    argument = answer["reboot"]
    if not isinstance(argument, dict) or set(argument) != {"type"}:
        return _('the value of "reboot" is a dict with one key, "type".')
    kind = normalise(argument["type"]) if isinstance(argument["type"], str) else argument["type"]
    if kind == "SOFT":
        return _("that is the soft reboot (the OS restarts itself); a hard one is a power cycle.")
    if kind != "HARD":
        return _('"type" is "SOFT" or "HARD" (upper case), not {type!r}.').format(
            type=argument["type"])
    return None
