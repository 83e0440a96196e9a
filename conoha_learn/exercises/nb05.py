"""Exercises of notebook 05 (Nova: a server's life)."""

from __future__ import annotations

from . import exercise

SMALL_PLAN = "g2l-t-c1m512"


@exercise("05.boot-volume",
          f"A server on the 512 MB plan ({SMALL_PLAN}) needs a boot volume first. Which size "
          "(GB) and volume type? Answer (size, volume_type).",
          "ConoHa VPS 3.0 has two boot volume types; the 512 MB plan has its own, and a smaller "
          "size. conn.block_storage.volume_types() lists them.")
def boot_volume(answer, conn):
    from ..compute import boot_volume_for

    if isinstance(answer, dict):
        answer = (answer.get("size"), answer.get("volume_type"))
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return 'answer with two values, e.g. (100, "c3j1-ds02-boot").'
    size, volume_type = answer
    want_size, want_type = boot_volume_for({"ram": 512})
    problems = []
    if size != want_size:
        problems.append("100 GB is the boot volume of the other plans; this one's is smaller"
                        if size == 100 else f"ConoHa has no {size!r} GB boot volume for this plan")
    if not isinstance(volume_type, str) or volume_type.strip() != want_type:
        problems.append(f"the volume type {volume_type!r} is not the 512 MB plan's")
    return "; ".join(problems) + "." if problems else None


@exercise("05.hard-reboot",
          "Write the JSON body (as a Python dict) that asks Nova for a HARD reboot through "
          "POST /servers/{id}/action.",
          'A soft reboot is {"reboot": {"type": "SOFT"}}. print(conn.last_exchange) after '
          "conn.compute.reboot(server, hard=True) shows the other one.")
def hard_reboot(answer, conn):
    if not isinstance(answer, dict):
        return 'answer with a dict such as {"os-stop": None}.'
    if list(answer) != ["reboot"]:
        return f'an action body has exactly one key, here "reboot"; yours has {list(answer)}.'
    argument = answer["reboot"]
    if not isinstance(argument, dict) or set(argument) != {"type"}:
        return 'the value of "reboot" is a dict with one key, "type".'
    if argument["type"] == "SOFT":
        return "that is the soft reboot (the OS restarts itself); a hard one is a power cycle."
    if argument["type"] != "HARD":
        return f'"type" is "SOFT" or "HARD" (upper case), not {argument["type"]!r}.'
    return None
